import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import type { EventStore } from '#libs/event-store';
import { EventBrowser, LedgerStore, PortEventBrowser } from '#libs/ledger';
import {
  FakeKurrentDbClient,
  openKurrentDbOverPostgres,
} from '../../../libs/event-store/test/fake-kurrentdb-client.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import { eventBrowserFor } from '../src/ledger/ledger.http.controller.js';

/**
 * GET /events with the events in KurrentDB (a FAKE client: no server runs in CI; its ledger tables
 * in a real PostgreSQL) answers from the log read through the port, filtered; the filters
 * themselves are compared with the SQL browser's in libs/ledger/test/event-browser-on-kurrentdb.
 */
describe('the event browser GET /events uses on KurrentDB', () => {
  let pool: Pool;
  const schema = uniqueSchema('api_browse_kdb');
  let store: EventStore;

  beforeAll(async () => {
    pool = await connectTestPostgres(2);
    ({ store } = await openKurrentDbOverPostgres(pool, schema, new FakeKurrentDbClient()));
  });

  afterAll(async () => {
    await dropSchema(pool, schema);
    await pool.end();
  });

  it('reads the log through the port and answers a filtered page', async () => {
    const ledger = new LedgerStore(pool, schema, store);
    await ledger.migrate();
    const ids = [randomUUID(), randomUUID(), randomUUID()];
    for (const [i, id] of ids.entries())
      await store.append(`task-${i % 2}`, [
        {
          id,
          type: 'TaskAssigned',
          data: { i },
          metadata: {
            actor: { personId: 'can-bo-1', agencyCode: 'lc-so-ldtbxh' },
            occurredAt: '2025-01-15T03:00:00.000Z',
          },
        },
      ]);
    const browser = eventBrowserFor(ledger, store);
    expect(browser).toBeInstanceOf(PortEventBrowser);
    const page = await browser.page({ streamId: 'task-0' }, undefined, 1);
    expect(page.events.map((e) => [e.event.eventId, e.leafIndex])).toEqual([[ids[0], null]]);
    const rest = await browser.page({ streamId: 'task-0' }, page.next!, 1);
    expect(rest).toMatchObject({ events: [{ event: { eventId: ids[2], data: { i: 2 } } }], next: null });
    expect((await browser.byId(ids[1]!))?.event.streamId).toBe('task-1');
  });

  it('filters in SQL on PostgreSQL', () => {
    expect(eventBrowserFor(new LedgerStore(pool, schema), store)).toBeInstanceOf(EventBrowser);
  });
});
