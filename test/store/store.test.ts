import { ENGINES } from '../support/databases.js';
import { runStoreContract } from './contract.js';

for (const engine of ENGINES) runStoreContract(engine);
