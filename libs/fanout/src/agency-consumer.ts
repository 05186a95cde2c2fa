import {
  AckPolicy,
  DeliverPolicy,
  JetStreamApiCodes,
  JetStreamApiError,
  jetstream,
  ReplayPolicy,
  type ConsumerConfig,
  type ConsumerInfo,
  type ConsumerMessages,
  type JetStreamManager,
  type JsMsg,
  type OrderedConsumerOptions,
} from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { parseCloudEvent, positionOf, type CoordCloudEvent } from './cloud-event.js';
import {
  agencyDurableName,
  agencyFilterSubject,
  assertSubjectPrefix,
  DEFAULT_STREAM_NAME,
  DEFAULT_SUBJECT_PREFIX,
} from './subjects.js';

export interface AgencyConsumerOptions {
  /** Default `agency-{code}`. */
  readonly durableName?: string;
  readonly streamName?: string;
  readonly subjectPrefix?: string;
  /**
   * Where a new consumer starts: everything the stream still holds for the agency (default), new
   * messages only, from a stream sequence, or from a time.
   */
  readonly start?:
    | { readonly kind: 'all' }
    | { readonly kind: 'new' }
    | { readonly kind: 'sequence'; readonly sequence: number }
    | { readonly kind: 'time'; readonly time: Date };
  /** How long a delivered message may stay unacknowledged before it is redelivered; default 30 s. */
  readonly ackWaitMs?: number;
  /** Unacknowledged messages the server hands out at once; default 1,000. */
  readonly maxAckPending?: number;
}

/** The configuration of an agency's durable pull consumer. */
export function agencyConsumerConfig(
  agencyCode: string,
  options: AgencyConsumerOptions = {},
): ConsumerConfig {
  const prefix = assertSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
  const start = options.start ?? { kind: 'all' };
  const config: Partial<ConsumerConfig> = {
    durable_name: options.durableName ?? agencyDurableName(agencyCode),
    description: `Coordination events of agency ${agencyCode}`,
    filter_subject: agencyFilterSubject(agencyCode, prefix),
    ack_policy: AckPolicy.Explicit,
    ack_wait: nanos(options.ackWaitMs ?? 30_000),
    max_ack_pending: options.maxAckPending ?? 1_000,
    // Never give up on a message: an agency system that is down for a week still gets it.
    max_deliver: -1,
    replay_policy: ReplayPolicy.Instant,
  };
  switch (start.kind) {
    case 'all':
      config.deliver_policy = DeliverPolicy.All;
      break;
    case 'new':
      config.deliver_policy = DeliverPolicy.New;
      break;
    case 'sequence':
      config.deliver_policy = DeliverPolicy.StartSequence;
      config.opt_start_seq = start.sequence;
      break;
    case 'time':
      config.deliver_policy = DeliverPolicy.StartTime;
      config.opt_start_time = start.time.toISOString();
      break;
  }
  return config as ConsumerConfig;
}

/**
 * Creates an agency's durable pull consumer on `coord.agency.{code}.>` (explicit acks), or returns
 * the existing one. An existing consumer keeps its position and settings; one with another filter
 * is an error, since it would deliver other agencies' messages or miss this one's.
 */
export async function ensureAgencyConsumer(
  jsm: JetStreamManager,
  agencyCode: string,
  options: AgencyConsumerOptions = {},
): Promise<ConsumerInfo> {
  const stream = options.streamName ?? DEFAULT_STREAM_NAME;
  const config = agencyConsumerConfig(agencyCode, options);
  const durable = config.durable_name ?? agencyDurableName(agencyCode);
  try {
    const existing = await jsm.consumers.info(stream, durable);
    assertSameFilter(existing, config);
    return existing;
  } catch (error) {
    if (!(error instanceof JetStreamApiError && error.code === JetStreamApiCodes.ConsumerNotFound))
      throw error;
  }
  try {
    return await jsm.consumers.add(stream, config);
  } catch (error) {
    // Created concurrently by another process: use it if it is the same consumer.
    const existing = await jsm.consumers.info(stream, durable).catch(() => {
      throw error;
    });
    assertSameFilter(existing, config);
    return existing;
  }
}

function assertSameFilter(existing: ConsumerInfo, wanted: ConsumerConfig): void {
  const filters = existing.config.filter_subjects ?? [];
  const filter = existing.config.filter_subject ?? (filters.length === 1 ? filters[0] : undefined);
  if (filter !== wanted.filter_subject) {
    throw new Error(
      `Consumer ${existing.name} on ${existing.stream_name} filters ${filter ?? filters.join(', ')}, ` +
        `not ${wanted.filter_subject}; delete it or choose another durable name`,
    );
  }
}

