import { performance } from 'node:perf_hooks';
import { jetstreamManager, PubHeaders } from '@nats-io/jetstream';
import { headers, type NatsConnection } from '@nats-io/transport-node';
import type { EventStore, LogPosition, RecordedEvent, SubscriptionConsumer } from '#libs/event-store';
import { AgencyFanout, readFanout, type FanoutLogger, type FanoutMessage } from './agency-fanout.js';
import { CLOUD_EVENT_CONTENT_TYPE, cloudEventJson, sharedCloudEventJson } from './cloud-event.js';
import { ensureStream, resolveAgencyStreamOptions, type AgencyStreamOptions } from './jetstream-stream.js';
import { JetStreamPublishError, PipelinedPublisher, type PipelinedMessage } from './pipelined-publish.js';

/** The checkpoint this publisher keeps (PostgresCheckpointStore fits). */
export interface PublisherCheckpointStore {
  load(subscriptionId: string): Promise<LogPosition>;
  save(subscriptionId: string, position: LogPosition): Promise<void>;
}

export const DEFAULT_PUBLISHER_SUBSCRIPTION_ID = 'nats-publisher';

export interface JetStreamPublisherOptions {
  readonly nc: NatsConnection;
  readonly store: Pick<EventStore, 'readStream' | 'readAll' | 'logPositionOf'>;
  readonly checkpoints: PublisherCheckpointStore;
  /** Checkpoint id; default 'nats-publisher'. */
  readonly subscriptionId?: string;
  /** The stream (name, subject prefix, replicas, retention, duplicate window). */
  readonly stream?: AgencyStreamOptions;
  /**
   * Create or update the stream before the first batch (default true). Done lazily, inside
   * `handle`, so a NATS outage at start-up only delays publishing.
   */
  readonly ensureStream?: boolean;
  /** CloudEvents `source`; default 'urn:coord:event-store'. */
  readonly source?: string;
  /** Task states kept in memory; default 10,000 streams. */
  readonly cacheSize?: number;
  /** How long to wait for each PubAck, in ms; default 5,000. */
  readonly publishTimeoutMs?: number;
  /** Publishes awaiting their PubAck at once; default 4,096. */
  readonly maxInFlight?: number;
  readonly logger?: FanoutLogger;
  /** Called after each batch is acknowledged and checkpointed (metrics, benchmarks). */
  readonly onBatchPublished?: (result: BatchPublished) => void;
}

export interface PublishResult {
  /** Messages sent (one per event and concerned agency). */
  readonly messages: number;
  /** Of those, how many JetStream stored as new. */
  readonly stored: number;
  /** Of those, how many JetStream recognised by Nats-Msg-Id and dropped. */
  readonly duplicates: number;
}

export interface BatchPublished extends PublishResult {
  readonly events: readonly RecordedEvent[];
  readonly checkpoint: LogPosition;
  readonly durationMs: number;
}

/** Some PubAcks of a batch did not arrive; the batch is retried from the checkpoint. */
export class PublishFailedError extends Error {
  override readonly name = 'PublishFailedError';
  constructor(
    readonly failed: number,
    readonly total: number,
    options?: ErrorOptions,
  ) {
    super(`${failed} of ${total} JetStream publishes were not acknowledged`, options);
  }
}

/** NATS is disconnected; nothing is sent (and buffered) until it is back. */
export class NatsDisconnectedError extends Error {
  override readonly name = 'NatsDisconnectedError';
}

/**
 * Publishes every event of the store to JetStream, once per concerned agency, on
 * `coord.agency.{code}.{EventType}`, as a CloudEvents JSON envelope with `Nats-Msg-Id` =
 * `{eventId}:{agencyCode}`. Feed it with a DurableSubscription:
 *
 *   const publisher = new JetStreamPublisher({ nc, store, checkpoints });
 *   const subscription = new DurableSubscription(store, publisher, { name: 'nats-publisher', logger });
 *   await subscription.start();
 *
 * At least once: a batch's checkpoint is stored only after JetStream acknowledged every message of
 * it; any failure throws, and the subscription retries the batch from the checkpoint. Repeats
 * within the stream's duplicate window are dropped by JetStream; beyond it consumers drop them by
 * the CloudEvents `id`.
 */
export class JetStreamPublisher implements SubscriptionConsumer {
  readonly subscriptionId: string;
  readonly streamName: string;
  private readonly pipeline: PipelinedPublisher;
  private readonly fanout: AgencyFanout;
  private readonly publishTimeoutMs: number;
  private readonly maxInFlight: number;
  private streamReady: boolean;
  private connected = true;
  private readonly totals = { events: 0, messages: 0, stored: 0, duplicates: 0 };

  constructor(private readonly options: JetStreamPublisherOptions) {
    this.subscriptionId = options.subscriptionId ?? DEFAULT_PUBLISHER_SUBSCRIPTION_ID;
    const stream = resolveAgencyStreamOptions(options.stream);
    this.streamName = stream.name;
    this.pipeline = new PipelinedPublisher(options.nc);
    this.fanout = this.newFanout();
    this.publishTimeoutMs = options.publishTimeoutMs ?? 5_000;
    this.maxInFlight = options.maxInFlight ?? 4_096;
    this.streamReady = options.ensureStream === false;
    void this.followConnection();
    void options.nc.closed().then(() => this.pipeline.failPending('NATS connection closed'));
  }

  /** Events, messages, stored and duplicates since this publisher was created. */
  get stats(): Readonly<{ events: number; messages: number; stored: number; duplicates: number }> {
    return { ...this.totals };
  }

