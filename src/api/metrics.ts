/** Prometheus metrics: one registry per app (tests build several), default process metrics included. */
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DispatchEvent } from '../engine/dispatcher.js';
import type { WorkerEvent } from '../engine/worker.js';

export interface Metrics {
  readonly registry: Registry;
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  /** Feeds the worker's events into counters. */
  observeWorker(event: WorkerEvent | DispatchEvent): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'opsbook_' });
  const httpDuration = new Histogram({
    name: 'opsbook_http_request_duration_seconds',
    help: 'HTTP request duration by route and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const workerEvents = new Counter({
    name: 'opsbook_worker_events_total',
    help: 'Timers fired, failed or lost and messages sent, retried or dead, by kind or channel.',
    labelNames: ['type', 'name'] as const,
    registers: [registry],
  });
  return {
    registry,
    httpDuration,
    observeWorker(event) {
      const name = 'kind' in event ? event.kind : 'channel' in event ? event.channel : '';
      workerEvents.inc({ type: event.type, name });
    },
  };
}
