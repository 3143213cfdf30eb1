/**
 * Part b of `npm run bench -- support`: POST /api/v1/workspaces/:ws/tickets with a bearer API token at a
 * fixed rate (autocannon's overallRate over CONNECTIONS keep-alive connections) for DURATION seconds, on
 * a real listening server in a child process (support-server.ts), after a 3 s warm-up at a fifth of the
 * rate; p50/p90/p99 of autocannon's latency (from the request written to the response read, 2xx only).
 * The peer: plain Fastify inserting the same JSON into a plain table, same rate. autocannon waits for a
 * response before it sends the next on a connection, so a server slower than the rate shows as an
 * achieved rate below it (and latency that leaves out the time requests waited to be sent): both are
 * printed, and the goal counts as met only at ≥ 95 % of the rate.
 */
import autocannon from 'autocannon';
import type { SupportEngine } from './support-engine.js';
import type { ServerArgs, ServerInfo } from './support-server.js';
import { startChild } from './lib.js';

export interface CreateFigures {
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
  /** 2xx responses per second over the run. */
  readonly achieved: number;
  readonly ok: number;
  readonly failed: number;
  readonly firstFailure: string | null;
}

const BODIES = [
  { title: 'Checkout not working on Android', text: 'The pay button is not working since the 5.2.1 update.' },
  { title: 'How do I add a second warehouse?', text: 'How do I add a second warehouse to my store?' },
  { title: 'App down for our outlet', text: 'The app is down at the Pune outlet, billing has stopped.' },
  {
    title: 'Please add UPI autopay',
    text: 'Feature request: UPI autopay for subscriptions.',
    priority: 'p4',
  },
  { title: 'Called about a refund', text: 'Customer called about the refund of order 48213.' },
] as const;

function body(i: number): string {
  const base = BODIES[i % BODIES.length]!;
  return JSON.stringify({
    ...base,
    requester: { name: `Caller ${i}`, email: `caller${i}@example.test` },
    tags: ['bench'],
  });
}

async function load(info: ServerInfo, rate: number, durationS: number, connections: number) {
  let i = 0;
  const failures: string[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      {
        url: `http://127.0.0.1:${info.port}${info.path}`,
        method: 'POST',
        connections,
        overallRate: rate,
        // Its correction assumes 1 ms between a connection's requests at this rate (it rounds up 1 / the
        // per-connection rate): it would fill the histogram with made-up samples. The achieved rate is
        // printed instead.
        ignoreCoordinatedOmission: true,
        duration: durationS,
        headers: {
          'content-type': 'application/json',
          ...(info.token ? { authorization: `Bearer ${info.token}` } : {}),
        },
        requests: [{ setupRequest: (request) => ({ ...request, body: body(i++) }) }],
      },
      (err, done) => (err ? reject(err as Error) : resolve(done)),
    );
    instance.on('response', (_client, statusCode) => {
      if (statusCode >= 300 && failures.length < 1) failures.push(`HTTP ${statusCode}`);
    });
  });
  return { result, failures };
}

/** Checks one request by hand first, so a refusal is reported with its problem document. */
async function probe(info: ServerInfo): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${info.port}${info.path}`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(info.token ? { authorization: `Bearer ${info.token}` } : {}),
    },
    body: body(0),
  });
  if (response.status !== 201)
    throw new Error(
      `POST ${info.path} answered ${response.status}: ${(await response.text()).slice(0, 500)}`,
    );
}

/**
 * Starts one server, warms it up and loads it `runs` times; one figure set per run.
 *
 * @example await createRuns(engine, 'opsbook', { rate: 500, durationS: 15, connections: 50, runs: 3 })
 */
export async function createRuns(
  engine: SupportEngine,
  kind: ServerArgs['kind'],
  options: { rate: number; durationS: number; connections: number; runs: number },
): Promise<CreateFigures[]> {
  const args: ServerArgs = {
    kind,
    url: engine.appUrl,
    workspaceId: engine.workspaces.get('shopsmart')!,
    adminId: engine.adminId,
  };
  if (kind === 'plain')
    await engine.asOwner(async (q) => {
      await q(`create table if not exists bench_created (id bigserial primary key, workspace_id text not null,
        body jsonb not null, created_at timestamptz not null default now())`);
      await q('grant select, insert on bench_created to opsbook_app');
      await q('grant usage on sequence bench_created_id_seq to opsbook_app');
    });
  const server = await startChild<ServerInfo>('bench/support-server.ts', [JSON.stringify(args)], {}, [
    '--import',
    'tsx',
  ]);
  try {
    await probe(server.info);
    await load(server.info, Math.max(1, Math.round(options.rate / 5)), 3, options.connections);
    const figures: CreateFigures[] = [];
    for (let run = 0; run < options.runs; run++) {
      const { result, failures } = await load(
        server.info,
        options.rate,
        options.durationS,
        options.connections,
      );
      const failed = result.non2xx + result.errors + result.timeouts;
      figures.push({
        p50: result.latency.p50,
        p90: result.latency.p90,
        p99: result.latency.p99,
        achieved: result['2xx'] / result.duration,
        ok: result['2xx'],
        failed,
        firstFailure: failures[0] ?? (result.errors ? `${result.errors} connection errors` : null),
      });
    }
    return figures;
  } finally {
    await server.stop();
  }
}
