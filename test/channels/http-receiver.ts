/**
 * A local HTTP server on 127.0.0.1 that plays Slack, a webhook endpoint or an SMS provider for the channel
 * contract suite (test/channels/contract.ts), misbehaving on request the way real ones do: refusing
 * connections (the listener really closes, and comes back on the same port), hanging, answering slowly,
 * 500, 429 with `Retry-After: 7`, 410, and 302 to a path of its own that counts any hit. It records every
 * request as it arrived (method, path, headers, raw body) so tests assert on what was actually received.
 *
 * @example
 * const receiver = await startHttpReceiver({ extract: (r) => ({ id: r.headers['webhook-id'], text: r.body }) });
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Received, ReceiverMode } from './contract.js';

export interface RecordedRequest {
  readonly method: string;
  /** Path and query as sent. */
  readonly path: string;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** A fixed answer that overrides the mode, for statuses the contract has no mode for (400, 404, …). */
export interface FixedAnswer {
  readonly status: number;
  readonly body?: string;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface HttpReceiverOptions {
  /** Reads the id and text out of an accepted request; throwing makes the receiver answer 400. */
  extract(request: RecordedRequest): Received;
  /** What an accepting receiver answers: Slack says 200 `ok`; webhook endpoints often 204. */
  readonly okStatus?: number;
  readonly okBody?: string;
  /** The body of the 410 answer (Slack: `channel_is_archived`). */
  readonly goneBody?: string;
}

export interface HttpReceiver {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Messages the receiver accepted (answered 2xx in 'ok' or 'slow' mode), in order. */
  received(): Received[];
  /** The raw requests it accepted, in the same order as `received()`. */
  accepted(): RecordedRequest[];
  /** Every request that reached it, whatever it answered. */
  requests(): RecordedRequest[];
  redirectHits(): number;
  behave(mode: ReceiverMode): void;
  /** Answer every request with this until called with `null`. */
  respondWith(answer: FixedAnswer | null): void;
  close(): Promise<void>;
}

export const REDIRECT_PATH = '/redirected';
const SLOW_MS = 300;

export async function startHttpReceiver(options: HttpReceiverOptions): Promise<HttpReceiver> {
  const received: Received[] = [];
  const accepted: RecordedRequest[] = [];
  const requests: RecordedRequest[] = [];
  const timers = new Set<NodeJS.Timeout>();
  let redirectHits = 0;
  let mode: ReceiverMode = 'ok';
  let fixed: FixedAnswer | null = null;
  let listenError: Error | undefined;

  const accept = (request: RecordedRequest, res: http.ServerResponse) => {
    let message: Received;
    try {
      message = options.extract(request);
    } catch (error) {
      res.writeHead(400, { 'content-type': 'text/plain' }).end(`unreadable: ${String(error)}`);
      return;
    }
    received.push(message);
    accepted.push(request);
    res.writeHead(options.okStatus ?? 200, { 'content-type': 'text/plain' }).end(options.okBody ?? 'ok');
  };

  const answer = (request: RecordedRequest, res: http.ServerResponse) => {
    if (fixed !== null) {
      res.writeHead(fixed.status, { 'content-type': 'text/plain', ...fixed.headers }).end(fixed.body ?? '');
      return;
    }
    const plain = { 'content-type': 'text/plain' };
    switch (mode) {
      case 'ok':
        return accept(request, res);
      case 'slow': {
        const timer = setTimeout(() => {
          timers.delete(timer);
          if (!res.destroyed) accept(request, res);
        }, SLOW_MS);
        timers.add(timer);
        return;
      }
      case 'hang':
        return; // read the request, never answer; close() destroys the connection
      case 'error':
        // Echoes the request line, as many frameworks do, so tests can check it never reaches a log.
        res.writeHead(500, plain).end(`Internal error handling ${request.method} ${request.path}`);
        return;
      case 'throttle':
        res.writeHead(429, { ...plain, 'retry-after': '7' }).end('rate_limited');
        return;
      case 'gone':
        res.writeHead(410, plain).end(options.goneBody ?? 'gone');
        return;
      case 'redirect':
        res.writeHead(302, { ...plain, location: `${origin}${REDIRECT_PATH}` }).end();
        return;
      case 'refuse':
        res.destroy(); // only a connection opened before the listener closed can get here
        return;
    }
  };

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const request: RecordedRequest = {
        method: req.method ?? '',
        path: req.url ?? '',
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(request);
      if (request.path.startsWith(REDIRECT_PATH)) {
        redirectHits++;
        res.writeHead(200).end('followed');
        return;
      }
      answer(request, res);
    });
  });
  // Longer than any test's pause, so an idle kept-alive connection is never closed under a request.
  server.keepAliveTimeout = 60_000;
  server.on('error', (error) => (listenError = error));

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  const origin = `http://127.0.0.1:${port}`;

  return {
    origin,
    port,
    received: () => [...received],
    accepted: () => [...accepted],
    requests: () => [...requests],
    redirectHits: () => redirectHits,
    behave(next) {
      if (listenError) throw listenError;
      if (next === 'refuse' && mode !== 'refuse') {
        // Closing the listening socket is synchronous: the very next connect is refused.
        server.close();
        server.closeAllConnections();
      } else if (next !== 'refuse' && mode === 'refuse') {
        // Binding an IP literal completes on the next tick, before any test code can connect.
        server.listen(port, '127.0.0.1');
      }
      mode = next;
    },
    respondWith(next) {
      fixed = next;
    },
    async close() {
      for (const timer of timers) clearTimeout(timer);
      timers.clear();
      server.closeAllConnections();
      if (!server.listening) return;
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
