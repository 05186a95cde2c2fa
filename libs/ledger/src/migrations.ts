import type { Migration } from '#libs/event-store';

/**
 * The ledger's tables, beside the events (docs/adr/0018-tamper-evident-ledger.md). Only hashes,
 * positions and signed checkpoints: the signing key is never stored here.
 */
export const LEDGER_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'ledger leaves, tiles, checkpoints and cosignatures',
    sql: (s) => `
      -- How far the tree has grown, and the log position of its last leaf (one row).
      create table ${s}.ledger_state (
        id smallint primary key check (id = 1),
        tree_size bigint not null,
        transaction_id xid8 not null,
        global_position bigint not null,
        updated_at timestamptz not null default now()
      );
      insert into ${s}.ledger_state (id, tree_size, transaction_id, global_position) values (1, 0, '0', 0);

      -- Which event each leaf is.
      create table ${s}.ledger_leaves (
        leaf_index bigint primary key,
        event_id uuid not null unique,
        global_position bigint not null unique
      );

      -- C2SP tlog-tiles hash tiles: up to 256 hashes of 32 bytes; the rightmost tile of each level
      -- grows until full, then never changes.
      create table ${s}.ledger_tiles (
        level smallint not null,
        tile_index bigint not null,
        hashes bytea not null,
        primary key (level, tile_index)
      );

      create table ${s}.ledger_checkpoints (
        id bigint generated always as identity primary key,
        tree_size bigint not null,
        root bytea not null,
        note text not null,
        created_at timestamptz not null default now()
      );
      create index ledger_checkpoints_size on ${s}.ledger_checkpoints (tree_size);

      -- Witnesses' cosignatures (C2SP tlog-cosignature), as signature lines of the checkpoint's note.
      create table ${s}.ledger_cosignatures (
        checkpoint_id bigint not null references ${s}.ledger_checkpoints (id),
        witness text not null,
        signature_line text not null,
        created_at timestamptz not null default now(),
        primary key (checkpoint_id, witness)
      );
    `,
  },
  {
    version: 2,
    name: 'the transaction position of each leaf',
    // With the log outside PostgreSQL (KurrentDB: the commit position) a leaf's whole log position
    // is needed to read the log again after it; on PostgreSQL it is the event's xid8.
    sql: (s) => `alter table ${s}.ledger_leaves add column transaction_id numeric(20);`,
  },
  {
    version: 3,
    name: 'leaves found by position, the event id only for a log kept elsewhere',
    // On PostgreSQL a leaf is the event at its global position (event id -> events' own index ->
    // position -> leaf): a unique index on random uuids cost a scattered btree insert per leaf.
    // With the log outside PostgreSQL (KurrentDB) the leaf keeps the event's id, indexed as before.
    sql: (s) => `
      alter table ${s}.ledger_leaves drop constraint ledger_leaves_event_id_key;
      alter table ${s}.ledger_leaves alter column event_id drop not null;
      create unique index ledger_leaves_event_id on ${s}.ledger_leaves (event_id) where event_id is not null;
    `,
  },
  {
    version: 4,
    name: 'the subtree hashes of each full tile, for proofs',
    // tiles.ts tileSubtrees: the hashes of a full tile's subtrees of 16 to 128 hashes of its row
    // (30 hashes), written with it when it fills (the ledger computes them for the tile's root
    // anyway), so that a proof reads the hash of each of those levels instead of folding up to
    // 127 pairs of the row. Null for a partial tile and for the tiles written before this (or by a
    // process of the previous version during an upgrade): proofs fold those as before. The
    // tlog-tiles resources are the row alone.
    sql: (s) => `alter table ${s}.ledger_tiles add column interior bytea;`,
  },
];
