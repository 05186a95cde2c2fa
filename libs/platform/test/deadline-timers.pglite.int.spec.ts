import { openDatabase } from '#libs/event-store';
import { deadlineTimersContract } from './deadline-timers.contract.js';

describe('deadline timers on embedded PGlite', () => {
  deadlineTimersContract(async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    return { pool: database.pool, dispose: () => database.close() };
  });
});
