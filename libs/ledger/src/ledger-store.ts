import {
  EMPTY_ROOT,
  HASH_SIZE,
  consistencyRanges,
  entryLeafHash,
  foldRange,
  inclusionRanges,
  rangeNodes,
  type LedgerEntry,
  type TreeNode,
} from '#libs/ledger-verifier';
import {
  assertSchemaName,
  migrate,
  START_OF_LOG,
  type EventMetadata,
  type EventStore,
  type LogPosition,
  type ReadAllBatch,
  type RecordedEvent,
} from '#libs/event-store';
import pg, { type Pool, type PoolClient } from 'pg';
import {
  ENTRY_COLUMNS,
  entryOf,
  entryOfRecorded,
  entryRowOf,
  leafHashOfRow,
  type EntryRow,
  type Queryable,
} from './ledger-entries.js';
import { LEDGER_MIGRATIONS } from './migrations.js';
import {
  nodeLocation,
  STORED_FROM,
  subtreeOfRow,
  TILE_HEIGHT,
  TILE_WIDTH,
  tileSubtrees,
  upperOffset,
} from './tiles.js';

export interface LedgerState {
  readonly treeSize: bigint;
  readonly position: LogPosition;
}

/** An event of the log for the ledger: its position, and its entry (and leaf hash) when already read. */
export interface LedgerItem {
  readonly position: LogPosition;
  readonly entry?: LedgerEntry;
  /** entryLeafHash(entry), when computed already. */
  readonly leafHash?: Buffer;
  /** The event's id, when the entry is not given (it comes with the leaf hash). */
  readonly eventId?: string;
}

/**
 * An event as LedgerStore.readAll reads it: with the leaf hash of its ledger entry (recordedAt to
 * the microsecond), computed as it is read (with a batch read ahead, while the ledger writes the
 * previous one).
 */
export type LedgerRecordedEvent = RecordedEvent & {
  /** Read through the port (KurrentDB) only; on PostgreSQL readEntries gives entries. */
  readonly ledgerEntry?: LedgerEntry;
  readonly ledgerLeafHash: Buffer;
};

/**
 * An event read from the events table by LedgerStore.readAll: its place in the log, its id and
 * its leaf hash, computed as it was read. Its content is not kept (a batch holds 10,000 events
 * for as long as the ledger writes them): readEntries reads entries.
 */
class LedgerLogEvent implements LedgerRecordedEvent {
  readonly id: string;
  readonly streamId: string;
  readonly streamVersion: number;
  readonly globalPosition: bigint;
  readonly transactionId: bigint;
  readonly type: string;
  readonly schemaVersion = 1;

  constructor(
    row: EntryRow,
    readonly ledgerLeafHash: Buffer,
  ) {
    this.id = row.event_id;
    this.streamId = row.stream_id;
    this.streamVersion = row.stream_version;
    this.globalPosition = BigInt(row.position_text);
    this.transactionId = BigInt(row.tx_text);
    this.type = row.type;
  }

  get data(): unknown {
    throw new Error('the ledger keeps only the leaf hash of an event it reads: use readEntries');
  }

  get metadata(): EventMetadata {
    throw new Error('the ledger keeps only the leaf hash of an event it reads: use readEntries');
  }
}

export class LedgerRangeError extends Error {
  override readonly name = 'LedgerRangeError';
}

/**
 * Tiles a process keeps (at most 8 KiB each: 64 MiB), least recently used out first. Full tiles
 * never change; a partial one only gets wider, so what it holds stays true.
 */
const TILE_CACHE = 8192;

/**
 * Hashes of complete subtrees folded from tiles (up to 127 node hashes each), kept so that the
 * nodes every proof shares (the upper levels, the tree's right edge) are folded once: a complete
 * subtree's hash never changes. About 100 bytes each: 6 MiB.
 */
const FOLDED_CACHE = 65_536;

