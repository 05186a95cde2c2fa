import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';
import { POSTGRES_CAPABILITIES, postgresContractSubject } from './postgres-contract-subject.js';

describe('the event store on PostgreSQL', () => {
  eventStoreContract(
    async () => {
      const pool = await connectTestPostgres(60);
      const schema = uniqueSchema('es');
      return postgresContractSubject(pool, schema, async () => {
        await dropSchema(pool, schema);
        await pool.end();
      });
    },
    { ...POSTGRES_CAPABILITIES, concurrentTransactions: true },
  );
});
