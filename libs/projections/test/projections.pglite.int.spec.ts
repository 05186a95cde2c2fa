import { openDatabase } from '#libs/event-store';
import { projectionsContract } from './projections.contract.js';

describe('projections on embedded PGlite', () => {
  projectionsContract(async () => {
    const database = await openDatabase({ dataDir: 'memory' });
    return { pool: database.pool, kind: database.kind, dropSchemas: false, dispose: () => database.close() };
  });
});
