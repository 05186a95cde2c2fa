import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { eventStoreContract } from './event-store.contract.js';

describe('the event store on PostgreSQL', () => {
  eventStoreContract(
    async () => {
      const pool = await connectTestPostgres(60);
      const schema = uniqueSchema('es');
      return {
        pool,
        schema,
        async dispose() {
          await dropSchema(pool, schema);
          await pool.end();
        },
      };
    },
    { concurrentTransactions: true },
  );
});
