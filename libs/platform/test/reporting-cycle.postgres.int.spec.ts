import { connectTestPostgres } from '../../../test/support/postgres.js';
import { reportingCycleContract } from './reporting-cycle.contract.js';

describe('yearly reporting cycles on PostgreSQL', () => {
  reportingCycleContract(async () => {
    const pool = await connectTestPostgres(4);
    const secondPool = await connectTestPostgres(2);
    return {
      pool,
      secondPool,
      dispose: async () => {
        await Promise.all([pool.end(), secondPool.end()]);
      },
    };
  });
});
