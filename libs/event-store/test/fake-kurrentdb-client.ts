import { randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import * as kurrent from '@kurrent/kurrentdb-client';
import type { Pool } from 'pg';
import { KurrentDbEventStore, PostgresEventStore, type KurrentClient } from '../src/index.js';

/**
 * A FAKE of KurrentDB's client, in memory: no KurrentDB server can run on the machines that run
 * CI, so the adapter's own logic (positions read back, retries answered as duplicates, $all
 * filtered and read after a position) is tested against this. It answers with the client's real
 * error classes and event shapes; what it cannot show is the server's own behaviour, which the
 * contract suite checks against a real server (KURRENTDB_URL).
 *
 * Modelled on the server: revisions from 0; each event gets its own prepare position and the
 * events of one append share the commit position written after them; $all is read in (commit,
 * prepare) order from a position inclusive; an append whose event ids are already stored right
 * after the expected revision is idempotent (answered with the stream's revision, nothing written).
 * A subscription to $all is confirmed on a later turn of the event loop, then gets the events
 * after its start position (exclusive) that pass its filter, then each later append's.
 */
export class FakeKurrentDbClient implements KurrentClient {
  private readonly log: kurrent.AllStreamRecordedEvent[] = [];
  private readonly streams = new Map<string, kurrent.AllStreamRecordedEvent[]>();
  private readonly subscriptions = new Set<FakeAllSubscription>();
  appends = 0;
  /** Subscriptions to $all made so far (live or not). */
  subscribed = 0;
  /** While true, a new subscription to $all fails before it is confirmed (a server away). */
  unavailable = false;
  disposed = false;

  /**
   * `nextOffset`: where the fake's log starts (a server that has written for years is far along).
   * `jitterMs`: each append reaches the fake after a random delay up to this, as calls over a
   * network may arrive in another order than they were made.
   */
  constructor(
    private nextOffset = 1_000n,
    private readonly jitterMs = 0,
  ) {}

  async appendToStream(
    streamName: string,
    events: kurrent.EventData | kurrent.EventData[],
    options: { streamState?: kurrent.AppendStreamState } = {},
  ): Promise<kurrent.AppendResult> {
    if (this.jitterMs > 0) await delay(Math.random() * this.jitterMs);
    return this.appendArrived(streamName, events, options);
  }

  private appendArrived(
    streamName: string,
    events: kurrent.EventData | kurrent.EventData[],
    options: { streamState?: kurrent.AppendStreamState },
  ): Promise<kurrent.AppendResult> {
    this.appends += 1;
    const list = Array.isArray(events) ? events : [events];
    const stream = this.streams.get(streamName) ?? [];
    const current = stream.length === 0 ? kurrent.NO_STREAM : BigInt(stream.length - 1);
    const state = options.streamState ?? kurrent.ANY;

    const from = typeof state === 'bigint' ? Number(state) + 1 : state === kurrent.NO_STREAM ? 0 : -1;
    if (from >= 0 && list.every((event, i) => stream[from + i]?.id === event.id)) {
      return Promise.resolve({ success: true, nextExpectedRevision: BigInt(from + list.length - 1) });
    }
    const fits =
      state === kurrent.ANY ||
      (state === kurrent.NO_STREAM && stream.length === 0) ||
      (state === kurrent.STREAM_EXISTS && stream.length > 0) ||
      (typeof state === 'bigint' && state === current);
    if (!fits) {
      return Promise.reject(
        new kurrent.WrongExpectedVersionError(undefined, { streamName, expected: state, current }),
      );
    }
    const prepares = list.map(() => (this.nextOffset += 100n));
    const commit = (this.nextOffset += 100n);
    list.forEach((event, i) => {
      const data = event.data as kurrent.JSONType;
      const recorded = {
        streamId: streamName,
        id: event.id,
        isJson: true,
        revision: BigInt(stream.length),
        type: event.type,
        created: new Date(),
        // As the server hands them back: JSON written and parsed again.
        data: JSON.parse(JSON.stringify(data)) as kurrent.JSONType,
        metadata: JSON.parse(JSON.stringify(event.metadata)) as kurrent.JSONType,
        position: { commit, prepare: prepares[i]! },
      } as kurrent.AllStreamRecordedEvent;
      stream.push(recorded);
      this.log.push(recorded);
      for (const subscription of this.subscriptions) subscription.deliver(recorded);
    });
    this.streams.set(streamName, stream);
    return Promise.resolve({
      success: true,
      nextExpectedRevision: BigInt(stream.length - 1),
      position: { commit, prepare: prepares.at(-1)! },
    });
  }

  readStream(
    streamName: string,
    options: kurrent.ReadStreamOptions = {},
  ): AsyncIterableIterator<kurrent.ResolvedEvent> {
    const stream = this.streams.get(streamName);
    const backwards = options.direction === kurrent.BACKWARDS;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    return (async function* () {
      if (!stream) throw new kurrent.StreamNotFoundError(undefined, streamName);
      const from = options.fromRevision;
      let events = backwards ? [...stream].reverse() : stream;
      if (typeof from === 'bigint') {
        events = events.filter((e) => (backwards ? e.revision <= from : e.revision >= from));
      }
      // Each event arrives on its own turn of the event loop, as from a gRPC stream.
      for (const event of events.slice(0, max)) yield await Promise.resolve({ event });
    })();
  }

  readAll(options: kurrent.ReadAllOptions = {}): AsyncIterableIterator<kurrent.AllStreamResolvedEvent> {
    const backwards = options.direction === kurrent.BACKWARDS;
    const max = Number(options.maxCount ?? Number.MAX_SAFE_INTEGER);
    const prefixes = (options.filter as { prefixes?: string[] } | undefined)?.prefixes;
    const from = options.fromPosition;
    const ordered = [...this.log].sort((a, b) => compare(a.position, b.position));
    if (backwards) ordered.reverse();
    return (async function* () {
      let given = 0;
      for (const event of ordered) {
        if (typeof from === 'object') {
          const order = compare(event.position, from);
          if (backwards ? order > 0 : order < 0) continue;
        }
        if (prefixes && !prefixes.some((prefix) => event.streamId.startsWith(prefix))) continue;
        if (given++ >= max) return;
        yield await Promise.resolve({ event });
      }
    })();
  }

  subscribeToAll(options: kurrent.SubscribeToAllOptions = {}): kurrent.AllStreamSubscription {
    this.subscribed += 1;
    const prefixes = (options.filter as { prefixes?: string[] } | undefined)?.prefixes;
    const from = options.fromPosition ?? kurrent.START;
    const subscription = new FakeAllSubscription(prefixes, () => this.subscriptions.delete(subscription));
    const backlog =
      from === kurrent.END
        ? []
        : [...this.log]
            .sort((a, b) => compare(a.position, b.position))
            .filter((event) => from === kurrent.START || compare(event.position, from) > 0);
    // Each live append is handed over as it is stored, after this backlog.
    this.subscriptions.add(subscription);
    const unavailable = this.unavailable;
    setImmediate(() =>
      unavailable ? subscription.fail(new kurrent.UnavailableError()) : subscription.confirm(backlog),
    );
    return subscription;
  }

  /** Live subscriptions to $all (not unsubscribed, not broken). */
  get liveSubscriptions(): number {
    return this.subscriptions.size;
  }

  /** Breaks every live subscription with `error`, as a dropped connection does. */
  breakSubscriptions(error = new kurrent.UnavailableError()): void {
    for (const subscription of [...this.subscriptions]) subscription.fail(error);
  }

  dispose(): Promise<void> {
    this.disposed = true;
    return Promise.resolve();
  }
}

/** A $all subscription of the fake: a readable stream of resolved events, as the client's. */
class FakeAllSubscription extends Readable {
  id = randomUUID();
  private live = true;
  private confirmed = false;
  /** Live events appended before the subscription was confirmed: sent after its backlog. */
  private early: kurrent.AllStreamRecordedEvent[] = [];

  constructor(
    private readonly prefixes: readonly string[] | undefined,
    private readonly forget: () => void,
  ) {
    super({ objectMode: true, read: () => undefined });
  }

  /** The server's answer: the backlog, then what was appended since the subscription was made. */
  confirm(backlog: readonly kurrent.AllStreamRecordedEvent[]): void {
    if (!this.live) return;
    this.emit('confirmation');
    for (const event of [...backlog.filter((e) => this.passes(e)), ...this.early]) this.push({ event });
    this.early = [];
    this.confirmed = true;
    this.emit('caughtUp', {});
  }

  deliver(event: kurrent.AllStreamRecordedEvent): void {
    if (!this.passes(event)) return;
    if (!this.confirmed) {
      this.early.push(event);
      return;
    }
    // A live event arrives on a later turn of the event loop, as from a gRPC stream.
    setImmediate(() => {
      if (this.live) this.push({ event } satisfies kurrent.AllStreamResolvedEvent);
    });
  }

  private passes(event: kurrent.AllStreamRecordedEvent): boolean {
    return !this.prefixes || this.prefixes.some((prefix) => event.streamId.startsWith(prefix));
  }

  fail(error: Error): void {
    this.stopLive();
    this.destroy(error);
  }

  unsubscribe(): Promise<void> {
    if (this.stopLive()) this.push(null);
    return Promise.resolve();
  }

  private stopLive(): boolean {
    if (!this.live) return false;
    this.live = false;
    this.forget();
    return true;
  }
}

function compare(a: kurrent.Position, b: kurrent.Position): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * What `openConfiguredEventStore` sets up for EVENT_STORE=kurrentdb, with the FAKE client: the
 * events go to KurrentDB while PostgreSQL's event-store tables (checkpoints, drafts, keys) exist,
 * migrated and empty, in `schema`.
 */
export async function openKurrentDbOverPostgres(
  pool: Pool,
  schema: string,
  client = new FakeKurrentDbClient(),
): Promise<{ client: FakeKurrentDbClient; store: KurrentDbEventStore }> {
  await new PostgresEventStore(pool, { schema }).migrate();
  return { client, store: new KurrentDbEventStore(client) };
}
