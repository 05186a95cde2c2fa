import { connectTestPostgres } from '../../../test/support/postgres.js';
import { projectionsContract } from './projections.contract.js';

describe('projections on PostgreSQL', () => {
  projectionsContract(async () => {
    const pool = await connectTestPostgres(10);
    return { pool, kind: 'postgres', dropSchemas: true, dispose: () => pool.end() };
  });
});
