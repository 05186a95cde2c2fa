import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Pool } from 'pg';
import {
  PostgresEventStore,
  START_OF_LOG,
  type EventStore,
  type NewEvent,
  type RecordedEvent,
} from '#libs/event-store';
import {
  FakeKurrentDbClient,
  openKurrentDbOverPostgres,
} from '../../event-store/test/fake-kurrentdb-client.js';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../test/support/postgres.js';
import {
  EventBrowser,
  LedgerStore,
  PortEventBrowser,
  type BrowsedEvent,
  type EventBrowsing,
  type EventFilter,
  type LedgerRecordedEvent,
} from '../src/index.js';

const EVENTS = 60;
/** Events the ledgers cover; the rest are not leaves yet. */
const LEAVES = 40;

/**
 * The event browser over the port (EVENT_STORE=kurrentdb) answers as the SQL browser does: the
 * same events appended to PostgreSQL and to a FAKE KurrentDB client (in memory: no server runs in
 * CI), each with a ledger over its first 40 events, browsed with the same filters, paged by cursor
 * to the end. Positions and recording times are each store's own, so filters on them are given
 * each store's values for the same events, and the entries are compared without `recordedAt`.
 */
describe('the event browser over the port (FAKE KurrentDB client, real PostgreSQL)', () => {
  let pool: Pool;
  const pgSchema = uniqueSchema('browse_pg');
  const kdbSchema = uniqueSchema('browse_kdb');
  let kdbStore: EventStore;
  let kdbLedger: LedgerStore;
  let sql: EventBrowser;
  let port: PortEventBrowser;
  let pgLog: RecordedEvent[];
  let kdbLog: RecordedEvent[];

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
    const pgStore = new PostgresEventStore(pool, { schema: pgSchema });
    await pgStore.migrate();
    const pgLedger = new LedgerStore(pool, pgSchema);
    await pgLedger.migrate();
    ({ store: kdbStore } = await openKurrentDbOverPostgres(pool, kdbSchema, new FakeKurrentDbClient(5_000n)));
    kdbLedger = new LedgerStore(pool, kdbSchema, kdbStore);
    await kdbLedger.migrate();

    for (let n = 0; n < EVENTS; n++) {
      const appended = event(n);
      await pgStore.append(`task-${n % 4}`, [appended]);
      await kdbStore.append(`task-${n % 4}`, [appended]);
    }
    pgLog = await readEverything(pgStore, EVENTS);
    kdbLog = await readEverything(kdbStore, EVENTS);
    expect(pgLog.map((e) => e.id)).toEqual(kdbLog.map((e) => e.id));
    for (const ledger of [pgLedger, kdbLedger]) {
      const batch = await ledger.readAll(START_OF_LOG, LEAVES);
      expect(batch.events).toHaveLength(LEAVES);
      await ledger.extend(
        batch.events.map((e) => ({
          position: { transactionId: e.transactionId, globalPosition: e.globalPosition },
          entry: (e as LedgerRecordedEvent).ledgerEntry,
        })),
      );
    }
    sql = new EventBrowser(pool, pgSchema);
    port = new PortEventBrowser(kdbStore, kdbLedger);
  });

  afterAll(async () => {
    await dropSchema(pool, pgSchema);
    await dropSchema(pool, kdbSchema);
    await pool.end();
  });

  /** Filters, each given a store's log (for the filters on its own positions and times). */
  const filters: Array<[string, (log: RecordedEvent[]) => EventFilter]> = [
    ['none', () => ({})],
    ['stream', () => ({ streamId: 'task-2' })],
    ['type', () => ({ type: 'TaskCompleted' })],
    ['agency', () => ({ agency: 'lc-so-yte' })],
    ['actor', () => ({ actor: 'can-bo-1' })],
    ['stream, type, agency', () => ({ streamId: 'task-1', type: 'TaskAssigned', agency: 'lc-so-yte' })],
    ['an unknown agency', () => ({ agency: 'nobody' })],
    [
      'positions (both inclusive)',
      (log) => ({ fromPosition: log[7]!.globalPosition, toPosition: log[31]!.globalPosition }),
    ],
    ['from a position', (log) => ({ fromPosition: log[50]!.globalPosition })],
    [
      'occurred (from inclusive, to exclusive; to the microsecond)',
      // Event 11 occurred at the first bound, event 15 at the second.
      () => ({ occurredFrom: '2025-03-15T03:00:00.000100Z', occurredTo: '2025-07-15T03:00:00.000500Z' }),
    ],
    [
      'occurred in one microsecond',
      () => ({ occurredFrom: '2025-03-15T03:00:00.000100Z', occurredTo: '2025-03-15T03:00:00.000101Z' }),
    ],
  ];

  it.each(filters)('answers as the SQL browser with the filter: %s, page by page', async (_, filterOf) => {
    for (const limit of [7, 500]) {
      const expected = await browseAll(sql, filterOf(pgLog), limit);
      const actual = await browseAll(port, filterOf(kdbLog), limit);
      expect(actual.events.map(comparable)).toEqual(expected.events.map(comparable));
      // Positions are the port's own.
      const kdbPosition = new Map(kdbLog.map((e) => [e.id, e.globalPosition.toString()]));
      expect(actual.events.map((e) => e.position)).toEqual(
        actual.events.map((e) => kdbPosition.get(e.event.eventId)),
      );
      // The same pages: full ones, then the last with no `next`.
      expect(actual.pageSizes).toEqual(expected.pageSizes);
    }
  });

  it('has matched something with every filter but one, and covers leaves and events past the ledger', async () => {
    for (const [name, filterOf] of filters) {
      const { events } = await browseAll(port, filterOf(kdbLog), 500);
      if (name === 'an unknown agency') expect(events).toEqual([]);
      else expect(events.length).toBeGreaterThan(0);
    }
    const occurred = (await browseAll(port, filters[9]![1](kdbLog), 500)).events.map((e) => e.event.eventId);
    expect(occurred).toContain(kdbLog[11]!.id);
    expect(occurred).not.toContain(kdbLog[15]!.id);
    const positions = (await browseAll(port, filters[7]![1](kdbLog), 500)).events;
    expect(positions.map((e) => e.event.eventId)).toEqual(kdbLog.slice(7, 32).map((e) => e.id));
    const instant = await browseAll(port, filters[10]![1](kdbLog), 500);
    expect(instant.events.map((e) => e.event.eventId)).toEqual([kdbLog[11]!.id]);
    const { events } = await browseAll(port, {}, 500);
    expect(events.map((e) => e.leafIndex)).toEqual(kdbLog.map((_, i) => (i < LEAVES ? String(i) : null)));
  });

  it('filters on the time the entry shows as recorded (from inclusive, to exclusive)', async () => {
    const recordedFrom = kdbLog[10]!.metadata.recordedAt;
    const recordedTo = kdbLog[40]!.metadata.recordedAt;
    const { events } = await browseAll(port, { recordedFrom, recordedTo }, 9);
    const expected = kdbLog.filter(
      (e) =>
        Date.parse(e.metadata.recordedAt) >= Date.parse(recordedFrom) &&
        Date.parse(e.metadata.recordedAt) < Date.parse(recordedTo),
    );
    expect(expected.length).toBeGreaterThan(0);
    expect(events.map((e) => e.event.eventId)).toEqual(expected.map((e) => e.id));
    expect(events.map((e) => e.event.recordedAt)).toEqual(expected.map((e) => e.metadata.recordedAt));
  });

  it('reads at most its scan bound per page: a short page with a `next` means keep going', async () => {
    let read = 0;
    const counting: EventStore = Object.assign(Object.create(kdbStore) as EventStore, {
      readAll: async (...args: Parameters<EventStore['readAll']>) => {
        const batch = await kdbStore.readAll(...args);
        read += batch.events.length;
        return batch;
      },
    });
    const bounded = new PortEventBrowser(counting, kdbLedger, 9);
    // Five events of sixty: n % 4 === 3 and n % 3 === 0.
    const filter: EventFilter = { streamId: 'task-3', type: 'TaskAssigned' };
    const found: BrowsedEvent[] = [];
    let cursor: string | undefined;
    let pages = 0;
    let shortWithNext = 0;
    for (;;) {
      read = 0;
      const page = await bounded.page(filter, cursor, 100);
      pages += 1;
      expect(read).toBeLessThanOrEqual(9);
      found.push(...page.events);
      if (!page.next) break;
      shortWithNext += 1;
      cursor = page.next;
    }
    expect(shortWithNext).toBeGreaterThanOrEqual(Math.floor(EVENTS / 9) - 1);
    expect(pages).toBeGreaterThan(EVENTS / 9);
    const expected = await browseAll(sql, filter, 100);
    expect(found.map(comparable)).toEqual(expected.events.map(comparable));
    expect(found).toHaveLength(5);
  });

  it('finds one event by id, a leaf or not yet, as the SQL browser does', async () => {
    for (const at of [0, 5, LEAVES - 1, LEAVES, EVENTS - 1]) {
      const id = kdbLog[at]!.id;
      const found = await port.byId(id);
      expect(found && comparable(found)).toEqual(comparable((await sql.byId(id))!));
      expect(found?.position).toBe(kdbLog[at]!.globalPosition.toString());
    }
    expect(await port.byId(randomUUID())).toBeNull();
  });
});

