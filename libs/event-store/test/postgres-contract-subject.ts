import type { Pool } from 'pg';
import { PostgresCheckpointStore, PostgresEventStore } from '../src/index.js';
import type { ContractOptions, ContractSubject } from './event-store.contract.js';

/** The contract's subject on PostgreSQL or PGlite: the store migrated into `schema` of `pool`. */
export async function postgresContractSubject(
  pool: Pool,
  schema: string,
  dispose: () => Promise<void>,
): Promise<ContractSubject> {
  const store = new PostgresEventStore(pool, { schema });
  await store.migrate();
  return {
    store,
    checkpoints: new PostgresCheckpointStore(pool, schema),
    withUpcaster: (upcaster) => new PostgresEventStore(pool, { schema, upcaster }),
    transactions: { pool, store },
    dispose,
  };
}

/** What PostgreSQL guarantees beyond the port (PGlite: the same, one transaction at a time). */
export const POSTGRES_CAPABILITIES: Omit<ContractOptions, 'concurrentTransactions'> = {
  callerTransactions: true,
  groupCommit: true,
  eventIdsUniqueAcrossStreams: true,
  oneFirstAnswerUnderRace: true,
};
