import { openDatabase } from '../src/index.js';
import { eventStoreContract } from './event-store.contract.js';
import { POSTGRES_CAPABILITIES, postgresContractSubject } from './postgres-contract-subject.js';

describe('the event store on embedded PGlite', () => {
  eventStoreContract(
    async () => {
      const database = await openDatabase({ dataDir: 'memory' });
      return postgresContractSubject(database.pool, 'coord', () => database.close());
    },
    { ...POSTGRES_CAPABILITIES, concurrentTransactions: false },
  );
});