export interface WatchedMessage {
  /** The message's sequence in the stream: resume without a gap with `fromSequence: seq + 1`. */
  readonly streamSequence: number;
  readonly subject: string;
}

export interface WatchAgencyOptions {
  readonly nc: NatsConnection;
  readonly agencyCode: string;
  /**
   * Start from a global position of the event store. The agency's messages are read from the
   * oldest the stream holds; those before the first with `coordposition >= fromPosition` are
   * skipped, and from that one on every message is shown (positions commit out of order, so an
   * event with a lower position may follow; it is shown, never skipped). Without a start, only new messages are shown.
   */
  readonly fromPosition?: bigint;
  /** Start from a stream sequence (as printed by a previous watch). */
  readonly fromSequence?: number;
  readonly streamName?: string;
  readonly subjectPrefix?: string;
  /** Each envelope once (a copy with an id already shown is dropped), in stream order. */
  readonly onEvent: (envelope: CoordCloudEvent, message: WatchedMessage) => void | Promise<void>;
  /** A message that is not a valid envelope; by default it is skipped silently. */
  readonly onInvalid?: (error: unknown, message: WatchedMessage) => void;
  /** Ids remembered to drop repeats beyond the duplicate window; default 10,000. */
  readonly rememberIds?: number;
}

export interface AgencyWatch {
  /** Stops watching; resolves once the last onEvent has returned. */
  stop(): Promise<void>;
  /** Settles when watching ends (stopped, or the connection closed); rejects if onEvent threw. */
  readonly done: Promise<void>;
}

/**
 * Prints-as-they-arrive support for `coord watch --agency CODE`: an ordered consumer (ephemeral,
 * no acks, recreated by the client after a reconnect at the right sequence) on the agency's
 * subjects. It leaves nothing durable behind: the server drops the ephemeral consumer once it
 * is inactive.
 */
export async function watchAgency(options: WatchAgencyOptions): Promise<AgencyWatch> {
  const prefix = assertSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
  const consumerOptions: Partial<OrderedConsumerOptions> = {
    // A single string becomes filter_subject, which servers before 2.10 understand too.
    filter_subjects: agencyFilterSubject(options.agencyCode, prefix),
  };
  if (options.fromSequence !== undefined) {
    consumerOptions.deliver_policy = DeliverPolicy.StartSequence;
    consumerOptions.opt_start_seq = options.fromSequence;
  } else if (options.fromPosition !== undefined) {
    consumerOptions.deliver_policy = DeliverPolicy.All;
  } else {
    consumerOptions.deliver_policy = DeliverPolicy.New;
  }
  const consumer = await jetstream(options.nc).consumers.get(
    options.streamName ?? DEFAULT_STREAM_NAME,
    consumerOptions,
  );
  const messages = await consumer.consume();
  const seen = new RecentIds(options.rememberIds ?? 10_000);
  let started = options.fromPosition === undefined;

  const handle = async (msg: JsMsg): Promise<void> => {
    const watched: WatchedMessage = { streamSequence: msg.seq, subject: msg.subject };
    let envelope: CoordCloudEvent;
    try {
      envelope = parseCloudEvent(msg.data);
    } catch (error) {
      options.onInvalid?.(error, watched);
      return;
    }
    if (!started) {
      if (positionOf(envelope) < (options.fromPosition ?? 0n)) return;
      started = true;
    }
    if (!seen.add(envelope.id)) return;
    await options.onEvent(envelope, watched);
  };

  const done = (async () => {
    try {
      for await (const msg of messages) await handle(msg);
    } finally {
      await closeQuietly(messages);
    }
  })();
  // The caller may only await stop(); keep an early failure from being unhandled meanwhile.
  done.catch(() => undefined);

  return {
    done,
    async stop() {
      messages.stop();
      await done.catch(() => undefined);
    },
  };
}

async function closeQuietly(messages: ConsumerMessages): Promise<void> {
  try {
    await messages.close();
  } catch {
    // The connection may already be gone.
  }
}

/** A bounded set of the most recent ids; `add` says whether the id is new. */
class RecentIds {
  private readonly ids = new Set<string>();
  constructor(private readonly max: number) {}

  add(id: string): boolean {
    if (this.ids.has(id)) return false;
    this.ids.add(id);
    if (this.ids.size > this.max) {
      const oldest = this.ids.values().next();
      if (!oldest.done) this.ids.delete(oldest.value);
    }
    return true;
  }
}
