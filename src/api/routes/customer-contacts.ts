/**
 * An account's contacts over HTTP (issue 9): list, add (a sign-up with `register`), change, suspend and
 * reinstate, and the CSV import (a plugin of its own reads the file as bytes), which streams its progress
 * as NDJSON to a client that asks for it.
 */
import { PassThrough } from 'node:stream';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { CountryCode } from 'libphonenumber-js';
import { z } from 'zod';
import type { Engine } from '../../engine/engine.js';
import { OpsError } from '../../errors/catalog.js';
import {
  importContacts,
  type ImportReport,
  type OnImportProgress,
} from '../../modules/customers/contact-import.js';
import { createContact, listContacts, updateContact } from '../../modules/customers/contacts.js';
import type { AppDeps } from '../deps.js';
import { toProblem } from '../problem.js';
import { accessOf } from '../session.js';
import { A, C, Contact, ContactFields, Limit, retrying, TAGS, Text } from './customer-schemas.js';

export function contactRoutes(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  const r = app.withTypeProvider<ZodTypeProvider>();
  void app.register(async (scope) => importRoute(scope, deps, engine, base));
  r.get(
    `${base}/:accountId/contacts`,
    {
      schema: {
        tags: TAGS,
        summary: "The account's contacts, a page at a time",
        params: A,
        querystring: z.strictObject({
          status: z.enum(['active', 'suspended']).optional(),
          role: Text(60).optional(),
          phone: Text(40).optional().describe('E.164'),
          after: Text(64).optional(),
          limit: Limit,
        }),
        response: { 200: z.object({ items: z.array(Contact), next: z.string().nullable() }) },
      },
      config: { access: 'records.read' },
    },
    async (request) => {
      const { workspaceId, accountId } = request.params;
      return deps.database.inWorkspace(workspaceId, (tx) =>
        listContacts(tx, workspaceId, accountId, request.query),
      );
    },
  );

  r.post(
    `${base}/:accountId/contacts`,
    {
      schema: {
        tags: TAGS,
        summary: 'Add a contact to an account',
        description:
          "`register: true` records a sign-up: the engine is told `user.registered` for `user:<contact id>`, which starts the pack's journeys (onboarding).",
        params: A,
        body: z.strictObject({ ...ContactFields, register: z.boolean().default(false) }),
        response: { 201: Contact },
      },
      config: { access: 'accounts.write' },
    },
    async (request, reply) => {
      const { workspaceId, accountId } = request.params;
      const actor = accessOf(request).actor;
      const created = await retrying(() =>
        deps.database.inWorkspace(workspaceId, (tx) =>
          createContact(tx, engine, workspaceId, accountId, request.body, actor, deps.now()),
        ),
      );
      return reply.code(201).send(created);
    },
  );

  r.patch(
    `${base}/:accountId/contacts/:contactId`,
    {
      schema: {
        tags: TAGS,
        summary: 'Change a contact, or suspend and reinstate one',
        description:
          "Suspending or reinstating a contact registered as a user tells the engine (`user.suspended`, `user.reinstated`), which moves the person's account in the pack's lifecycle (Smart Estate: suspend rather than delete).",
        params: C,
        body: z.strictObject({
          ...ContactFields,
          name: ContactFields.name.optional(),
          status: z.enum(['active', 'suspended']).optional(),
        }),
        response: { 200: Contact },
      },
      config: { access: 'accounts.write' },
    },
    async (request) => {
      const { workspaceId, accountId, contactId } = request.params;
      const actor = accessOf(request).actor;
      return retrying(() =>
        deps.database.inWorkspace(workspaceId, (tx) =>
          updateContact(tx, workspaceId, accountId, contactId, request.body, deps.now(), engine, actor),
        ),
      );
    },
  );
}

/**
 * The uploaded file. Its bytes sit in a private field, so the global text guard, which walks a body's own
 * properties, never walks a Buffer byte by byte (seconds of blocked event loop for a large file).
 */
