import { openDatabase } from '../src/index.js';
import { eventStoreContract } from './event-store.contract.js';

describe('the event store on embedded PGlite', () => {
  eventStoreContract(
    async () => {
      const database = await openDatabase({ dataDir: 'memory' });
      return { pool: database.pool, schema: 'coord', dispose: () => database.close() };
    },
    { concurrentTransactions: false },
  );
});
