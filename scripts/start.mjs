// `npm start`: build what is missing, then `opsbook serve` on the embedded database with the demo.
import { ensureBuilt } from './ensure-built.mjs';

await ensureBuilt();
const { main } = await import('../dist/cli/main.js');
process.exitCode = await main(['serve', ...process.argv.slice(2)]);
