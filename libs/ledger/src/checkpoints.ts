import {
  checkCosignature,
  formatCheckpoint,
  formatSignedNote,
  parseSignedNote,
  signNote,
  type VerifierKey,
} from '#libs/ledger-verifier';
import type { Pool } from 'pg';
import type { LedgerStore } from './ledger-store.js';
import type { SigningKey } from './signing-key.js';

export interface StoredCheckpoint {
  readonly id: bigint;
  readonly treeSize: bigint;
  readonly root: Buffer;
  /** The signed note as the log signed it. */
  readonly note: string;
  /** The note with the witnesses' cosignature lines added. */
  readonly cosigned: string;
  readonly createdAt: string;
  readonly witnesses: readonly string[];
}

interface CheckpointRow {
  id: string;
  tree_size: string;
  root: Buffer;
  note: string;
  created_at: Date;
  lines: string[] | null;
  witnesses: string[] | null;
}

export class CosignatureError extends Error {
  override readonly name = 'CosignatureError';
}

/** Signed checkpoints (C2SP tlog-checkpoint as a signed note) and witnesses' cosignatures. */
export class LedgerCheckpoints {
  private readonly schema: string;

  constructor(
    private readonly pool: Pool,
    private readonly store: LedgerStore,
  ) {
    this.schema = store.schema;
  }

  /**
   * Signs a checkpoint of the tree as it is now, if it grew since the last one. The state row is
   * share-locked, so no batch extends the tree between reading its size and its root.
   */
  async signIfGrown(key: SigningKey): Promise<StoredCheckpoint | null> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(`select 1 from ${this.schema}.ledger_state where id = 1 for share`);
      const { treeSize } = await this.store.state(client);
      const last = await client.query<{ size: string | null }>(
        `select max(tree_size)::text as size from ${this.schema}.ledger_checkpoints`,
      );
      const lastSize = last.rows[0]?.size;
      if (treeSize === 0n || (lastSize !== null && lastSize !== undefined && BigInt(lastSize) >= treeSize)) {
        await client.query('commit');
        return null;
      }
      const root = await this.store.root(treeSize, client);
      const text = formatCheckpoint({ origin: key.name, size: treeSize, root, extensions: [] });
      const note = formatSignedNote({
        text,
        signatures: [signNote(text, key.name, key.privateKey, key.publicKey)],
      });
      const inserted = await client.query<{ id: string; created_at: Date }>(
        `insert into ${this.schema}.ledger_checkpoints (tree_size, root, note) values ($1, $2, $3) returning id::text, created_at`,
        [treeSize.toString(), root, note],
      );
      await client.query('commit');
      const row = inserted.rows[0]!;
      return {
        id: BigInt(row.id),
        treeSize,
        root,
        note,
        cosigned: note,
        createdAt: row.created_at.toISOString(),
        witnesses: [],
      };
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  private query(where: string, values: unknown[], tail: string): Promise<StoredCheckpoint[]> {
    return this.pool
      .query<CheckpointRow>(
        `select c.id::text, c.tree_size::text, c.root, c.note, c.created_at,
           array_agg(w.signature_line order by w.witness) filter (where w.witness is not null) as lines,
           array_agg(w.witness order by w.witness) filter (where w.witness is not null) as witnesses
         from ${this.schema}.ledger_checkpoints c
         left join ${this.schema}.ledger_cosignatures w on w.checkpoint_id = c.id
         ${where} group by c.id ${tail}`,
        values,
      )
      .then((result) => result.rows.map(toCheckpoint));
  }

  async latest(): Promise<StoredCheckpoint | undefined> {
    return (await this.query('', [], 'order by c.tree_size desc, c.id desc limit 1'))[0];
  }

  /** Checkpoints in order of tree size, after `afterSize`, at most `limit`. */
  list(afterSize: bigint, limit: number): Promise<StoredCheckpoint[]> {
    return this.query(
      'where c.tree_size > $1',
      [afterSize.toString(), limit],
      'order by c.tree_size, c.id limit $2',
    );
  }

  /** Every checkpoint up to a size, in order (for an export). */
  upTo(size: bigint): Promise<StoredCheckpoint[]> {
    return this.query('where c.tree_size <= $1', [size.toString()], 'order by c.tree_size, c.id');
  }

  async ofSize(size: bigint): Promise<StoredCheckpoint | undefined> {
    return (await this.query('where c.tree_size = $1', [size.toString()], 'order by c.id limit 1'))[0];
  }

  /**
   * Adds a witness's cosignature (a signature line of C2SP tlog-cosignature) to the checkpoint of
   * a size, after checking it against the witness keys the service knows.
   */
  async addCosignature(
    size: bigint,
    line: string,
    witnesses: readonly VerifierKey[],
  ): Promise<StoredCheckpoint> {
    const checkpoint = await this.ofSize(size);
    if (!checkpoint) throw new CosignatureError(`no checkpoint of size ${size}`);
    const trimmed = line.trim();
    let parsed;
    try {
      parsed = parseSignedNote(`${parseSignedNote(checkpoint.note).text}\n${trimmed}\n`);
    } catch (error) {
      throw new CosignatureError(`not a signature line: ${(error as Error).message}`);
    }
    const signature = parsed.signatures[0]!;
    const witness = witnesses.find((w) => w.name === signature.name && w.keyId === signature.keyId);
    if (!witness) throw new CosignatureError(`${signature.name} is not a known witness key`);
    if (checkCosignature(parsed, witness).status !== 'valid')
      throw new CosignatureError(`the cosignature of ${signature.name} does not verify`);
    await this.pool.query(
      `insert into ${this.schema}.ledger_cosignatures (checkpoint_id, witness, signature_line) values ($1, $2, $3)
       on conflict (checkpoint_id, witness) do update set signature_line = excluded.signature_line, created_at = now()`,
      [checkpoint.id.toString(), witness.name, trimmed],
    );
    return (await this.ofSize(size))!;
  }
}

function toCheckpoint(row: CheckpointRow): StoredCheckpoint {
  const lines = row.lines ?? [];
  return {
    id: BigInt(row.id),
    treeSize: BigInt(row.tree_size),
    root: row.root,
    note: row.note,
    cosigned: lines.length === 0 ? row.note : `${row.note}${lines.map((l) => `${l}\n`).join('')}`,
    createdAt: row.created_at.toISOString(),
    witnesses: row.witnesses ?? [],
  };
}
