import { START_OF_LOG, type EventStore, type LogPosition, type RecordedEvent } from '#libs/event-store';
import {
  parseCursor,
  type BrowsedEvent,
  type EventBrowsing,
  type EventFilter,
  type EventPage,
} from './event-browser.js';
import { entryOfRecorded } from './ledger-entries.js';
import type { LedgerStore } from './ledger-store.js';

/** The most events one page reads from the log before it ends early (ADR 0024). */
export const EVENT_BROWSER_SCAN_LIMIT = 10_000;

/** Events asked of the log per read. */
const READ_BATCH = 1_000;

/**
 * An ISO 8601 instant in microseconds since the epoch, as PostgreSQL's timestamptz keeps it
 * (Date.parse stops at the millisecond; a seventh fractional digit rounds).
 */
export function instantMicros(text: string): bigint {
  const fraction = /[T ]\d{2}:\d{2}:\d{2}[.,](\d+)/.exec(text)?.[1] ?? '';
  const micros =
    Number(fraction.padEnd(6, '0').slice(3, 6)) + (fraction[6] !== undefined && fraction[6] >= '5' ? 1 : 0);
  return BigInt(Date.parse(text)) * 1000n + BigInt(micros);
}

/**
 * Whether an event read through the port passes the filter: the same tests, bounds and fields as
 * EventBrowser's SQL (event-browser.ts), which a change to either must keep equal.
 * `recordedAt` is the time the entry shows (the first store's, for a copied log).
 */
export function matchesFilter(event: RecordedEvent, filter: EventFilter): boolean {
  const { actor, occurredAt, recordedAt } = event.metadata;
  if (filter.streamId !== undefined && event.streamId !== filter.streamId) return false;
  if (filter.type !== undefined && event.type !== filter.type) return false;
  // As metadata->'actor'->>'agencyCode' and ->>'personId'.
  if (filter.agency !== undefined && actor?.agencyCode !== filter.agency) return false;
  if (filter.actor !== undefined && actor?.personId !== filter.actor) return false;
  // Positions: both inclusive.
  if (filter.fromPosition !== undefined && event.globalPosition < filter.fromPosition) return false;
  if (filter.toPosition !== undefined && event.globalPosition > filter.toPosition) return false;
  // Instants: from inclusive, to exclusive.
  const within = (at: string, from: string | undefined, to: string | undefined): boolean =>
    (from === undefined || instantMicros(at) >= instantMicros(from)) &&
    (to === undefined || instantMicros(at) < instantMicros(to));
  return (
    within(occurredAt, filter.occurredFrom, filter.occurredTo) &&
    within(recordedAt, filter.recordedFrom, filter.recordedTo)
  );
}

const positionOf = (event: RecordedEvent): LogPosition => ({
  transactionId: event.transactionId,
  globalPosition: event.globalPosition,
});

const cursorOf = (position: LogPosition): string => `${position.transactionId}.${position.globalPosition}`;

/**
 * The event browser over the event-store port (EVENT_STORE=kurrentdb, whose `$all` filters by
 * nothing but the stream prefix): reads the log from the cursor in batches and filters in code.
 * Same filters, page and cursor as EventBrowser; a page reads at most `scanLimit` events, and one
 * that reaches it before it is full ends there with a `next` cursor (a short page with a `next`:
 * keep going), so no request reads the whole log. Leaves come from the ledger's own tables.
 */
export class PortEventBrowser implements EventBrowsing {
  constructor(
    private readonly log: EventStore,
    private readonly ledger: LedgerStore,
    private readonly scanLimit = EVENT_BROWSER_SCAN_LIMIT,
  ) {}

  async page(filter: EventFilter, cursor: string | undefined, limit: number): Promise<EventPage> {
    // A cursor that does not parse reads from the start, as in the SQL browser.
    let after = (cursor === undefined ? null : parseCursor(cursor)) ?? START_OF_LOG;
    const found: RecordedEvent[] = [];
    let scanned = 0;
    let next: string | null = null;
    scan: while (scanned < this.scanLimit) {
      const batch = await this.log.readAll(after, Math.min(READ_BATCH, this.scanLimit - scanned));
      if (batch.events.length === 0) break; // the end of the log
      for (const event of batch.events) {
        scanned += 1;
        if (matchesFilter(event, filter)) {
          // One match more than the page holds: the next page starts with it.
          if (found.length === limit) {
            next = cursorOf(after);
            break scan;
          }
          found.push(event);
        }
        after = positionOf(event);
      }
      if (scanned >= this.scanLimit) next = cursorOf(after);
    }
    return { events: await this.browsed(found), next };
  }

  async byId(eventId: string): Promise<BrowsedEvent | null> {
    // A leaf's event is the one right after the previous leaf's position (every event is a leaf).
    const leaf = await this.ledger.leafOf(eventId);
    const previous = !leaf
      ? null
      : leaf.leafIndex === 0n
        ? START_OF_LOG
        : await this.ledger.positionOfLeaf(leaf.leafIndex - 1n);
    if (previous) {
      const [event] = (await this.log.readAll(previous, 1)).events;
      if (event?.id === eventId) return (await this.browsed([event]))[0]!;
    }
    // Not in the ledger yet: only after the ledger's position, within the scan bound.
    let after = (await this.ledger.state()).position;
    for (let scanned = 0; scanned < this.scanLimit;) {
      const { events } = await this.log.readAll(after, Math.min(READ_BATCH, this.scanLimit - scanned));
      if (events.length === 0) return null;
      const event = events.find((e) => e.id === eventId);
      if (event) return (await this.browsed([event]))[0]!;
      scanned += events.length;
      after = positionOf(events.at(-1)!);
    }
    return null;
  }

  private async browsed(events: readonly RecordedEvent[]): Promise<BrowsedEvent[]> {
    const leaves = await this.ledger.leavesOf(events.map((event) => event.id));
    return events.map((event) => ({
      position: event.globalPosition.toString(),
      leafIndex: leaves.get(event.id) ?? null,
      event: entryOfRecorded(event),
    }));
  }
}
