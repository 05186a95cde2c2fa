import {
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { AgencyFanout, type FanoutLogger, type FanoutMessage } from './agency-fanout.js';
import type { CoordCloudEvent } from './cloud-event.js';

export type FeedListener = (envelope: CoordCloudEvent) => void;

/**
 * One batch of the log as the in-process publisher handled it: every message of the events read
 * after `after`, up to and including `next`. Consecutive batches are contiguous (a batch's
 * `after` is the previous one's `next`), so a follower can tell whether it missed one.
 */
export interface FeedBatch {
  /** The log position the batch was read after. */
  readonly after: LogPosition;
  /** The log position of its last event. */
  readonly next: LogPosition;
  /** One per event and concerned agency, in log order. */
  readonly messages: readonly FanoutMessage[];
}

export type FeedBatchListener = (batch: FeedBatch) => void;

/**
 * The in-process alternative to JetStream, for the embedded default with no NATS: SSE and
 * `coord watch` subscribe to an agency here and receive the very envelopes NATS would carry.
 * Live only: nothing is stored, a listener sees what is published while it is subscribed (a
 * listener that needs the past reads it from the store with `readFanout` first).
 */
export class InProcessFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();
  private readonly batchListeners = new Set<FeedBatchListener>();

  constructor(private readonly logger?: FanoutLogger) {}

  /** Calls `listener` with each envelope for the agency; returns the unsubscribe function. */
  subscribe(agencyCode: string, listener: FeedListener): () => void {
    let set = this.listeners.get(agencyCode);
    if (!set) {
      set = new Set();
      this.listeners.set(agencyCode, set);
    }
    // Wrapped so the same function can subscribe twice and unsubscribe each independently.
    const entry: FeedListener = (envelope) => listener(envelope);
    set.add(entry);
    return () => {
      const current = this.listeners.get(agencyCode);
      if (!current) return;
      current.delete(entry);
      if (current.size === 0) this.listeners.delete(agencyCode);
    };
  }

  /** Delivers synchronously to the agency's listeners; a listener that throws is logged and skipped. */
  publish(agencyCode: string, envelope: CoordCloudEvent): void {
    const set = this.listeners.get(agencyCode);
    if (!set) return;
    for (const listener of [...set]) {
      try {
        listener(envelope);
      } catch (error) {
        this.logger?.error({ err: error, agencyCode, id: envelope.id }, 'feed listener failed');
      }
    }
  }

  /**
   * Calls `listener` with every batch (all agencies, with its log range); returns the
   * unsubscribe function. This is what `followAgency` uses to join catch-up and live reading
   * without a gap or a repeat.
   */
  subscribeBatches(listener: FeedBatchListener): () => void {
    const entry: FeedBatchListener = (batch) => listener(batch);
    this.batchListeners.add(entry);
    return () => {
      this.batchListeners.delete(entry);
    };
  }

  /** Delivers a batch to the batch listeners, then each message to its agency's listeners. */
  publishBatch(batch: FeedBatch): void {
    for (const listener of [...this.batchListeners]) {
      try {
        listener(batch);
      } catch (error) {
        this.logger?.error(
          { err: error, next: batch.next.globalPosition.toString() },
          'feed listener failed',
        );
      }
    }
    for (const message of batch.messages) this.publish(message.agencyCode, message.envelope);
  }

  /** Whether anybody listens at all (batch or agency listeners). */
  get hasListeners(): boolean {
    return this.batchListeners.size > 0 || this.listeners.size > 0;
  }

  listenerCount(agencyCode?: string): number {
    if (agencyCode !== undefined) return this.listeners.get(agencyCode)?.size ?? 0;
    let count = 0;
    for (const set of this.listeners.values()) count += set.size;
    return count;
  }
}

export interface InProcessFeedPublisherOptions {
  readonly feed: InProcessFeed;
  readonly store: Pick<EventStore, 'readStream'>;
  /**
   * Where to start reading the log (default the start). The feed is live, so its position is
   * kept in memory only: after a restart it starts here again. Use a position a subscription
   * of the store has reached (a projection's checkpoint), never one guessed from the head: an
   * event still being committed may precede the head.
   */
  readonly startAt?: LogPosition;
  readonly source?: string;
  readonly subjectPrefix?: string;
  readonly cacheSize?: number;
  readonly logger?: FanoutLogger;
}

/**
 * Feeds an InProcessFeed from a DurableSubscription, with the same fan-out (concerned agencies,
 * envelopes) as the JetStream publisher.
 */
export class InProcessFeedPublisher implements SubscriptionConsumer {
  private position: LogPosition;
  private readonly fanout: AgencyFanout;

  constructor(private readonly options: InProcessFeedPublisherOptions) {
    this.position = options.startAt ?? START_OF_LOG;
    this.fanout = new AgencyFanout({
      store: options.store,
      source: options.source,
      subjectPrefix: options.subjectPrefix,
      cacheSize: options.cacheSize,
      logger: options.logger,
    });
  }

  /**
   * The log position of the last event handled: what a new live follower starts after. It comes
   * from the store's reads (or `startAt`), so no event can still commit before it.
   */
  get checkpoint(): LogPosition {
    return this.position;
  }

  loadCheckpoint(): Promise<LogPosition> {
    return Promise.resolve(this.position);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    const { feed } = this.options;
    // Nobody listens: skip the fan-out (the task-state cache refolds what it missed later).
    const messages = feed.hasListeners ? await this.fanout.messagesFor(events) : [];
    feed.publishBatch({ after: this.position, next: checkpoint, messages });
    this.position = checkpoint;
  }
}