  loadCheckpoint(): Promise<LogPosition> {
    return this.options.checkpoints.load(this.subscriptionId);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    const started = performance.now();
    let result: PublishResult;
    try {
      await this.ensureStreamOnce();
      const messages = await this.fanout.messagesFor(events);
      result = await this.publishMessages(messages);
    } catch (error) {
      // Nothing captured a subject, or the stream refused it: check the stream again on the retry
      // (it may have been deleted, or changed by hand).
      if (error instanceof PublishFailedError && error.cause instanceof JetStreamPublishError) {
        this.streamReady = this.options.ensureStream === false;
      }
      throw error;
    }
    await this.options.checkpoints.save(this.subscriptionId, checkpoint);
    this.totals.events += events.length;
    this.options.onBatchPublished?.({
      ...result,
      events,
      checkpoint,
      durationMs: performance.now() - started,
    });
  }

  /**
   * Publishes the log again from a past position (that event and everything after it in log
   * order), for every agency or one. Safe at any time: within the duplicate window JetStream
   * drops the repeats; beyond it consumers see a second copy with the same `id`. Does not move
   * the publisher's checkpoint. Uses its own task-state cache.
   */
  async republish(options: {
    readonly from: bigint | LogPosition;
    readonly agencyCode?: string;
    readonly batchSize?: number;
  }): Promise<PublishResult> {
    await this.ensureStreamOnce();
    const fanout = this.newFanout();
    let total = { messages: 0, stored: 0, duplicates: 0 };
    for await (const batch of readFanout(this.options.store, fanout, options)) {
      const result = await this.publishMessages(batch.messages);
      total = {
        messages: total.messages + result.messages,
        stored: total.stored + result.stored,
        duplicates: total.duplicates + result.duplicates,
      };
    }
    return total;
  }

  /** Publishes messages concurrently (at most maxInFlight awaiting a PubAck) and awaits every PubAck. */
  async publishMessages(messages: readonly FanoutMessage[]): Promise<PublishResult> {
    if (messages.length === 0) return { messages: 0, stored: 0, duplicates: 0 };
    this.assertConnected();
    let stored = 0;
    let duplicates = 0;
    let failed = 0;
    let firstError: unknown;
    for (let start = 0; start < messages.length; start += this.maxInFlight) {
      const window = toNats(messages.slice(start, start + this.maxInFlight), this.streamName);
      // Every publish settles (acknowledged, refused or timed out) before the batch fails, so a
      // retry never races the previous attempt's publishes.
      const outcomes = await this.pipeline.publishAll(window, this.publishTimeoutMs);
      for (const outcome of outcomes) {
        if (outcome.status === 'fulfilled') {
          if (outcome.value.duplicate) duplicates += 1;
          else stored += 1;
        } else {
          failed += 1;
          firstError ??= outcome.reason;
        }
      }
      if (failed > 0) break;
    }
    this.totals.messages += stored + duplicates;
    this.totals.stored += stored;
    this.totals.duplicates += duplicates;
    if (failed > 0) throw new PublishFailedError(failed, messages.length, { cause: firstError });
    return { messages: messages.length, stored, duplicates };
  }

  /** Stops listening for PubAcks; the connection itself belongs to the caller. */
  close(): void {
    this.pipeline.close();
  }

  private assertConnected(): void {
    if (!this.connected || this.options.nc.isClosed()) {
      throw new NatsDisconnectedError('NATS is disconnected; the batch will be retried from its checkpoint');
    }
  }

  private async ensureStreamOnce(): Promise<void> {
    if (this.streamReady) return;
    this.assertConnected();
    const jsm = await jetstreamManager(this.options.nc);
    const { action } = await ensureStream(jsm, this.options.stream);
    if (action !== 'unchanged') {
      this.options.logger?.info?.({ stream: this.streamName, action }, `JetStream stream ${action}`);
    }
    this.streamReady = true;
  }

  private newFanout(): AgencyFanout {
    return new AgencyFanout({
      store: this.options.store,
      cacheSize: this.options.cacheSize,
      source: this.options.source,
      subjectPrefix: resolveAgencyStreamOptions(this.options.stream).subjectPrefix,
      logger: this.options.logger,
    });
  }

  /** Tracks whether the connection is up, so nothing piles up in the client while NATS is away. */
  private async followConnection(): Promise<void> {
    try {
      for await (const status of this.options.nc.status()) {
        if (status.type === 'disconnect') {
          this.connected = false;
          // PubAcks of what was in flight will not come: fail the batch now rather than at its timeout.
          this.pipeline.failPending('NATS disconnected');
        } else if (status.type === 'reconnect') {
          this.connected = true;
        }
      }
    } catch {
      // The iterator ends when the connection closes.
    }
  }
}

/** NATS messages of fan-out messages; the copies of one event are adjacent and share their JSON. */
function toNats(messages: readonly FanoutMessage[], streamName: string): PipelinedMessage[] {
  let event: RecordedEvent | undefined;
  let shared = '';
  return messages.map((message) => {
    if (message.event !== event) {
      event = message.event;
      shared = sharedCloudEventJson(message.envelope);
    }
    const hdrs = headers();
    hdrs.set(PubHeaders.MsgIdHdr, message.envelope.id);
    // A message captured by any other stream would be an operator error: JetStream refuses it.
    hdrs.set(PubHeaders.ExpectedStreamHdr, streamName);
    hdrs.set('Content-Type', CLOUD_EVENT_CONTENT_TYPE);
    return { subject: message.subject, payload: cloudEventJson(message.envelope, shared), headers: hdrs };
  });
}
