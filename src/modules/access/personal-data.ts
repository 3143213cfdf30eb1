/**
 * Personal data of one contact, found by email or phone: exported as JSON (a GDPR access request) or
 * erased (a GDPR erasure request; the POS SOP's data-retention rules). Erasure replaces the identifier
 * wherever it appears in the workspace's records, their history, effects and messages, deletes the
 * masked secrets and invitations that belong to those records or that address, and is recorded in the
 * audit log by a SHA-256 of the identifier, never the identifier itself.
 *
 * History tables are append-only; an erasure transaction declares itself (`opsbook.erasure`, local to the
 * transaction) and the trigger then lets it rewrite `data` and nothing else (migration 0006).
 *
 * Limit: record keys are ids chosen by integrations (`ticket:T1`); a key made of an email is not renamed.
 */
import { createHash } from 'node:crypto';
import { sql } from 'drizzle-orm';
import { OpsError } from '../../errors/catalog.js';
import type { Database, Tx } from '../../store/database.js';
import { rowsOf } from '../../store/database.js';
import { normalisePhone } from '../../security/otp.js';
import { mapStrings } from '../../shared/json.js';
import { appendAudit } from './audit.js';

export const ERASED = '[erased]';

export interface ContactQuery {
  readonly email?: string | undefined;
  readonly phone?: string | undefined;
}

/** The literal strings to look for: the email, and the phone as given and in E.164. */
function needles(query: ContactQuery): string[] {
  const out: string[] = [];
  if (query.email) out.push(query.email.trim());
  if (query.phone) {
    out.push(query.phone.trim());
    const e164 = normalisePhone(query.phone);
    if (e164.ok) out.push(e164.e164);
  }
  const unique = [...new Set(out.filter((n) => n.length >= 5))];
  if (unique.length === 0) {
    throw new OpsError('OPS_VALIDATION', "Give the contact's email or phone (5 characters or more).", [
      { pointer: '/query/email', message: 'An email address or a phone number is needed.' },
    ]);
  }
  return unique;
}

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** A regular expression (PostgreSQL's and JavaScript's) for the identifiers as they appear in JSON text. */
const pattern = (list: readonly string[]) =>
  list.map((n) => escapeRegex(JSON.stringify(n).slice(1, -1))).join('|');

/** Where each table keeps its JSON, and its row id. */
const COLUMNS = {
  subjects: { id: 'key', column: 'state' },
  timeline_events: { id: 'id', column: 'data' },
  effects: { id: 'id', column: 'data' },
  outbox: { id: 'id', column: 'payload' },
} as const;

/**
 * Replaces the identifiers in every string (keys too) of a JSON value. Done on parsed values, not on the
 * JSON text, so quotes and backslashes in an identifier can never break or reshape the document.
 */
function erase(list: readonly string[]): (value: unknown) => unknown {
  const re = new RegExp(list.map(escapeRegex).join('|'), 'gi');
  return (value) => mapStrings(value, (text) => text.replace(re, ERASED), { keys: true });
}
export const identifierHash = (list: readonly string[]) =>
  createHash('sha256')
    .update(
      list
        .map((n) => n.toLowerCase())
        .sort()
        .join('\n'),
    )
    .digest('hex');

async function matchingSubjects(tx: Tx, workspaceId: string, regex: string): Promise<string[]> {
  const rows = rowsOf<{ key: string }>(
    await tx.execute(sql`select key from subjects where workspace_id = ${workspaceId}
                          and (state::text ~* ${regex} or key ~* ${regex}) order by key`),
  );
  return rows.map((r) => r.key);
}

