import pg from 'pg';
import { PrivatePostgres } from '../../../test/support/private-postgres.js';
import { eventStoreContract } from './event-store.contract.js';
import { POSTGRES_CAPABILITIES, postgresContractSubject } from './postgres-contract-subject.js';

// A server of its own: the log's readable head follows the oldest transaction still running on
// the whole server, so test files running beside this one on a shared server would move it.
describe('the event store on PostgreSQL', () => {
  eventStoreContract(
    async () => {
      const server = await PrivatePostgres.start();
      const pool = new pg.Pool({ connectionString: server.url, max: 60 });
      pool.on('error', () => undefined);
      return postgresContractSubject(pool, 'es', async () => {
        await pool.end();
        await server.dispose();
      });
    },
    { ...POSTGRES_CAPABILITIES, concurrentTransactions: true },
  );
});