/**
 * The ledger in PostgreSQL: extends the Merkle tree with events in log order (one transaction per
 * batch, exactly once under the row lock of ledger_state), and answers roots and proofs from the
 * stored tiles, reading only the O(log n) tiles a proof needs.
 */
export class LedgerStore {
  readonly schema: string;
  /** Insertion order is use order: a hit is moved to the end (a small LRU). */
  private readonly tiles = new Map<string, Buffer>();
  /** Full tiles' upper subtree hashes (tileSubtrees) as stored, by tile (a small LRU as `tiles`). */
  private readonly interiors = new Map<string, Buffer>();
  /** Folded node hashes by `level/index` of the node (a small LRU as `tiles`). */
  private readonly folded = new Map<string, Buffer>();

  /**
   * `log`: the event store, when the events are not in this PostgreSQL's event tables
   * (EVENT_STORE=kurrentdb). The ledger then reads the log through the port, in its order; its
   * tree, checkpoints and proofs stay in PostgreSQL.
   */
  constructor(
    private readonly pool: Pool,
    schema = 'coord',
    private readonly log?: EventStore,
  ) {
    this.schema = assertSchemaName(schema);
  }

  /** Whether the ledger reads the log through the event-store port (no SQL over the events). */
  get readsThroughPort(): boolean {
    return this.log !== undefined;
  }

  async migrate(): Promise<void> {
    await migrate(this.pool, this.schema, LEDGER_MIGRATIONS, 'ledger_schema_migrations');
  }

  async state(db: Queryable = this.pool): Promise<LedgerState> {
    const result = await db.query<{ tree_size: string; tx: string; global_position: string }>(
      `select tree_size::text, transaction_id::text as tx, global_position::text from ${this.schema}.ledger_state where id = 1`,
    );
    const row = result.rows[0];
    if (!row) return { treeSize: 0n, position: START_OF_LOG };
    return {
      treeSize: BigInt(row.tree_size),
      position: { transactionId: BigInt(row.tx), globalPosition: BigInt(row.global_position) },
    };
  }

  /**
   * How many events the log holds (how far writers have got, whether or not the ledger has
   * them): on PostgreSQL its last position, one per event. Null on KurrentDB, whose positions are
   * bytes and say nothing of a count of events.
   */
  async logHead(): Promise<bigint | null> {
    if (this.log) return null;
    const result = await this.pool.query<{ head: string | null }>(
      `select max(global_position)::text as head from ${this.schema}.events`,
    );
    return BigInt(result.rows[0]?.head ?? 0);
  }

  /**
   * Reads the log after a position in its order (ADR 0002), as the durable subscription of the
   * ledger does: each event once, carrying its ledger entry, so extend() need not read it again.
   */
  async readAll(after: LogPosition, limit: number): Promise<ReadAllBatch> {
    if (this.log) {
      const batch = await this.log.readAll(after, limit);
      const entries = batch.events.map(entryOfRecorded);
      const hashes = await leafHashesOf(entries);
      const events = batch.events.map((event, i): LedgerRecordedEvent => ({
        ...event,
        ledgerEntry: entries[i]!,
        ledgerLeafHash: hashes[i]!,
      }));
      return { events, next: batch.next };
    }
    const events = await this.hashedEntryRows(after, limit);
    const last = events[events.length - 1];
    return {
      events,
      next: last ? { transactionId: last.transactionId, globalPosition: last.globalPosition } : after,
    };
  }

  /** The log after a position in its order, as ledger entries (PostgreSQL: as stored). */
  async readEntries(
    after: LogPosition,
    limit: number,
  ): Promise<{ entries: readonly LedgerEntry[]; next: LogPosition }> {
    if (this.log) {
      const batch = await this.log.readAll(after, limit);
      return { entries: batch.events.map(entryOfRecorded), next: batch.next };
    }
    const rows = await this.entryRows(after, limit);
    const last = rows[rows.length - 1];
    return {
      entries: rows.map(entryOf),
      next: last
        ? { transactionId: BigInt(last.tx_text), globalPosition: BigInt(last.position_text) }
        : after,
    };
  }

