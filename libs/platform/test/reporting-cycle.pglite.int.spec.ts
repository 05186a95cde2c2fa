import { openDatabase } from '#libs/event-store';
import { reportingCycleContract } from './reporting-cycle.contract.js';

describe('yearly reporting cycles on embedded PGlite', () => {
  reportingCycleContract(async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    return { pool: database.pool, dispose: () => database.close() };
  });
});
