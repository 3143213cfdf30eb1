#!/usr/bin/env node
// The `opsbook` command: builds what is missing or stale (first run after install), then runs the CLI.
import { ensureBuilt } from '../scripts/ensure-built.mjs';

await ensureBuilt({ web: process.argv[2] === 'serve' });
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(process.argv.slice(2));