function event(n: number): NewEvent {
  return {
    id: randomUUID(),
    type: ['TaskAssigned', 'TaskProgressReported', 'TaskCompleted'][n % 3]!,
    data: { n, note: `Báo cáo tiến độ số ${n}: sàng lọc cho trẻ em`.normalize('NFC') },
    metadata: {
      actor: { personId: `can-bo-${n % 3}`, agencyCode: n % 2 === 0 ? 'lc-so-ldtbxh' : 'lc-so-yte' },
      // Months 1 to 9, and microseconds apart within a month.
      occurredAt: `2025-0${1 + (n % 9)}-15T03:00:00.000${n % 10}00Z`,
      correlationId: `corr-${n}`,
    },
  };
}

/** What the two stores share of a browsed event: not its position, nor when each recorded it. */
function comparable(browsed: BrowsedEvent) {
  const { recordedAt: _, ...entry } = browsed.event;
  return { leafIndex: browsed.leafIndex, entry };
}

async function browseAll(
  browser: EventBrowsing,
  filter: EventFilter,
  limit: number,
): Promise<{ events: BrowsedEvent[]; pageSizes: number[] }> {
  const events: BrowsedEvent[] = [];
  const pageSizes: number[] = [];
  let cursor: string | undefined;
  for (;;) {
    const page = await browser.page(filter, cursor, limit);
    events.push(...page.events);
    pageSizes.push(page.events.length);
    if (!page.next) return { events, pageSizes };
    cursor = page.next;
  }
}

/** The whole log; PostgreSQL's readable head may lag other transactions on the server a moment. */
async function readEverything(store: EventStore, count: number): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const all: RecordedEvent[] = [];
    let position = START_OF_LOG;
    for (;;) {
      const batch = await store.readAll(position, 500);
      if (batch.events.length === 0) break;
      all.push(...batch.events);
      position = batch.next;
    }
    if (all.length >= count || Date.now() > deadline) return all;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
