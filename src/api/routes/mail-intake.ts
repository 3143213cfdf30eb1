/**
 * Inbound mail over HTTP, for providers that POST received mail instead of speaking SMTP (issue 7): the
 * raw message (`Content-Type: message/rfc822`) goes through the same intake as the SMTP listener. Only
 * this plugin accepts `message/rfc822`, up to OPSBOOK_SUPPORT_MAX_BYTES; every other route still answers
 * 415 to it.
 */
import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import { eq } from 'drizzle-orm';
import { z } from 'zod';
import { OpsError } from '../../errors/catalog.js';
import { findMailTarget, intakeMail, type MailTarget } from '../../modules/support/mail-intake.js';
import { readMail } from '../../modules/support/mail-parse.js';
import type { SupportContext } from '../../modules/support/ticket-store.js';
import { workspaces } from '../../store/schema.js';
import type { AppDeps } from '../deps.js';
import { accessOf } from '../session.js';

const Params = z.strictObject({ workspaceId: z.string().min(1).max(64) });
const Query = z.strictObject({
  to: z
    .string()
    .max(320)
    .optional()
    .describe(
      'The support address it was sent to (its channel counts); default `<workspace slug>@<support domain>`.',
    ),
});

/** Whose quota a request uses: its bearer token's or session cookie's hash, else its address. */
function callerKey(request: FastifyRequest): string {
  const credential = request.headers.authorization ?? request.cookies.opsbook_session;
  return credential ? createHash('sha256').update(credential).digest('base64url') : `ip:${request.ip}`;
}

/**
 * The parsed body: the bytes behind a private field, because the text guard (src/api/text-guard.ts) walks
 * every enumerable property of a body, which for a Buffer would be one entry per byte.
 */
class RawMessage {
  readonly #bytes: Buffer;
  constructor(bytes: Buffer) {
    this.#bytes = bytes;
  }
  get bytes(): Buffer {
    return this.#bytes;
  }
}

export function mailIntakeRoutes(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  void app.register(async (scope) => inboundEmailRoute(scope, deps, support));
}

/** The workspace's own address, or the given one when it belongs to this workspace. */
async function targetOf(deps: AppDeps, workspaceId: string, to: string | undefined): Promise<MailTarget> {
  const domain = deps.config.supportDomain;
  if (to !== undefined) {
    const target = await findMailTarget(deps.database, to, domain);
    if (!target || target.workspaceId !== workspaceId)
      throw new OpsError('OPS_VALIDATION', `<${to}> is not a support address of this workspace.`, [
        { pointer: '/querystring/to', message: 'use a support address of this workspace, or leave it out' },
      ]);
    return target;
  }
  const [row] = await deps.database.inWorkspace(workspaceId, (tx) =>
    tx.select({ slug: workspaces.slug }).from(workspaces).where(eq(workspaces.id, workspaceId)).limit(1),
  );
  if (!row) throw new OpsError('OPS_NOT_FOUND', `No workspace "${workspaceId}".`);
  return { workspaceId, channel: 'email', address: `${row.slug}@${domain}`.toLowerCase() };
}

function inboundEmailRoute(app: FastifyInstance, deps: AppDeps, support: SupportContext): void {
  const limit = deps.config.supportMaxBytes;
  app.addContentTypeParser(
    'message/rfc822',
    { parseAs: 'buffer', bodyLimit: limit },
    (_request, body, done) => done(null, new RawMessage(body as Buffer)),
  );

  app.withTypeProvider<ZodTypeProvider>().post(
    '/api/v1/workspaces/:workspaceId/inbound/email',
    {
      bodyLimit: limit,
      schema: {
        tags: ['support'],
        summary: 'Receive one email for the help desk (raw MIME, Content-Type: message/rfc822)',
        description:
          'The same intake as the SMTP listener: a new ticket, a message on the ticket it answers (In-Reply-To/References, or a `[#1042]` subject token from the same requester), nothing new for a Message-ID already stored, or quarantine for our own mail coming back (`loop`) and bounces that name no ticket (`bounce`). Up to OPSBOOK_SUPPORT_MAX_BYTES. For an ingest token (or events.write).',
        params: Params,
        querystring: Query,
        response: {
          202: z.object({
            ticket: z.number().int().nullable().describe('The ticket number; null when quarantined.'),
            message: z.string().nullable().describe('The message id (`tm_…`).'),
            created: z.boolean().describe('False when this Message-ID was already stored.'),
            acknowledged: z.boolean().describe("The pack's acknowledgement was recorded to go out."),
            quarantined: z.enum(['loop', 'bounce']).nullable(),
          }),
        },
      },
      config: {
        access: ['events.write', 'ingest'],
        rateLimit: { max: 600, timeWindow: 60_000, keyGenerator: callerKey },
      },
    },
    async (request, reply) => {
      const { workspaceId } = request.params;
      if (!(request.body instanceof RawMessage))
        throw new OpsError(
          'OPS_UNSUPPORTED_MEDIA_TYPE',
          'Send the raw message as the body, with Content-Type: message/rfc822.',
        );
      const target = await targetOf(deps, workspaceId, request.query.to);
      const read = await readMail(request.body.bytes, { trustedAuthservIds: deps.config.supportAuthservIds });
      if (!read.ok) throw new OpsError('OPS_MAIL_REFUSED', `The message was refused: ${read.reason}.`);
      const result = await intakeMail(support, target, read.mail, accessOf(request).actor);
      return reply.code(202).send(
        result.outcome === 'stored'
          ? {
              ticket: result.ticket,
              message: result.message,
              created: result.created,
              acknowledged: result.acknowledged,
              quarantined: null,
            }
          : { ticket: null, message: null, created: false, acknowledged: false, quarantined: result.reason },
      );
    },
  );
}
