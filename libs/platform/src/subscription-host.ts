import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import {
  DurableSubscription,
  type AppendWatch,
  type DurableSubscriptionOptions,
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { LeaseLostError, type ConsumerLeases } from './leases.js';
import { SubscriptionMetrics } from './metrics/connection-metrics.js';
import { EVENT_STORE } from './tokens.js';

export interface HostedConsumer {
  readonly name: string;
  readonly consumer: SubscriptionConsumer;
  readonly batchSize?: number;
  /** Reads the log for this consumer instead of the store (the same order, other columns). */
  readonly reader?: Pick<EventStore, 'readAll'>;
  /** Waits between polls, for a consumer that prefers fewer, larger batches to a short lag. */
  readonly pollIntervalMs?: number;
  readonly busyPollIntervalMs?: number;
  /** See DurableSubscriptionOptions.readAhead. */
  readonly readAhead?: boolean;
  /** See DurableSubscriptionOptions.pauseAfterBatch (the ledger yields to busy writers). */
  readonly pauseAfterBatch?: DurableSubscriptionOptions['pauseAfterBatch'];
  readonly pausedBatchSize?: number;
}

/** Consumers a process runs: projections, the NATS publisher. Provided under this token. */
export const HOSTED_CONSUMERS = Symbol('HOSTED_CONSUMERS');
/** The ConsumerLeases deciding which process runs each hosted consumer. */
export const CONSUMER_LEASES = Symbol('CONSUMER_LEASES');

/** How long a subscription waits for new events when caught up and the log is quiet. */
const IDLE_POLL_MS = 50;
/**
 * After a batch with events, more are likely on their way: look again this soon rather than after
 * IDLE_POLL_MS (under a steady load, that wait was most of the projections' lag).
 */
const BUSY_POLL_MS = 5;
/**
 * When the store tells the process of every append (KurrentDB's watchAppends), polling is only the
 * safety net for notices lost while the watch reconnects.
 */
const WATCHED_IDLE_POLL_MS = 1_000;

/**
 * Runs each hosted consumer as a durable subscription of the event store while this process holds
 * the consumer's lease (any number of processes may host it; one runs it), from the moment the
 * application has started; stops them (finishing the batch in hand) when it shuts down. Where the
 * store can watch appends (KurrentDB), an append by any process wakes them.
 */
@Injectable()
export class SubscriptionHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SubscriptionHost.name);
  private readonly subscriptions = new Map<string, DurableSubscription>();
  private appendWatch: AppendWatch | undefined;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HOSTED_CONSUMERS) private readonly consumers: readonly HostedConsumer[],
    @Inject(CONSUMER_LEASES) private readonly leases: ConsumerLeases,
    @Optional() metrics?: SubscriptionMetrics,
  ) {
    metrics?.follow(() => consumers.map(({ name }) => ({ name, running: leases.isHeld(name) })));
    const idlePollMs = store.watchAppends ? WATCHED_IDLE_POLL_MS : IDLE_POLL_MS;
    for (const {
      name,
      consumer,
      batchSize,
      reader,
      pollIntervalMs,
      busyPollIntervalMs,
      readAhead,
      pauseAfterBatch,
      pausedBatchSize,
    } of consumers) {
      const log = reader ?? store;
      const subscription = new DurableSubscription(log, new LeasedConsumer(name, consumer, leases), {
        name,
        batchSize: batchSize ?? 500,
        pollIntervalMs: pollIntervalMs ?? idlePollMs,
        busyPollIntervalMs: busyPollIntervalMs ?? BUSY_POLL_MS,
        ...(readAhead !== undefined ? { readAhead } : {}),
        ...(pauseAfterBatch ? { pauseAfterBatch } : {}),
        ...(pausedBatchSize !== undefined ? { pausedBatchSize } : {}),
        logger: {
          error: (details, message) => {
            // A batch refused because the lease just went: the subscription is being stopped.
            if ('err' in details && details.err instanceof LeaseLostError) return;
            metrics?.batchFailed(name);
            this.logger.error({ ...details, msg: message });
          },
        },
      });
      this.subscriptions.set(name, subscription);
      leases.register(name, {
        acquired: async () => {
          await subscription.start();
          this.logger.log(`subscription ${name} started`);
        },
        lost: async () => {
          await subscription.stop();
          this.logger.log(`subscription ${name} stopped`);
        },
      });
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    // A process hosting nothing (an API whose projections run in the worker) needs no watch.
    if (this.subscriptions.size > 0) {
      this.appendWatch = this.store.watchAppends?.({
        appended: () => this.wakeAll(),
        interrupted: (error, retryInMs) =>
          this.logger.warn({
            err: error,
            retryInMs,
            msg: 'watching the event store for appends: reconnecting',
          }),
      });
    }
    await this.leases.start();
  }

  /** Before the database closes: stop watching, finish the batch in hand, stop, give the leases up. */
  async beforeApplicationShutdown(): Promise<void> {
    await this.appendWatch?.close();
    this.appendWatch = undefined;
    await this.leases.stop();
  }

  get(name: string): DurableSubscription | undefined {
    return this.subscriptions.get(name);
  }

  /** The subscription when this process runs it now (holds its lease). */
  running(name: string): DurableSubscription | undefined {
    return this.leases.isHeld(name) ? this.subscriptions.get(name) : undefined;
  }

  all(): DurableSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** After an append (this process's, or another's the store told of): read now rather than at the next poll. */
  wakeAll(): void {
    for (const subscription of this.subscriptions.values()) subscription.wake();
  }
}

/** Refuses a batch once the lease is gone: the subscription is being stopped. */
class LeasedConsumer implements SubscriptionConsumer {
  constructor(
    private readonly lease: string,
    private readonly consumer: SubscriptionConsumer,
    private readonly leases: ConsumerLeases,
  ) {}

  loadCheckpoint(): Promise<LogPosition> {
    return this.consumer.loadCheckpoint();
  }

  handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    if (!this.leases.isHeld(this.lease)) return Promise.reject(new LeaseLostError(this.lease));
    return this.consumer.handle(events, checkpoint);
  }
}
