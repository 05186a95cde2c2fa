import { describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import { KurrentDbEventStore } from '#libs/event-store';
import { LedgerStore } from '#libs/ledger';
import { ProblemError } from '#libs/platform';
import { FakeKurrentDbClient } from '../../../libs/event-store/test/fake-kurrentdb-client.js';
import { assertEventBrowserAvailable } from '../src/ledger/ledger.http.controller.js';

/**
 * With the events in KurrentDB (a FAKE client: no server runs in CI) the event browser, which
 * filters in SQL over PostgreSQL's event tables, answers 501 with a problem saying what to use.
 * No database is reached: the pool is never used by these checks.
 */
describe('the event browser on KurrentDB', () => {
  const pool = {} as Pool;

  it('answers 501 with a problem naming the export instead', () => {
    const ledger = new LedgerStore(pool, 'coord', new KurrentDbEventStore(new FakeKurrentDbClient()));
    let thrown: unknown;
    try {
      assertEventBrowserAvailable(ledger);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ProblemError);
    expect((thrown as ProblemError).problem).toMatchObject({
      status: 501,
      code: 'events.browser-needs-postgres',
      detail: expect.stringContaining('/ledger/export') as unknown,
    });
  });

  it('lets the browser serve on PostgreSQL', () => {
    expect(() => assertEventBrowserAvailable(new LedgerStore(pool, 'coord'))).not.toThrow();
  });
});
