import type pg from 'pg';
import { jetstreamManager, type JetStreamManager } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import {
  DurableSubscription,
  PostgresCheckpointStore,
  PostgresEventStore,
  type LogPosition,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { connectTestPostgres, dropSchema, uniqueSchema } from '../../../../test/support/postgres.js';
import { connectToNats, JetStreamPublisher, type JetStreamPublisherOptions } from '../../src/index.js';
import { TestNatsServer } from './nats-server.js';

/** A real PostgreSQL schema and a test-owned nats-server, for one test file. */
export class FanoutTestEnvironment {
  private readonly connections: NatsConnection[] = [];

  private constructor(
    readonly pool: pg.Pool,
    readonly schema: string,
    readonly store: PostgresEventStore,
    readonly checkpoints: PostgresCheckpointStore,
    readonly nats: TestNatsServer,
  ) {}

  static async start(): Promise<FanoutTestEnvironment> {
    const pool = await connectTestPostgres(8);
    const schema = uniqueSchema('fanout');
    const store = new PostgresEventStore(pool, { schema });
    await store.migrate();
    let nats: TestNatsServer;
    try {
      nats = await TestNatsServer.start();
    } catch (error) {
      await dropSchema(pool, schema);
      await pool.end();
      throw error;
    }
    return new FanoutTestEnvironment(pool, schema, store, new PostgresCheckpointStore(pool, schema), nats);
  }

  /** A connection that reconnects for ever, closed by dispose(). */
  async connect(name = 'test'): Promise<NatsConnection> {
    const nc = await connectToNats({ servers: this.nats.url, name, reconnectTimeWait: 250 });
    this.connections.push(nc);
    return nc;
  }

  async manager(nc: NatsConnection): Promise<JetStreamManager> {
    return jetstreamManager(nc);
  }

  publisher(nc: NatsConnection, options: Partial<JetStreamPublisherOptions> = {}): JetStreamPublisher {
    return new JetStreamPublisher({ nc, store: this.store, checkpoints: this.checkpoints, ...options });
  }

  subscription(consumer: SubscriptionConsumer, batchSize = 100): DurableSubscription {
    return new DurableSubscription(this.store, consumer, {
      name: 'nats-publisher',
      batchSize,
      pollIntervalMs: 20,
      maxRetryDelayMs: 500,
    });
  }

  /** The log position of the event at a global position (to wait for it). */
  async logPosition(globalPosition: bigint): Promise<LogPosition> {
    const position = await this.store.logPositionOf(globalPosition);
    if (!position) throw new Error(`no event at ${globalPosition}`);
    return position;
  }

  async dispose(): Promise<void> {
    await Promise.all(this.connections.map((nc) => nc.close().catch(() => undefined)));
    await this.nats.dispose();
    await dropSchema(this.pool, this.schema);
    await this.pool.end();
  }
}
