import { afterAll, beforeAll, describe } from '@jest/globals';
import type { Pool } from 'pg';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { ledgerTamperContract } from './ledger-tamper.contract.js';

describe('the ledger against tampering, on PostgreSQL', () => {
  let pool: Pool;
  const schemas: string[] = [];
  beforeAll(async () => {
    pool = await connectTestPostgres(4);
  });
  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema);
    await pool.end();
  });
  ledgerTamperContract(() => ({
    pool,
    schema: () => {
      const schema = uniqueSchema('ledger');
      schemas.push(schema);
      return schema;
    },
  }));
});
