import { afterAll, beforeAll, describe } from '@jest/globals';
import { openDatabase, type Database } from '#libs/event-store';
import { ledgerTamperContract } from './ledger-tamper.contract.js';

describe('the ledger against tampering, on embedded PGlite', () => {
  let database: Database;
  let n = 0;
  beforeAll(async () => {
    database = await openDatabase({ dataDir: 'memory' });
  });
  afterAll(async () => {
    await database.close();
  });
  ledgerTamperContract(() => ({ pool: database.pool, schema: () => `ledger_${++n}` }));
});
