// Builds the server (TypeScript → dist/) and the web app (Vite → web/dist/) when missing or older than
// their sources, so `npm start` on a fresh clone just works and a second start costs no build.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newestMtimeMs(path) {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of readdirSync(path)) newest = Math.max(newest, newestMtimeMs(join(path, entry)));
  return newest;
}

function stale(output, inputs) {
  if (!existsSync(output)) return true;
  const built = statSync(output).mtimeMs;
  return inputs.some((input) => newestMtimeMs(join(root, input)) > built);
}

function run(what, args) {
  process.stderr.write(`opsbook: building ${what}…\n`);
  // Always a production build: under vitest NODE_ENV is `test`, and Vite would otherwise write React's
  // development bundle into web/dist, which `npm start` then serves.
  execFileSync(process.execPath, args, {
    cwd: root,
    stdio: ['ignore', 'inherit', 'inherit'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
}

export async function ensureBuilt({ web = true } = {}) {
  const serverStamp = join(root, 'dist/cli/main.js');
  if (stale(serverStamp, ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'])) {
    run('the server', [join(root, 'node_modules/typescript-7/bin/tsc'), '-p', 'tsconfig.build.json']);
  }
  const webStamp = join(root, 'web/dist/index.html');
  if (
    web &&
    stale(webStamp, [
      'web/src',
      'web/public',
      'web/index.html',
      'web/vite.config.ts',
      'web/tsconfig.json',
      'package.json',
    ])
  ) {
    run('the web app', [
      join(root, 'node_modules/vite/bin/vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ]);
  }
}
