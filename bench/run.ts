/** `npm run bench -- NAME`: runs one benchmark (or `all`) and prints its figures. */
import { benchAlerts } from './alerts.js';
import { benchAuth } from './auth.js';
import { benchCalendar } from './calendar.js';
import { benchCustomers } from './customers.js';
import { benchDelivery } from './delivery.js';
import { benchHttp } from './http.js';
import { benchMonitors } from './monitors.js';
import { benchOperations } from './operations.js';
import { benchPacks } from './packs.js';
import { benchSimulate } from './simulate.js';
import { benchStartup } from './startup.js';
import { benchStatus } from './status.js';
import { benchSupport } from './support.js';
import { benchTimers } from './timers.js';

const BENCHES: Record<string, () => Promise<void>> = {
  http: benchHttp,
  startup: benchStartup,
  packs: benchPacks,
  simulate: benchSimulate,
  calendar: benchCalendar,
  timers: benchTimers,
  auth: benchAuth,
  delivery: benchDelivery,
  support: benchSupport,
  status: benchStatus,
  monitors: benchMonitors,
  alerts: benchAlerts,
  customers: benchCustomers,
  operations: benchOperations,
};

const names = process.argv.slice(2);
if (names.length === 0 || names.some((n) => n !== 'all' && !(n in BENCHES))) {
  console.error(`usage: npm run bench -- <${Object.keys(BENCHES).join('|')}|all>`);
  process.exit(2);
}
for (const name of names.includes('all') ? Object.keys(BENCHES) : names) {
  await BENCHES[name]!();
  console.log('');
}
// A bench may leave the app it listened on (listenBenchApp) or a pool behind; every figure is printed.
process.exit(0);