  /**
   * entryRows, each row hashed as it arrives and then dropped: a batch of 10,000 rows held until
   * the last arrived would outlive young collections (copied, then promoted) only to be thrown
   * away. The hashing runs between the socket's reads, a few milliseconds at a time.
   */
  private async hashedEntryRows(after: LogPosition, limit: number): Promise<LedgerLogEvent[]> {
    const client = await this.pool.connect();
    try {
      return await new Promise<LedgerLogEvent[]>((resolve, reject) => {
        const events: LedgerLogEvent[] = [];
        let failure: unknown;
        const query = new pg.Query(ENTRY_ROWS(this.schema), [
          after.transactionId.toString(),
          after.globalPosition.toString(),
          limit,
        ]);
        query.on('row', (row: EntryRow) => {
          if (failure !== undefined) return;
          try {
            events.push(new LedgerLogEvent(row, leafHashOfRow(row)));
          } catch (error) {
            failure = error;
          }
        });
        query.on('error', reject);
        query.on('end', () => (failure === undefined ? resolve(events) : reject(failure as Error)));
        void client.query(query);
      });
    } finally {
      client.release();
    }
  }

  /** Rows of the events table after a position, in the log's order (ADR 0002). */
  private async entryRows(after: LogPosition, limit: number): Promise<EntryRow[]> {
    const result = await this.pool.query<EntryRow>(ENTRY_ROWS(this.schema), [
      after.transactionId.toString(),
      after.globalPosition.toString(),
      limit,
    ]);
    return result.rows;
  }

