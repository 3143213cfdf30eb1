/**
 * In-app notifications: a row per person (or, with no person, on the workspace's dashboard feed, the
 * seeds' "Dashboard only" channel). A trigger on the table NOTIFYs every API process, which pushes it to
 * the person's open pages over server-sent events. Keyed by the delivery's id, so a retry stores nothing
 * new.
 */
import type { Database } from '../store/database.js';
import { notifications } from '../store/schema.js';
import type { ChannelAdapter } from './types.js';

const TITLE_MAX_CHARS = 300;
const BODY_MAX_CHARS = 10_000;

export function createInAppAdapter(database: Database): ChannelAdapter {
  return {
    kind: 'in-app',
    async send(delivery) {
      const userId = delivery.target.address === '' ? null : delivery.target.address;
      const firstLine = delivery.text.split('\n', 1)[0] ?? '';
      try {
        await database.inWorkspace(delivery.workspaceId, (tx) =>
          tx
            .insert(notifications)
            .values({
              id: delivery.id.replace(/^msg_/, 'ntf_'),
              workspaceId: delivery.workspaceId,
              userId,
              messageId: delivery.id,
              title: (delivery.subject ?? firstLine).slice(0, TITLE_MAX_CHARS),
              body: delivery.text.slice(0, BODY_MAX_CHARS),
              level: delivery.context?.level ?? null,
              subject: delivery.context?.subject ?? null,
            })
            .onConflictDoNothing(),
        );
        return { ok: true, providerId: delivery.id.replace(/^msg_/, 'ntf_') };
      } catch (err) {
        return {
          ok: false,
          retryable: true,
          error: `could not store the notification: ${(err as Error).message}`,
        };
      }
    },
  };
}
