import {
  Inject,
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import { DurableSubscription, type EventStore, type SubscriptionConsumer } from '#libs/event-store';
import { EVENT_STORE } from './tokens.js';

export interface HostedConsumer {
  readonly name: string;
  readonly consumer: SubscriptionConsumer;
  readonly batchSize?: number;
}

/** Consumers a process runs: projections, the NATS publisher. Provided under this token. */
export const HOSTED_CONSUMERS = Symbol('HOSTED_CONSUMERS');

/** How long a subscription waits for new events when caught up and the log is quiet. */
const IDLE_POLL_MS = 50;
/**
 * After a batch with events, more are likely on their way: look again this soon rather than after
 * IDLE_POLL_MS (under a steady load, that wait was most of the projections' lag).
 */
const BUSY_POLL_MS = 5;

/**
 * Runs each hosted consumer as a durable subscription of the event store from the moment the
 * application has started, and stops them (finishing the batch in hand) when it shuts down.
 */
@Injectable()
export class SubscriptionHost implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(SubscriptionHost.name);
  private readonly subscriptions = new Map<string, DurableSubscription>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(HOSTED_CONSUMERS) private readonly consumers: readonly HostedConsumer[],
  ) {
    for (const { name, consumer, batchSize } of consumers) {
      const subscription = new DurableSubscription(store, consumer, {
        name,
        batchSize: batchSize ?? 500,
        pollIntervalMs: IDLE_POLL_MS,
        busyPollIntervalMs: BUSY_POLL_MS,
        logger: { error: (details, message) => this.logger.error({ ...details, msg: message }) },
      });
      this.subscriptions.set(name, subscription);
    }
  }

  async onApplicationBootstrap(): Promise<void> {
    for (const subscription of this.subscriptions.values()) {
      await subscription.start();
      this.logger.log(`subscription ${subscription.name} started`);
    }
  }

  /** Before the database closes: finish the batch in hand, then stop. */
  async beforeApplicationShutdown(): Promise<void> {
    await Promise.all([...this.subscriptions.values()].map((s) => s.stop()));
  }

  get(name: string): DurableSubscription | undefined {
    return this.subscriptions.get(name);
  }

  all(): DurableSubscription[] {
    return [...this.subscriptions.values()];
  }

  /** After a local append: read now rather than at the next poll. */
  wakeAll(): void {
    for (const subscription of this.subscriptions.values()) subscription.wake();
  }
}
