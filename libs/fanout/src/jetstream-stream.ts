import {
  DiscardPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  RetentionPolicy,
  StorageType,
  type JetStreamManager,
  type StreamConfig,
  type StreamInfo,
  type StreamUpdateConfig,
} from '@nats-io/jetstream';
import { nanos } from '@nats-io/transport-node';
import {
  allAgenciesSubject,
  assertSubjectPrefix,
  DEFAULT_STREAM_NAME,
  DEFAULT_SUBJECT_PREFIX,
} from './subjects.js';

const DAY_MS = 24 * 60 * 60 * 1000;

/** The stream that holds every agency's messages. See the README for why each default was chosen. */
export interface AgencyStreamOptions {
  /** Default 'COORD_AGENCY'. */
  readonly name?: string;
  /** Default 'coord.agency'; the stream captures `{prefix}.>`. */
  readonly subjectPrefix?: string;
  /** Copies kept by a JetStream cluster (1, 3 or 5). Default 1 (a single server); use 3 in production. */
  readonly replicas?: number;
  /**
   * 'limits' (default): messages stay until maxAge/maxBytes, whether or not anybody consumed them,
   * so an agency that creates its consumer later still finds its backlog. 'interest' drops a
   * message once every consumer that matched it acked it, and drops messages nobody consumes.
   */
  readonly retention?: 'limits' | 'interest';
  /** How long messages are kept, in ms; 0 keeps them for ever. Default 365 days. */
  readonly maxAgeMs?: number;
  /** Size limit in bytes; -1 (default) for none. The oldest messages go first. */
  readonly maxBytes?: number;
  /** Window in which a repeated Nats-Msg-Id is dropped, in ms. Default 2 minutes. */
  readonly duplicateWindowMs?: number;
}

export interface ResolvedAgencyStreamOptions {
  readonly name: string;
  readonly subjectPrefix: string;
  readonly replicas: number;
  readonly retention: 'limits' | 'interest';
  readonly maxAgeMs: number;
  readonly maxBytes: number;
  readonly duplicateWindowMs: number;
}

export const DEFAULT_STREAM_MAX_AGE_MS = 365 * DAY_MS;
export const DEFAULT_DUPLICATE_WINDOW_MS = 2 * 60 * 1000;

export function resolveAgencyStreamOptions(options: AgencyStreamOptions = {}): ResolvedAgencyStreamOptions {
  const resolved: ResolvedAgencyStreamOptions = {
    name: options.name ?? DEFAULT_STREAM_NAME,
    subjectPrefix: assertSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX),
    replicas: options.replicas ?? 1,
    retention: options.retention ?? 'limits',
    maxAgeMs: options.maxAgeMs ?? DEFAULT_STREAM_MAX_AGE_MS,
    maxBytes: options.maxBytes ?? -1,
    duplicateWindowMs: options.duplicateWindowMs ?? DEFAULT_DUPLICATE_WINDOW_MS,
  };
  if (!/^[A-Za-z0-9_-]+$/.test(resolved.name)) {
    throw new Error(`Stream name "${resolved.name}" may only hold letters, digits, '-' and '_'`);
  }
  if (!Number.isInteger(resolved.replicas) || resolved.replicas < 1 || resolved.replicas > 5) {
    throw new Error(`Stream replicas must be 1 to 5, not ${resolved.replicas}`);
  }
  if (!Number.isInteger(resolved.maxAgeMs) || resolved.maxAgeMs < 0) {
    throw new Error('maxAgeMs must be a whole number of ms, 0 for no limit');
  }
  if (!Number.isInteger(resolved.duplicateWindowMs) || resolved.duplicateWindowMs < 1000) {
    throw new Error('duplicateWindowMs must be at least 1000 ms');
  }
  if (resolved.maxAgeMs > 0 && resolved.duplicateWindowMs > resolved.maxAgeMs) {
    throw new Error('duplicateWindowMs cannot exceed maxAgeMs');
  }
  return resolved;
}

/** The settings of the agency stream that this library chooses. */
export type AgencyStreamConfig = Partial<StreamConfig> &
  Pick<StreamConfig, 'name' | 'subjects' | 'storage' | 'retention'>;

/** The JetStream configuration of the agency stream. */
export function agencyStreamConfig(options: AgencyStreamOptions = {}): AgencyStreamConfig {
  const o = resolveAgencyStreamOptions(options);
  return {
    name: o.name,
    description:
      'Every coordination event, one message per concerned agency (coord.agency.{code}.{EventType})',
    subjects: [allAgenciesSubject(o.subjectPrefix)],
    storage: StorageType.File,
    retention: o.retention === 'interest' ? RetentionPolicy.Interest : RetentionPolicy.Limits,
    num_replicas: o.replicas,
    max_age: nanos(o.maxAgeMs),
    max_bytes: o.maxBytes,
    max_msgs: -1,
    max_msgs_per_subject: -1,
    max_msg_size: -1,
    max_consumers: -1,
    discard: DiscardPolicy.Old,
    discard_new_per_subject: false,
    duplicate_window: nanos(o.duplicateWindowMs),
    allow_rollup_hdrs: false,
    deny_delete: false,
    deny_purge: false,
    allow_direct: false,
    mirror_direct: false,
    sealed: false,
  };
}

/** The settings ensureStream keeps in line; the rest are left as an operator set them. */
const MANAGED: readonly (keyof StreamUpdateConfig)[] = [
  'subjects',
  'num_replicas',
  'max_age',
  'max_bytes',
  'duplicate_window',
  'discard',
  'description',
];

export interface EnsureStreamResult {
  readonly action: 'created' | 'updated' | 'unchanged';
  readonly info: StreamInfo;
}

/**
 * Creates the agency stream, or brings an existing one in line with the options (subjects,
 * replicas, max age and bytes, duplicate window). Storage and retention cannot change on a live
 * stream: a mismatch is an error that says so, never a silent recreate that would lose messages.
 */
export async function ensureStream(
  jsm: JetStreamManager,
  options: AgencyStreamOptions = {},
): Promise<EnsureStreamResult> {
  const wanted = agencyStreamConfig(options);
  let existing: StreamInfo;
  try {
    existing = await jsm.streams.info(wanted.name);
  } catch (error) {
    if (!isStreamNotFound(error)) throw error;
    try {
      return { action: 'created', info: await jsm.streams.add(wanted) };
    } catch (addError) {
      // Another process created it in between: fall through to the comparison.
      existing = await jsm.streams.info(wanted.name).catch(() => {
        throw addError;
      });
    }
  }
  const current = existing.config;
  if (current.storage !== wanted.storage) {
    throw new Error(
      `Stream ${wanted.name} uses ${current.storage} storage, not ${wanted.storage}; ` +
        'storage cannot change on a live stream (back it up, delete it and republish from the event store)',
    );
  }
  if (current.retention !== wanted.retention) {
    throw new Error(
      `Stream ${wanted.name} has ${current.retention} retention, not ${wanted.retention}; ` +
        'retention cannot change on a live stream',
    );
  }
  const changes: Partial<StreamUpdateConfig> = {};
  for (const key of MANAGED) {
    if (JSON.stringify(current[key]) !== JSON.stringify(wanted[key])) {
      Object.assign(changes, { [key]: wanted[key] });
    }
  }
  if (Object.keys(changes).length === 0) return { action: 'unchanged', info: existing };
  return { action: 'updated', info: await jsm.streams.update(wanted.name, changes) };
}

function isStreamNotFound(error: unknown): boolean {
  return error instanceof JetStreamApiError && error.code === JetStreamApiCodes.StreamNotFound;
}
