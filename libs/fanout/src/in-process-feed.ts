import {
  START_OF_LOG,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { AgencyFanout, type FanoutLogger } from './agency-fanout.js';
import type { CoordCloudEvent } from './cloud-event.js';

export type FeedListener = (envelope: CoordCloudEvent) => void;

/**
 * The in-process alternative to JetStream, for the embedded default with no NATS: SSE and
 * `coord watch` subscribe to an agency here and receive the very envelopes NATS would carry.
 * Live only: nothing is stored, a listener sees what is published while it is subscribed (a
 * listener that needs the past reads it from the store with `readFanout` first).
 */
export class InProcessFeed {
  private readonly listeners = new Map<string, Set<FeedListener>>();

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
   * kept in memory only: after a restart it starts here again.
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

  loadCheckpoint(): Promise<LogPosition> {
    return Promise.resolve(this.position);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    const messages = await this.fanout.messagesFor(events);
    for (const message of messages) this.options.feed.publish(message.agencyCode, message.envelope);
    this.position = checkpoint;
  }
}
