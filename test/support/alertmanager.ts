/**
 * A real Prometheus Alertmanager (the Debian package's binary) for tests: started on a free loopback port with
 * one webhook receiver pointing at Opsbook, group wait and interval kept short so tests run in seconds.
 * Without the binary the suites that need it are skipped; OPSBOOK_TEST_REQUIRE_ALERTMANAGER=1 (CI) makes that
 * an error.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ALERTMANAGER_BIN = '/usr/bin/prometheus-alertmanager';
/** Empty when the binary is there; otherwise why a suite that needs it is skipped. */
export const ALERTMANAGER_MISSING = existsSync(ALERTMANAGER_BIN)
  ? ''
  : ` (skipped: ${ALERTMANAGER_BIN} is not installed: apt-get install prometheus-alertmanager)`;
if (ALERTMANAGER_MISSING && process.env.OPSBOOK_TEST_REQUIRE_ALERTMANAGER === '1') {
  throw new Error(`OPSBOOK_TEST_REQUIRE_ALERTMANAGER=1 but ${ALERTMANAGER_MISSING.slice(11, -1)}`);
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

/** Polls `check` until it returns a value, or fails after `timeoutMs` with the last thing it saw. */
export async function until<T>(what: string, check: () => Promise<T | null>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

export interface AlertmanagerProcess {
  readonly url: string;
  readonly output: string[];
  stop(): Promise<void>;
}

export async function startAlertmanager(webhookUrl: string, token: string): Promise<AlertmanagerProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'opsbook-am-'));
  const config = join(dir, 'alertmanager.yml');
  writeFileSync(
    config,
    [
      'global:',
      '  resolve_timeout: 5s',
      'route:',
      '  receiver: opsbook',
      "  group_by: ['alertname', 'service']",
      '  group_wait: 200ms',
      '  group_interval: 1s',
      '  repeat_interval: 1h',
      'receivers:',
      '  - name: opsbook',
      '    webhook_configs:',
      `      - url: ${webhookUrl}`,
      '        send_resolved: true',
      '        http_config:',
      '          authorization:',
      `            credentials: ${token}`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const output: string[] = [];
  const child: ChildProcess = spawn(
    ALERTMANAGER_BIN,
    [
      `--config.file=${config}`,
      `--storage.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--cluster.listen-address=',
      '--log.level=info',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  child.stdout!.on('data', (d: Buffer) => output.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => output.push(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  await until('Alertmanager to be ready', async () => {
    if (child.exitCode !== null) throw new Error(`alertmanager exited: ${output.join('')}`);
    const ready = await fetch(`${url}/-/ready`).catch(() => null);
    return ready?.ok ? true : null;
  });
  return {
    url,
    output,
    async stop() {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
