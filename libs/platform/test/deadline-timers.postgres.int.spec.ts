import { connectTestPostgres } from '../../../test/support/postgres.js';
import { deadlineTimersContract } from './deadline-timers.contract.js';

describe('deadline timers on PostgreSQL', () => {
  deadlineTimersContract(async () => {
    const pool = await connectTestPostgres(6);
    const secondPool = await connectTestPostgres(4);
    return {
      pool,
      secondPool,
      dispose: async () => {
        await Promise.all([pool.end(), secondPool.end()]);
      },
    };
  });
});
