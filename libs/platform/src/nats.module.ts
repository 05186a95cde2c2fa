import {
  Global,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { NatsConnection, Status } from '@nats-io/transport-node';
import type {
  EventStore,
  LogPosition,
  PostgresCheckpointStore,
  RecordedEvent,
  SubscriptionConsumer,
} from '#libs/event-store';
import { jetstreamManager } from '@nats-io/jetstream';
import {
  connectToNats,
  DEFAULT_PUBLISHER_SUBSCRIPTION_ID,
  ensureStream,
  JetStreamPublisher,
  type AgencyStreamOptions,
  type PublisherCheckpointStore,
} from '#libs/fanout';
import type { ConsumerLeases } from './leases.js';

/**
 * The NATS connection, opened in the background: a NATS outage delays notifications, it never
 * stops the API or the worker from starting.
 */
/** NATS_USER and NATS_PASSWORD: the service's NATS user (deploy/nats/accounts.conf). */
export interface NatsCredentials {
  readonly user?: string | undefined;
  readonly password?: string | undefined;
}

@Injectable()
export class NatsClient implements OnApplicationShutdown {
  private readonly logger = new Logger('NATS');
  private connection: NatsConnection | undefined;
  private readonly connecting: Promise<NatsConnection>;
  private readonly statusListeners = new Set<(status: Status) => void>();
  /** Between a disconnect and the reconnect, the connection is open but reaches no server. */
  private reachable = false;

  constructor(
    readonly servers: readonly string[],
    credentials: NatsCredentials = {},
  ) {
    this.connecting = connectToNats({
      servers: [...servers],
      ...(credentials.user ? { user: credentials.user, pass: credentials.password } : {}),
    });
    this.connecting.then(
      (connection) => {
        this.connection = connection;
        this.reachable = true;
        this.logger.log(`connected to ${connection.getServer()}`);
        void this.relayStatus(connection);
      },
      (error: unknown) => this.logger.error({ err: error }, 'could not connect to NATS'),
    );
  }

  /** True while connected to a server (not while the client is trying to reconnect). */
  get connected(): boolean {
    return this.reachable && this.current() !== undefined;
  }

  /** Calls `listener` with each status change of the connection (disconnect, reconnect, ...). */
  onStatus(listener: (status: Status) => void): void {
    this.statusListeners.add(listener);
  }

  /** Resolves once connected (waiting as long as NATS is away). */
  ready(): Promise<NatsConnection> {
    return this.connecting;
  }

  /** The connection if it is up now. */
  current(): NatsConnection | undefined {
    return this.connection && !this.connection.isClosed() ? this.connection : undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    const connection = this.connection;
    // Drain refuses a connection that is reconnecting (NATS away): close it, or it would go on
    // trying for ever.
    await connection?.drain().catch(() => connection.close().catch(() => undefined));
  }

  private async relayStatus(connection: NatsConnection): Promise<void> {
    try {
      for await (const status of connection.status()) {
        if (status.type === 'disconnect') this.reachable = false;
        else if (status.type === 'reconnect') this.reachable = true;
        for (const listener of this.statusListeners) listener(status);
      }
    } catch (error) {
      this.logger.warn({ err: error, msg: 'stopped following the NATS connection status' });
    }
  }
}

/**
 * The JetStream publisher as a hosted consumer: it reads its checkpoint without NATS, and waits
 * for the connection only when it has something to publish.
 */
export class DeferredJetStreamPublisher implements SubscriptionConsumer {
  private publisher: Promise<JetStreamPublisher> | undefined;

  constructor(
    private readonly nats: NatsClient,
    private readonly store: EventStore,
    private readonly checkpoints: PublisherCheckpointStore,
    private readonly stream: AgencyStreamOptions = {},
  ) {
    // The stream is created or updated as soon as NATS answers, before anything is published.
    this.prepare().catch(() => undefined);
  }

  private prepare(): Promise<JetStreamPublisher> {
    if (!this.publisher) {
      this.publisher = this.nats.ready().then(async (nc) => {
        await ensureStream(await jetstreamManager(nc), this.stream);
        return new JetStreamPublisher({
          nc,
          store: this.store,
          checkpoints: this.checkpoints,
          stream: this.stream,
        });
      });
      // A failed preparation is tried again with the next batch.
      this.publisher.catch(() => {
        this.publisher = undefined;
      });
    }
    return this.publisher;
  }

  loadCheckpoint(): Promise<LogPosition> {
    return this.checkpoints.load(DEFAULT_PUBLISHER_SUBSCRIPTION_ID);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    await (await this.prepare()).handle(events, checkpoint);
  }
}

/**
 * The publisher's checkpoint, written through the connection that holds the publisher's lease: a
 * process that has lost the lease cannot move it (back) while another one publishes.
 */
export class LeasedCheckpointStore implements PublisherCheckpointStore {
  constructor(
    private readonly checkpoints: PostgresCheckpointStore,
    private readonly leases: ConsumerLeases,
    private readonly lease: string,
  ) {}

  load(subscriptionId: string): Promise<LogPosition> {
    return this.checkpoints.load(subscriptionId);
  }

  save(subscriptionId: string, position: LogPosition): Promise<void> {
    return this.leases.whileHeld(this.lease, (db) => this.checkpoints.save(subscriptionId, position, db));
  }
}

@Global()
@Module({})
export class NatsModule {
  /** Provides NatsClient when NATS_URL is set; nothing otherwise. */
  static forRoot(natsUrl: string | undefined, credentials: NatsCredentials = {}): DynamicModule {
    if (!natsUrl) return { module: NatsModule };
    return {
      module: NatsModule,
      providers: [{ provide: NatsClient, useFactory: () => new NatsClient(natsUrl.split(','), credentials) }],
      exports: [NatsClient],
    };
  }
}