export async function exportPersonalData(
  database: Database,
  workspaceId: string,
  query: ContactQuery,
  actor: string,
  now: Date,
) {
  const list = needles(query);
  const regex = pattern(list);
  return database.inWorkspace(workspaceId, async (tx) => {
    const keys = await matchingSubjects(tx, workspaceId, regex);
    const subjects = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select key, kind, state, pack_id, created_at, updated_at from subjects
                            where workspace_id = ${workspaceId} and key in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)) order by key`),
    );
    const timeline = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select subject, type, data, actor, occurred_at from timeline_events
                            where workspace_id = ${workspaceId} and (subject in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb)) or data::text ~* ${regex})
                            order by id`),
    );
    const messages = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select id, channel, payload, status, created_at, sent_at from outbox
                            where workspace_id = ${workspaceId} and payload::text ~* ${regex} order by created_at`),
    );
    const contacts = rowsOf<Record<string, unknown>>(
      await tx.execute(sql`select id, account_id, name, phone, email, locale, role, unit, status, created_at
                            from account_contacts where workspace_id = ${workspaceId}
                             and (phone in (select jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))
                                  or lower(email) in (select jsonb_array_elements_text(${JSON.stringify(list.map((n) => n.toLowerCase()))}::jsonb)))
                           order by id`),
    );
    await appendAudit(tx, now, {
      actor,
      action: 'personal-data.exported',
      target: identifierHash(list),
      data: {
        records: keys.length,
        history: timeline.length,
        messages: messages.length,
        contacts: contacts.length,
      },
    });
    return { exportedAt: now.toISOString(), subjects, timeline, messages, contacts };
  });
}

export interface ErasedCounts {
  readonly records: number;
  readonly history: number;
  readonly effects: number;
  readonly messages: number;
  readonly secrets: number;
  readonly invitations: number;
  readonly mail: number;
  readonly subscribers: number;
  readonly contacts: number;
}

export async function erasePersonalData(
  database: Database,
  workspaceId: string,
  query: ContactQuery,
  actor: string,
  now: Date,
): Promise<ErasedCounts> {
  const list = needles(query);
  return database.inWorkspace(workspaceId, async (tx) => {
    const counts = await eraseIdentifiersIn(tx, workspaceId, list);
    await appendAudit(tx, now, {
      actor,
      action: 'personal-data.erased',
      target: identifierHash(list),
      data: { ...counts },
    });
    return counts;
  });
}

/** Identifiers erased in one pass: each pass scans the JSON of every table once. */
const PER_PASS = 100;

/**
 * Erases these identifiers (emails, phones as stored) from every record, history entry, effect and
 * message of the workspace, in `tx`, and deletes what holds nothing else (contacts, invitations, mail,
 * subscriptions by that email). The caller audits. Also used by the end of retention (customers/
 * retention.ts) for all of an account's people at once.
 */
export async function eraseIdentifiersIn(
  tx: Tx,
  workspaceId: string,
  identifiers: readonly string[],
): Promise<ErasedCounts> {
  const total = {
    records: 0,
    history: 0,
    effects: 0,
    messages: 0,
    secrets: 0,
    invitations: 0,
    mail: 0,
    subscribers: 0,
    contacts: 0,
  };
  const all = [...new Set(identifiers.filter((n) => n.length >= 5))];
  await tx.execute(sql`select set_config('opsbook.erasure', 'on', true)`);
  for (let i = 0; i < all.length; i += PER_PASS) {
    const counts = await erasePass(tx, workspaceId, all.slice(i, i + PER_PASS));
    for (const key of Object.keys(total) as (keyof ErasedCounts)[]) total[key] += counts[key];
  }
  await tx.execute(sql`select set_config('opsbook.erasure', 'off', true)`);
  return total;
}

async function erasePass(tx: Tx, workspaceId: string, list: readonly string[]): Promise<ErasedCounts> {
  const regex = pattern(list);
  const keys = await matchingSubjects(tx, workspaceId, regex);
  const count = (result: unknown) =>
    (result as { rowCount?: number; affectedRows?: number }).rowCount ??
    (result as { affectedRows?: number }).affectedRows ??
    0;
  const replace = erase(list);
  const rewrite = async (table: 'subjects' | 'timeline_events' | 'effects' | 'outbox') => {
    const { id, column } = COLUMNS[table];
    const rows = rowsOf<{ id: string | number; value: unknown }>(
      await tx.execute(
        sql`select ${sql.raw(id)} as id, ${sql.raw(column)} as value from ${sql.raw(table)}
               where workspace_id = ${workspaceId} and ${sql.raw(column)}::text ~* ${regex}`,
      ),
    );
    for (const row of rows) {
      const value = typeof row.value === 'string' ? (JSON.parse(row.value) as unknown) : row.value;
      await tx.execute(
        sql`update ${sql.raw(table)} set ${sql.raw(column)} = ${JSON.stringify(replace(value))}::jsonb
               where workspace_id = ${workspaceId} and ${sql.raw(id)} = ${row.id}`,
      );
    }
    return rows.length;
  };
  const records = await rewrite('subjects');
  const history = await rewrite('timeline_events');
  const effects = await rewrite('effects');
  const messages = await rewrite('outbox');
  const secrets = count(
    await tx.execute(
      sql`delete from masked_secrets where workspace_id = ${workspaceId} and subject in (select jsonb_array_elements_text(${JSON.stringify(keys)}::jsonb))`,
    ),
  );
  const invitations = count(
    await tx.execute(
      sql`delete from invitations where workspace_id = ${workspaceId}
              and lower(email) in (select jsonb_array_elements_text(${JSON.stringify(list.map((n) => n.toLowerCase()))}::jsonb))`,
    ),
  );
  // Mail kept by the built-in mailbox, and delivery errors that named the address (a refused recipient).
  const mail = count(
    await tx.execute(
      sql`delete from mailbox where workspace_id = ${workspaceId}
              and (to_addresses::text ~* ${regex} or from_address ~* ${regex} or text ~* ${regex} or subject ~* ${regex})`,
    ),
  );
  await tx.execute(
    sql`update delivery_attempts set error = '[erased]' where workspace_id = ${workspaceId} and error ~* ${regex}`,
  );
  // Status-page subscriptions by that email (their address is the only personal data they hold).
  const subscribers = count(
    await tx.execute(
      sql`delete from status_subscribers where workspace_id = ${workspaceId} and kind = 'email'
              and address in (select jsonb_array_elements_text(${JSON.stringify(list.map((n) => n.toLowerCase()))}::jsonb))`,
    ),
  );
  // Contacts of customer accounts with that phone or email are deleted (erasure, unlike the workflows'
  // suspension, is meant to leave nothing).
  const contacts = count(
    await tx.execute(
      sql`delete from account_contacts where workspace_id = ${workspaceId}
              and (phone in (select jsonb_array_elements_text(${JSON.stringify(list)}::jsonb))
                   or lower(email) in (select jsonb_array_elements_text(${JSON.stringify(list.map((n) => n.toLowerCase()))}::jsonb)))`,
    ),
  );
  return { records, history, effects, messages, secrets, invitations, mail, subscribers, contacts };
}
