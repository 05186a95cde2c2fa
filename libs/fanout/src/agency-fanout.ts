import { START_OF_LOG, type EventStore, type LogPosition, type RecordedEvent } from '#libs/event-store';
import { toCloudEvent, type CoordCloudEvent } from './cloud-event.js';
import { concernedAgenciesOf, TaskStateCache, UnroutableEventError } from './concerned-agencies.js';
import { agencySubject, assertSubjectPrefix, DEFAULT_SUBJECT_PREFIX, isSubjectToken } from './subjects.js';

/** pino-compatible: `logger.warn({ ...details }, 'message')`. */
export interface FanoutLogger {
  info?(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
}

/** One agency's copy of one event, ready for NATS or the in-process feed. */
export interface FanoutMessage {
  readonly event: RecordedEvent;
  readonly agencyCode: string;
  /** `coord.agency.{code}.{EventType}`. */
  readonly subject: string;
  readonly envelope: CoordCloudEvent;
}

export interface AgencyFanoutOptions {
  /** Reads task streams when the state cache misses. */
  readonly store: Pick<EventStore, 'readStream'>;
  /** Task states kept in memory (LRU); default 10,000 streams. */
  readonly cacheSize?: number;
  /** CloudEvents `source`; default 'urn:coord:event-store'. */
  readonly source?: string;
  /** Default 'coord.agency'. */
  readonly subjectPrefix?: string;
  readonly logger?: FanoutLogger;
}

/**
 * The step both delivery paths share: events in log order in, one message per concerned agency
 * out, in log order and, within an event, in libs/tasks order (subjects, lead, issuer).
 */
export class AgencyFanout {
  readonly cache: TaskStateCache;
  readonly subjectPrefix: string;
  private readonly warnedTypes = new Set<string>();

  constructor(private readonly options: AgencyFanoutOptions) {
    this.cache = new TaskStateCache(options.cacheSize ?? 10_000);
    this.subjectPrefix = assertSubjectPrefix(options.subjectPrefix ?? DEFAULT_SUBJECT_PREFIX);
  }

  /**
   * The messages of a batch. Store errors propagate, so the caller retries the batch (the cache
   * refolds whatever it had advanced). Unknown event types, unroutable events and agency codes
   * that cannot be subject tokens are logged and skipped: they cannot reach any subscriber.
   */
  async messagesFor(events: readonly RecordedEvent[]): Promise<FanoutMessage[]> {
    const messages: FanoutMessage[] = [];
    for (const event of events) {
      let agencies: readonly string[] | undefined;
      try {
        agencies = await concernedAgenciesOf(event, { store: this.options.store, cache: this.cache });
      } catch (error) {
        if (!(error instanceof UnroutableEventError)) throw error;
        this.options.logger?.error(
          { err: error, eventId: event.id, type: event.type, position: event.globalPosition.toString() },
          'event cannot be routed to agencies; skipped',
        );
        continue;
      }
      if (agencies === undefined) {
        if (!this.warnedTypes.has(event.type)) {
          this.warnedTypes.add(event.type);
          this.options.logger?.warn(
            { type: event.type, eventId: event.id, position: event.globalPosition.toString() },
            'event type concerns no agency in the fan-out; events of this type are skipped',
          );
        }
        continue;
      }
      for (const agencyCode of agencies) {
        if (!isSubjectToken(agencyCode) || !isSubjectToken(event.type)) {
          this.options.logger?.error(
            { agencyCode, type: event.type, eventId: event.id, position: event.globalPosition.toString() },
            'agency code or event type cannot be a NATS subject token; this copy is skipped',
          );
          continue;
        }
        messages.push({
          event,
          agencyCode,
          subject: agencySubject(agencyCode, event.type, this.subjectPrefix),
          envelope: toCloudEvent(event, agencyCode, { source: this.options.source }),
        });
      }
    }
    return messages;
  }
}

/**
 * Where a read "from global position P" starts: just before the event at P, so that event and
 * everything after it in log order is read. Position 0 means the start of the log.
 */
export async function logPositionBefore(
  store: Pick<EventStore, 'logPositionOf'>,
  from: bigint | LogPosition,
): Promise<LogPosition> {
  if (typeof from !== 'bigint') return from;
  if (from <= 0n) return START_OF_LOG;
  const at = await store.logPositionOf(from);
  if (!at) throw new Error(`There is no event at position ${from}`);
  return { transactionId: at.transactionId, globalPosition: from - 1n };
}

export interface FanoutReadOptions {
  /**
   * A global position (that event and everything after it in log order) or a log position
   * (everything after it, as a checkpoint).
   */
  readonly from: bigint | LogPosition;
  /** Only this agency's copies. */
  readonly agencyCode?: string;
  readonly batchSize?: number;
}

/**
 * Reads the log from a past position and yields each batch's messages, until caught up. The
 * fan-out should be a fresh one (or one that is only used for this read): its cache follows
 * the read.
 */
export async function* readFanout(
  store: Pick<EventStore, 'readAll' | 'logPositionOf'>,
  fanout: AgencyFanout,
  options: FanoutReadOptions,
): AsyncGenerator<{ readonly messages: readonly FanoutMessage[]; readonly next: LogPosition }> {
  const batchSize = options.batchSize ?? 500;
  let position = await logPositionBefore(store, options.from);
  for (;;) {
    const batch = await store.readAll(position, batchSize);
    if (batch.events.length === 0) return;
    const messages = await fanout.messagesFor(batch.events);
    yield {
      messages:
        options.agencyCode === undefined
          ? messages
          : messages.filter((message) => message.agencyCode === options.agencyCode),
      next: batch.next,
    };
    position = batch.next;
    if (batch.events.length < batchSize) return;
  }
}
