/**
 * Group commit for alert intake: the requests of one workspace that arrive while its previous transaction
 * is committing wait, then go together in the next one (one lock, one read, one write and one commit for
 * all), each answered with its own result once that transaction committed. An idle workspace's request
 * goes at once, alone; under load the batches grow by themselves, up to MAX_ALERTS_PER_CALL events. This
 * is what lets one-alert-per-request senders go faster than one commit (a disk flush) per request allows.
 *
 * A failed batch is tried again request by request, so one request's failure (an incident its pack's rule
 * cannot declare, say) is answered to that request alone.
 */
import type { Tx } from '../../store/database.js';
import {
  inAlertTransaction,
  ingestSegmentsIn,
  MAX_ALERTS_PER_CALL,
  type AlertSegment,
  type IngestResult,
} from './alerts.js';
import type { IncidentsContext } from './context.js';

interface Pending {
  readonly segment: AlertSegment;
  /** Written in the same transaction, before the alerts (an integration's last-used time). */
  readonly before: ((tx: Tx) => Promise<void>) | undefined;
  resolve(result: IngestResult): void;
  reject(error: unknown): void;
}

/**
 * Transactions of one workspace in flight at once: while one waits for its commit to reach the disk, the
 * next is read and planned. Requests of the two were pending together, so either order is an order they
 * could have arrived in; a request sent after another's answer always goes after it.
 */
const IN_FLIGHT = 2;

interface Queue {
  readonly pending: Pending[];
  inFlight: number;
}

export class AlertBatcher {
  private readonly queues = new Map<string, Queue>();

  constructor(
    private readonly ctx: IncidentsContext,
    private readonly maxEvents = MAX_ALERTS_PER_CALL,
  ) {}

  /**
   * Ingests one request's events; resolves after the transaction that holds them committed.
   *
   * @example await batcher.submit(ws, { source: 'generic:int_1', events, actor: 'integration:int_1' })
   */
  submit(
    workspaceId: string,
    segment: AlertSegment,
    before?: (tx: Tx) => Promise<void>,
  ): Promise<IngestResult> {
    return new Promise((resolve, reject) => {
      let queue = this.queues.get(workspaceId);
      if (!queue) {
        queue = { pending: [], inFlight: 0 };
        this.queues.set(workspaceId, queue);
      }
      queue.pending.push({ segment, before, resolve, reject });
      this.pump(workspaceId, queue);
    });
  }

  /** Starts transactions while fewer than IN_FLIGHT run and requests wait; never rejects. */
  private pump(workspaceId: string, queue: Queue): void {
    while (queue.inFlight < IN_FLIGHT && queue.pending.length > 0) {
      let events = 0;
      let take = 0;
      while (
        take < queue.pending.length &&
        (take === 0 || events + queue.pending[take]!.segment.events.length <= this.maxEvents)
      )
        events += queue.pending[take++]!.segment.events.length;
      queue.inFlight++;
      void this.flush(workspaceId, queue.pending.splice(0, take)).finally(() => {
        queue.inFlight--;
        if (queue.inFlight === 0 && queue.pending.length === 0) this.queues.delete(workspaceId);
        else this.pump(workspaceId, queue);
      });
    }
  }

  /** One transaction for the batch; on failure, each request alone, so only the failing one fails. */
  private async flush(workspaceId: string, batch: Pending[]): Promise<void> {
    try {
      const results = await inAlertTransaction(this.ctx, workspaceId, async (tx) => {
        for (const item of batch) await item.before?.(tx);
        return ingestSegmentsIn(
          this.ctx,
          tx,
          workspaceId,
          batch.map((item) => item.segment),
        );
      });
      batch.forEach((item, i) => item.resolve(results[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      for (const item of batch) await this.flush(workspaceId, [item]);
    }
  }
}
