/**
 * The audit of reads (docs/adr/0021-audit-of-reads.md): who read what, recorded before the answer
 * is sent. Adapter: libs/platform/src/read-audit (a hash-chained, append-only table written with
 * group commit). A read whose record cannot be written is refused, never served unrecorded.
 */

/** One read as it is recorded. */
export interface ReadRecord {
  readonly actor: {
    readonly personId: string;
    readonly agencyCode: string;
    readonly roles: readonly string[];
  };
  /** What kind of thing was read, e.g. `task.trail`, `agency.outstanding`, `audit.reads`. */
  readonly kind: string;
  /** `GET` (or the method of the read). */
  readonly method: string;
  /** The path read, without the query, e.g. `/tasks/T-1/trail`. */
  readonly path: string;
  /** The ids in the path (a task id, an agency code, a plan id). */
  readonly resourceIds: readonly string[];
  /** The query parameters as sent. */
  readonly query: Readonly<Record<string, string>>;
  /** How many items the answer held (1 for a single object). */
  readonly items: number;
}

/** A recorded read: its place in the chain and its hash. */
export interface RecordedRead extends ReadRecord {
  readonly seq: string;
  /** When it was recorded, ISO 8601. */
  readonly recordedAt: string;
  readonly prevHash: string;
  readonly hash: string;
}

export interface ReadAuditFilter {
  readonly actor?: string | undefined;
  /** A path or an id in it: `/tasks/T-1`, `T-1`. */
  readonly resource?: string | undefined;
  readonly from?: string | undefined;
  readonly to?: string | undefined;
  /** Only reads by people of these agencies (an auditor of one province); undefined: all. */
  readonly actorAgencies?: readonly string[] | undefined;
  readonly limit: number;
  /** Reads to skip (as before cursors); 0 with `afterSeq`. */
  readonly offset: number;
  /** Only reads after this one (its seq): the keyset cursor. */
  readonly afterSeq?: string | undefined;
  /** Also count the matching reads (`total`): a second query, so only on request. */
  readonly count?: boolean | undefined;
}

/** A page of the audit, by seq: `more` when reads follow the page's last. */
export interface ReadAuditPage {
  readonly items: RecordedRead[];
  readonly more: boolean;
  readonly total?: number;
}

export interface ReadAuditLog {
  /** Resolves once the record is committed; rejects if it could not be written. */
  record(read: ReadRecord): Promise<RecordedRead>;
  list(filter: ReadAuditFilter): Promise<ReadAuditPage>;
}