class CsvFile {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

/** Up to 100,000 rows of ~100 bytes, with room for long names. */
const IMPORT_MAX_BYTES = 32 * 1024 * 1024;

const NDJSON = 'application/x-ndjson';

const Problem = z.object({
  line: z.number(),
  column: z.string().optional(),
  value: z.string().optional(),
  code: z.string(),
  message: z.string(),
  hint: z.string(),
});
const Report = z.object({
  dryRun: z.boolean(),
  imported: z.boolean(),
  rows: z.number(),
  created: z.number(),
  updated: z.number(),
  unchanged: z.number(),
  suspended: z.number(),
  fatal: Problem.nullable(),
  problems: z.array(Problem),
});

/**
 * Answers an import as NDJSON, a line per step: `{"phase":"checking"}`, `{"phase":"writing","rows","done",
 * "total"}` after each chunk, then `{"phase":"done","report":…}` (the plain answer's report) or
 * `{"phase":"failed","problem":…}`. The lines start only once the file is being checked, so a refusal
 * before (access, the role, no such account) is still a plain problem with its status. The import is the
 * same all-or-nothing transaction: "done" is written after the commit.
 */
async function streamImport(
  request: FastifyRequest,
  reply: FastifyReply,
  run: (onProgress: OnImportProgress) => Promise<ImportReport>,
): Promise<FastifyReply> {
  let out: PassThrough | undefined;
  const line = (value: object) => {
    if (!out) {
      out = new PassThrough();
      void reply.code(200).type(`${NDJSON}; charset=utf-8`).header('cache-control', 'no-store').send(out);
    }
    if (!out.destroyed) out.write(`${JSON.stringify(value)}\n`);
    return out;
  };
  try {
    const report = await run(async (progress) => {
      line(progress);
      // Let the line leave before the checks, which hold the event loop for about a second per 100,000 rows.
      await new Promise((resolve) => setImmediate(resolve));
    });
    line({ phase: 'done', report: Report.parse(report) }).end();
  } catch (err) {
    if (!out) throw err;
    line({ phase: 'failed', problem: toProblem(err, request) }).end();
  }
  return reply;
}

function importRoute(app: FastifyInstance, deps: AppDeps, engine: Engine, base: string): void {
  // The file is read as bytes: the planner decodes it (UTF-8, UTF-16 with a BOM) and names bad lines.
  app.addContentTypeParser(
    ['text/csv', 'application/octet-stream'],
    { parseAs: 'buffer', bodyLimit: IMPORT_MAX_BYTES },
    (_request, body, done) => done(null, new CsvFile(body as Buffer)),
  );
  app.withTypeProvider<ZodTypeProvider>().post(
    `${base}/:accountId/contacts/import`,
    {
      bodyLimit: IMPORT_MAX_BYTES,
      schema: {
        tags: TAGS,
        summary: 'Import contacts from CSV (dry run first), all or nothing',
        description:
          'The body is the file (Content-Type: text/csv), header `name,phone,unit,estate[,email,role,locale]`. Each row must be for this account (its id or name in `estate`); phones are checked and stored in E.164, duplicates in the file and phones of other accounts are reported by line; a phone already in this account updates that contact (a blank cell changes nothing). With any problem nothing is written. `suspendAbsent` suspends (never deletes) active contacts missing from the file. With `Accept: application/x-ndjson` the answer is a line per step (`{"phase":"checking"}`, `{"phase":"writing","rows","done","total"}`), then `{"phase":"done","report":…}` with the report below, or `{"phase":"failed","problem":…}` when the import failed after it started checking.',
        params: A,
        querystring: z.strictObject({
          country: z
            .string()
            .regex(/^[A-Z]{2}$/, 'An ISO 3166 country code, e.g. IN.')
            .describe('The country of numbers written without + and a country code.'),
          role: Text(60).default('resident').describe('The role of rows that name none.'),
          suspendAbsent: z.enum(['true', 'false']).default('false'),
          dryRun: z.enum(['true', 'false']).default('true').describe('true (default): report only.'),
        }),
        response: { 200: Report },
      },
      config: { access: 'accounts.write' },
    },
    async (request, reply) => {
      const body = request.body;
      if (!(body instanceof CsvFile))
        throw new OpsError(
          'OPS_UNSUPPORTED_MEDIA_TYPE',
          'Send the CSV file as the body, with Content-Type: text/csv.',
        );
      const { workspaceId, accountId } = request.params;
      const q = request.query;
      const run = (onProgress?: OnImportProgress) =>
        importContacts(
          deps.database,
          engine,
          workspaceId,
          accountId,
          {
            bytes: new Uint8Array(body.bytes),
            country: q.country as CountryCode,
            role: q.role,
            suspendAbsent: q.suspendAbsent === 'true',
            dryRun: q.dryRun === 'true',
          },
          deps.now(),
          onProgress,
        );
      if (!request.headers.accept?.includes(NDJSON)) return run();
      return streamImport(request, reply, run);
    },
  );
}