  /**
   * Appends the events at these log positions (a batch of the global log, in its order) as
   * leaves, in one transaction. Positions at or before the ledger's own are skipped, so a batch
   * handled twice (a lease handed over mid-batch) adds nothing twice. An event given with neither
   * its leaf hash nor its entry is read from the events table (on PostgreSQL). Returns the new state.
   */
  async extend(items: readonly LedgerItem[]): Promise<LedgerState> {
    // The CPU-bound part first, holding no connection (the appends may need it).
    const given = await leafHashesOf(
      items.map((item) => item.entry),
      items,
    );
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      const state = await this.lockState(client);
      const isFresh = ({ position: p }: LedgerItem): boolean =>
        p.transactionId > state.position.transactionId ||
        (p.transactionId === state.position.transactionId &&
          p.globalPosition > state.position.globalPosition);
      const freshHashes = given.filter((_, i) => isFresh(items[i]!));
      const fresh = items.filter(isFresh);
      if (fresh.length === 0) {
        await client.query('commit');
        return state;
      }
      const unread = fresh.filter((_, i) => freshHashes[i] === undefined);
      if (this.log && (unread.length > 0 || fresh.some((item) => eventIdOf(item) === undefined)))
        throw new Error('the ledger reads the log through the port: give each event its entry (readAll)');
      const rows =
        unread.length === 0
          ? []
          : (
              await client.query<EntryRow>(
                `select ${ENTRY_COLUMNS} from ${this.schema}.events e where e.global_position = any($1::bigint[])`,
                [unread.map((item) => item.position.globalPosition.toString())],
              )
            ).rows;
      const byPosition = new Map(rows.map((row) => [row.position_text, row]));
      const leafHashes = fresh.map((item, i) => {
        const known = freshHashes[i];
        if (known !== undefined) return known;
        const row = byPosition.get(item.position.globalPosition.toString());
        if (!row)
          throw new Error(
            `event at position ${item.position.globalPosition} vanished while the ledger read it`,
          );
        return leafHashOfRow(row);
      });
      const first = state.treeSize;
      // Leaf indexes are consecutive from `first`; positions go as one array literal (no
      // per-element escaping by the driver).
      const positions = `{${fresh.map((item) => item.position.globalPosition).join(',')}}`;
      if (this.log) {
        // The log is elsewhere (KurrentDB): the leaf keeps the event's id and whole position.
        await client.query(
          `insert into ${this.schema}.ledger_leaves (leaf_index, event_id, global_position, transaction_id)
           select $1::bigint + u.n - 1, u.id, u.p, u.tx
           from unnest($2::uuid[], $3::bigint[], $4::numeric[]) with ordinality as u(id, p, tx, n)`,
          [
            first.toString(),
            fresh.map(eventIdOf),
            positions,
            `{${fresh.map((item) => item.position.transactionId).join(',')}}`,
          ],
        );
      } else {
        // The events are in this database: a leaf is its index and the event's position, both
        // increasing (no index on a random event id to insert into; the event's id, transaction
        // and content are one join on the events table's primary key away).
        await client.query(
          `insert into ${this.schema}.ledger_leaves (leaf_index, global_position)
           select $1::bigint + u.n - 1, u.p from unnest($2::bigint[]) with ordinality as u(p, n)`,
          [first.toString(), positions],
        );
      }
      await this.appendToTiles(client, first, leafHashes);
      const last = fresh[fresh.length - 1]!.position;
      const treeSize = first + BigInt(fresh.length);
      await client.query(
        `update ${this.schema}.ledger_state set tree_size = $1, transaction_id = $2::text::xid8,
           global_position = $3, updated_at = now() where id = 1`,
        [treeSize.toString(), last.transactionId.toString(), last.globalPosition.toString()],
      );
      await client.query('commit');
      return { treeSize, position: last };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private async lockState(client: PoolClient): Promise<LedgerState> {
    const result = await client.query<{ tree_size: string; tx: string; global_position: string }>(
      `select tree_size::text, transaction_id::text as tx, global_position::text
       from ${this.schema}.ledger_state where id = 1 for update`,
    );
    const row = result.rows[0];
    if (!row) throw new Error('the ledger has no state row: run its migrations');
    return {
      treeSize: BigInt(row.tree_size),
      position: { transactionId: BigInt(row.tx), globalPosition: BigInt(row.global_position) },
    };
  }

  /** Adds leaf hashes from leaf `first` on to the level-0 tiles, and full tiles' roots above. */
  private async appendToTiles(
    client: PoolClient,
    first: bigint,
    leafHashes: readonly Buffer[],
  ): Promise<void> {
    // The rightmost (partial) tile of each level, as stored.
    const edges = await client.query<{ level: number; tile_index: string; hashes: Buffer }>(
      `select t.level, t.tile_index::text, t.hashes from ${this.schema}.ledger_tiles t
       join unnest($1::smallint[], $2::bigint[]) as edge(level, tile_index)
         on edge.level = t.level and edge.tile_index = t.tile_index`,
      edgeTiles(first),
    );
    const tiles = new Map<string, { level: number; index: bigint; hashes: Buffer[]; interior?: Buffer }>();
    for (const row of edges.rows) {
      const hashes: Buffer[] = [];
      for (let i = 0; i < row.hashes.length; i += HASH_SIZE)
        hashes.push(row.hashes.subarray(i, i + HASH_SIZE));
      tiles.set(`${row.level}/${row.tile_index}`, {
        level: row.level,
        index: BigInt(row.tile_index),
        hashes,
      });
    }
    const push = (level: number, position: bigint, hash: Buffer): void => {
      const index = position >> BigInt(TILE_HEIGHT);
      const key = `${level}/${index}`;
      let tile = tiles.get(key);
      if (!tile) {
        tile = { level, index, hashes: [] };
        tiles.set(key, tile);
      }
      tile.hashes.push(hash);
      if (tile.hashes.length === TILE_WIDTH) {
        // The upper subtrees are kept with the tile (proofs read them); the root is the next level's.
        const { root, upper } = tileSubtrees(Buffer.concat(tile.hashes));
        tile.interior = upper;
        push(level + 1, index, root);
      }
    };
    leafHashes.forEach((hash, i) => push(0, first + BigInt(i), hash));
    const written = [...tiles.values()];
    await client.query(
      `insert into ${this.schema}.ledger_tiles (level, tile_index, hashes, interior)
       select * from unnest($1::smallint[], $2::bigint[], $3::bytea[], $4::bytea[])
       on conflict (level, tile_index) do update set hashes = excluded.hashes, interior = excluded.interior`,
      [
        written.map((t) => t.level),
        written.map((t) => t.index.toString()),
        written.map((t) => Buffer.concat(t.hashes)),
        written.map((t) => t.interior ?? null),
      ],
    );
  }

  /** The stored hashes of a tile (all of them; a partial tile may be wider than asked). */
  async tile(level: number, index: bigint, db: Queryable = this.pool): Promise<Buffer | undefined> {
    const key = `${level}/${index}`;
    // Only a full tile from the cache: a caller of this wants every hash the tile has now.
    const cached = this.tiles.get(key);
    if (cached && cached.length === TILE_WIDTH * HASH_SIZE) return cached;
    const result = await db.query<{ hashes: Buffer }>(
      `select hashes from ${this.schema}.ledger_tiles where level = $1 and tile_index = $2`,
      [level, index.toString()],
    );
    const hashes = result.rows[0]?.hashes;
    if (hashes) this.remember(key, hashes);
    return hashes;
  }

  private remember(key: string, hashes: Buffer): void {
    const cached = this.tiles.get(key);
    if (cached && cached.length > hashes.length) return;
    this.tiles.delete(key);
    if (this.tiles.size >= TILE_CACHE) {
      const oldest = this.tiles.keys().next().value;
      if (oldest !== undefined) this.tiles.delete(oldest);
    }
    this.tiles.set(key, hashes);
  }

  /**
   * Hashes of tree nodes, read from the tiles that hold them: from the process cache when it has
   * them, the others in one query. A cached partial tile serves the nodes it already holds (a
   * tile's hashes never change, it only gets wider); a wider one is read when a node lies beyond.
   */
  private async nodes(nodes: readonly TreeNode[], db: Queryable): Promise<Buffer[]> {
    const result: Array<Buffer | undefined> = nodes.map((n) => {
      if (n.level % TILE_HEIGHT === 0) return undefined; // one stored hash: no folding
      const key = `${n.level}/${n.index}`;
      const hash = this.folded.get(key);
      if (hash) {
        this.folded.delete(key); // used: now the most recent
        this.folded.set(key, hash);
      }
      return hash;
    });
    const located = nodes.map((n, i) => (result[i] ? undefined : nodeLocation(n.level, n.index)));
    const wanted = new Map<string, { level: number; index: bigint; width: number }>();
    for (const l of located) {
      if (!l) continue;
      const key = `${l.tileLevel}/${l.tileIndex}`;
      const width = Math.max(wanted.get(key)?.width ?? 0, l.first + l.count);
      wanted.set(key, { level: l.tileLevel, index: l.tileIndex, width });
    }
    const found = new Map<string, Buffer>();
    const missing = [...wanted.entries()].filter(([key, t]) => {
      const cached = this.tiles.get(key);
      if (cached && cached.length >= t.width * HASH_SIZE) {
        found.set(key, cached);
        this.tiles.delete(key); // used: now the most recent
        this.tiles.set(key, cached);
        return false;
      }
      return true;
    });
    if (missing.length > 0) {
      // A named statement: parsed and planned once per connection, as every proof runs it.
      const rows = await db.query<{
        level: number;
        tile_index: string;
        hashes: Buffer;
        interior: Buffer | null;
      }>({
        name: `ledger-tiles-interior-${this.schema}`,
        text: `select t.level, t.tile_index::text, t.hashes, t.interior from ${this.schema}.ledger_tiles t
         join unnest($1::smallint[], $2::bigint[]) as w(level, tile_index)
           on w.level = t.level and w.tile_index = t.tile_index`,
        values: [missing.map(([, t]) => t.level), missing.map(([, t]) => t.index.toString())],
      });
      for (const row of rows.rows) {
        const key = `${row.level}/${row.tile_index}`;
        found.set(key, row.hashes);
        this.remember(key, row.hashes);
        if (row.interior && row.hashes.length === TILE_WIDTH * HASH_SIZE)
          remember(this.interiors, key, row.interior);
      }
    }
    return located.map((l, i) => {
      if (!l) return result[i]!;
      const key = `${l.tileLevel}/${l.tileIndex}`;
      const hashes = found.get(key);
      // A node the stored tree does not have yet: the size asked for is larger than the tree.
      if (!hashes || hashes.length < (l.first + l.count) * HASH_SIZE)
        throw new LedgerRangeError(`the tree is not that large yet (tile ${l.tileLevel}/${l.tileIndex})`);
      const interior = l.count >= 1 << STORED_FROM ? this.interiors.get(key) : undefined;
      if (interior) {
        const at = upperOffset(Math.log2(l.count), l.first);
        return Buffer.from(interior.subarray(at, at + HASH_SIZE));
      }
      const hash = subtreeOfRow(hashes, l.first, l.count);
      if (l.count > 1) this.rememberFolded(`${nodes[i]!.level}/${nodes[i]!.index}`, hash);
      return hash;
    });
  }

  private rememberFolded(key: string, hash: Buffer): void {
    if (this.folded.size >= FOLDED_CACHE) {
      const oldest = this.folded.keys().next().value;
      if (oldest !== undefined) this.folded.delete(oldest);
    }
    this.folded.set(key, hash);
  }

  /** The hashes of several leaf ranges, reading their nodes in one go. */
  private async ranges(ranges: ReadonlyArray<[bigint, bigint]>, db: Queryable): Promise<Buffer[]> {
    const perRange = ranges.map(([start, end]) => rangeNodes(start, end));
    const hashes = await this.nodes(perRange.flat(), db);
    let at = 0;
    return perRange.map((nodes) => {
      const slice = hashes.slice(at, at + nodes.length);
      at += nodes.length;
      return foldRange(slice);
    });
  }

  private async checkSize(size: bigint, db: Queryable): Promise<void> {
    const { treeSize } = await this.state(db);
    if (size > treeSize) throw new LedgerRangeError(`the tree has ${treeSize} leaves, not ${size}`);
  }

  /** MTH of the first `size` leaves. */
  async root(size: bigint, db: Queryable = this.pool): Promise<Buffer> {
    if (size === 0n) return EMPTY_ROOT;
    await this.checkSize(size, db);
    const [root] = await this.ranges([[0n, size]], db);
    return root!;
  }

  async inclusionProof(index: bigint, size: bigint, db: Queryable = this.pool): Promise<Buffer[]> {
    if (index >= size) throw new LedgerRangeError(`leaf ${index} is not in a tree of ${size} leaves`);
    // No look at the state: a size beyond the tree lacks nodes, which the tiles show (one query).
    return this.ranges(inclusionRanges(index, size), db);
  }

  async consistencyProof(from: bigint, to: bigint, db: Queryable = this.pool): Promise<Buffer[]> {
    if (from > to) throw new LedgerRangeError(`size ${from} is larger than ${to}`);
    return this.ranges(consistencyRanges(from, to), db);
  }

  /** The leaf of an event, or null if the ledger does not have it (yet). */
  async leafOf(eventId: string): Promise<{ leafIndex: bigint; position: bigint } | null> {
    // On PostgreSQL a leaf is found by its event's position (the events table's index on ids).
    const result = await this.pool.query<{ leaf_index: string; global_position: string }>(
      this.log
        ? `select leaf_index::text, global_position::text from ${this.schema}.ledger_leaves where event_id = $1`
        : `select l.leaf_index::text, l.global_position::text from ${this.schema}.events e
           join ${this.schema}.ledger_leaves l on l.global_position = e.global_position where e.event_id = $1`,
      [eventId],
    );
    const row = result.rows[0];
    return row ? { leafIndex: BigInt(row.leaf_index), position: BigInt(row.global_position) } : null;
  }

  /**
   * Events in the order of the global log (as subscribers read it, ADR 0002) after a log
   * position, each with the leaf the ledger recorded for it and that leaf's stored hash.
   */
  async logEntries(
    after: LogPosition,
    limit: number,
    db: Queryable = this.pool,
  ): Promise<Array<{ row: EntryRow; leafIndex: bigint | undefined; leafHash: Buffer | undefined }>> {
    const result = this.log
      ? await this.portEntries(after, limit, db)
      : await db.query<EntryRow & { leaf_index: string | null }>(
          `select l.leaf_index::text, ${ENTRY_COLUMNS}
       from ${this.schema}.events e left join ${this.schema}.ledger_leaves l on l.global_position = e.global_position
       where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
         and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
       order by e.transaction_id, e.global_position limit $3`,
          [after.transactionId.toString(), after.globalPosition.toString(), limit],
        );
    const tiles = new Map<bigint, Buffer | undefined>();
    const out: Array<{ row: EntryRow; leafIndex: bigint | undefined; leafHash: Buffer | undefined }> = [];
    for (const row of result.rows) {
      const leafIndex = row.leaf_index === null ? undefined : BigInt(row.leaf_index);
      let leafHash: Buffer | undefined;
      if (leafIndex !== undefined) {
        const t = leafIndex >> 8n;
        if (!tiles.has(t)) tiles.set(t, await this.tile(0, t, db));
        const tile = tiles.get(t);
        const at = Number(leafIndex & 255n) * HASH_SIZE;
        if (tile && tile.length >= at + HASH_SIZE) leafHash = Buffer.from(tile.subarray(at, at + HASH_SIZE));
      }
      out.push({ row, leafIndex, leafHash });
    }
    return out;
  }

  /** The log after a position read through the port, each event with its leaf (if any). */
  private async portEntries(
    after: LogPosition,
    limit: number,
    db: Queryable,
  ): Promise<{ rows: Array<EntryRow & { leaf_index: string | null }> }> {
    const batch = await this.log!.readAll(after, limit);
    const rows = batch.events.map(entryRowOf);
    const leafOf = await this.leavesOf(
      rows.map((row) => row.event_id),
      db,
    );
    return { rows: rows.map((row) => ({ ...row, leaf_index: leafOf.get(row.event_id) ?? null })) };
  }

  /** The leaf index (as text) of each of these events the ledger has recorded, by event id. */
  async leavesOf(eventIds: readonly string[], db: Queryable = this.pool): Promise<Map<string, string>> {
    if (eventIds.length === 0) return new Map();
    const leaves = await db.query<{ event_id: string; leaf_index: string }>(
      `select event_id::text, leaf_index::text from ${this.schema}.ledger_leaves where event_id = any($1::uuid[])`,
      [eventIds],
    );
    return new Map(leaves.rows.map((leaf) => [leaf.event_id, leaf.leaf_index]));
  }

  /** The entries of leaves [from, to), in leaf order (the tlog-tiles entry bundles). */
  async leafEntries(from: bigint, to: bigint): Promise<LedgerEntry[]> {
    if (this.log) {
      if (to <= from) return [];
      const after = from === 0n ? START_OF_LOG : await this.positionOfLeaf(from - 1n);
      if (!after) return [];
      const entries = (await this.logEntries(after, Number(to - from))).filter(
        (e) => e.leafIndex !== undefined && e.leafIndex >= from && e.leafIndex < to,
      );
      return entries.map((e) => entryOf(e.row));
    }
    const result = await this.pool.query<EntryRow>(
      `select ${ENTRY_COLUMNS} from ${this.schema}.ledger_leaves l
       join ${this.schema}.events e on e.global_position = l.global_position
       where l.leaf_index >= $1 and l.leaf_index < $2 order by l.leaf_index`,
      [from.toString(), to.toString()],
    );
    return result.rows.map(entryOf);
  }

  /** The connection pool (for readers of the same tables). */
  get database(): Pool {
    return this.pool;
  }

  /** The log position of the event the ledger recorded as leaf `index`, or null. */
  async positionOfLeaf(index: bigint): Promise<LogPosition | null> {
    if (this.log) {
      const leaf = await this.pool.query<{ tx: string | null; global_position: string }>(
        `select transaction_id::text as tx, global_position::text from ${this.schema}.ledger_leaves where leaf_index = $1`,
        [index.toString()],
      );
      const row = leaf.rows[0];
      if (!row?.tx) return null;
      return { transactionId: BigInt(row.tx), globalPosition: BigInt(row.global_position) };
    }
    const result = await this.pool.query<{ tx: string; global_position: string }>(
      `select e.transaction_id::text as tx, e.global_position::text from ${this.schema}.ledger_leaves l
       join ${this.schema}.events e on e.global_position = l.global_position where l.leaf_index = $1`,
      [index.toString()],
    );
    const row = result.rows[0];
    return row ? { transactionId: BigInt(row.tx), globalPosition: BigInt(row.global_position) } : null;
  }
}

/** The events after a log position ($1 transaction, $2 position), in the log's order, $3 of them. */
const ENTRY_ROWS = (schema: string): string =>
  `select ${ENTRY_COLUMNS} from ${schema}.events e
   where e.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
     and (e.transaction_id, e.global_position) > ($1::text::xid8, $2::bigint)
   order by e.transaction_id, e.global_position limit $3`;

/** Tiles' upper subtree hashes kept (960 bytes each: 4 MiB). */
const INTERIOR_CACHE = 4096;

/** Puts a tile's upper subtree hashes in their LRU, the oldest out when full. */
function remember(cache: Map<string, Buffer>, key: string, interior: Buffer): void {
  cache.delete(key);
  if (cache.size >= INTERIOR_CACHE) {
    const oldest = cache.keys().next().value;
    if (oldest !== undefined) cache.delete(oldest);
  }
  cache.set(key, interior);
}

/** Leaf hashes hashed between turns of the event loop, so that a large batch does not hold it. */
const HASHES_PER_TURN = 1_000;

/** The event id of an item, from its entry or as given. */
function eventIdOf(item: LedgerItem): string | undefined {
  return item.entry?.eventId ?? item.eventId;
}

/** The leaf hash of each entry (undefined for none), in order, unless `known` has it already. */
async function leafHashesOf<E extends LedgerEntry | undefined>(
  entries: readonly E[],
  known?: readonly LedgerItem[],
): Promise<Array<E extends LedgerEntry ? Buffer : Buffer | undefined>> {
  const hashes: Array<Buffer | undefined> = [];
  let hashed = 0;
  for (const [i, entry] of entries.entries()) {
    const leafHash = known?.[i]?.leafHash;
    if (leafHash || !entry) {
      hashes.push(leafHash);
      continue;
    }
    if (++hashed % HASHES_PER_TURN === 0) await new Promise<void>((resolve) => setImmediate(resolve));
    hashes.push(entryLeafHash(entry));
  }
  return hashes as Array<E extends LedgerEntry ? Buffer : Buffer | undefined>;
}

/** The rightmost tile of each level of a tree of `size` leaves, when it is partial. */
function edgeTiles(size: bigint): [number[], string[]] {
  const levels: number[] = [];
  const indexes: string[] = [];
  for (let level = 0; size >> BigInt(TILE_HEIGHT * level) > 0n; level++) {
    const below = size >> BigInt(TILE_HEIGHT * level);
    if (below % BigInt(TILE_WIDTH) !== 0n) {
      levels.push(level);
      indexes.push((below >> BigInt(TILE_HEIGHT)).toString());
    }
  }
  return [levels, indexes];
}
