import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import type { JetStreamManager } from '@nats-io/jetstream';
import type { LogPosition, RecordedEvent, SubscriptionConsumer } from '#libs/event-store';
import { taskStreamId } from '#libs/tasks';
import {
  agencyDurableName,
  ensureAgencyConsumer,
  ensureStream,
  JetStreamPublisher,
  type FanoutMessage,
  type PublishResult,
  type PublisherCheckpointStore,
} from '../src/index.js';
import { FanoutTestEnvironment } from './support/environment.js';
import { drainConsumer } from './support/jetstream.js';
import { ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

const STREAM = 'COORD_AGENCY';
const CONCERNED = [LEAD, SUPPORT, REQUESTED, ISSUER];
const TASKS = 40;
/** Batches of 10: the first half of the tasks makes at least two. */
const KILL_AT_BATCH = 2;

/** The publisher's process: once killed, its connection is gone and it does nothing more. */
class PublisherProcess {
  dead = false;
  private resolveKilled!: () => void;
  readonly killed = new Promise<void>((resolve) => (this.resolveKilled = resolve));

  constructor(readonly nc: NatsConnection) {}

  kill(): void {
    if (this.dead) return;
    this.dead = true;
    // Dropped, not drained: whatever is still in flight is lost with the process.
    void this.nc.close();
    this.resolveKilled();
  }

  assertAlive(): void {
    if (this.dead) throw new Error('the publisher process was killed');
  }
}

/** Wraps the consumer the way a dead process would behave: it never handles anything again. */
function asProcess(doomed: PublisherProcess, consumer: SubscriptionConsumer): SubscriptionConsumer {
  return {
    loadCheckpoint: () => {
      doomed.assertAlive();
      return consumer.loadCheckpoint();
    },
    handle: (events: readonly RecordedEvent[], checkpoint: LogPosition) => {
      doomed.assertAlive();
      return consumer.handle(events, checkpoint);
    },
  };
}

type KillMode =
  'after a batch was acknowledged, before its checkpoint was stored' | 'while a batch is in flight';

describe('when the publisher is killed mid-stream and started again', () => {
  let env: FanoutTestEnvironment;
  let observer: NatsConnection;
  let jsm: JetStreamManager;

  beforeAll(async () => {
    env = await FanoutTestEnvironment.start();
    observer = await env.connect('observer');
    jsm = await env.manager(observer);
    await ensureStream(jsm);
    for (const agency of CONCERNED) await ensureAgencyConsumer(jsm, agency);
  });

  afterAll(async () => {
    await env?.dispose();
  });

  it.each<KillMode>([
    'after a batch was acknowledged, before its checkpoint was stored',
    'while a batch is in flight',
  ])(
    'delivers every event to every concerned agency with no gap and no second copy (killed %s)',
    async (mode) => {
      const writer = new TaskWriter(env.store);
      const messagesBefore = (await jsm.streams.info(STREAM)).state.messages;

      // The first process, killed at its second batch.
      const doomed = new PublisherProcess(await env.connect('publisher-a'));
      let saves = 0;
      const checkpoints: PublisherCheckpointStore = {
        load: (id) => env.checkpoints.load(id),
        save: async (id, position) => {
          doomed.assertAlive();
          saves += 1;
          if (
            mode === 'after a batch was acknowledged, before its checkpoint was stored' &&
            saves === KILL_AT_BATCH
          ) {
            doomed.kill();
            doomed.assertAlive();
          }
          await env.checkpoints.save(id, position);
        },
      };
      let batches = 0;
      class KilledInFlight extends JetStreamPublisher {
        override publishMessages(messages: readonly FanoutMessage[]): Promise<PublishResult> {
          batches += 1;
          const publishing = super.publishMessages(messages);
          if (mode === 'while a batch is in flight' && batches === KILL_AT_BATCH) doomed.kill();
          return publishing;
        }
      }
      const first = new KilledInFlight({ nc: doomed.nc, store: env.store, checkpoints });
      const firstSubscription = env.subscription(asProcess(doomed, first), 10);
      await firstSubscription.start();

      // Tasks are assigned while the publisher runs, dies, and stays dead.
      const assignedIds: string[] = [];
      let last = 0n;
      for (let i = 0; i < TASKS; i += 1) {
        // Half the tasks before the kill, half after it.
        if (i === TASKS / 2) await doomed.killed;
        const taskId = randomUUID();
        const result = await writer.assign(taskId);
        last = result!.lastPosition;
        assignedIds.push((await env.store.readStream(taskStreamId(taskId)))[0]!.id);
      }
      await doomed.killed;
      await firstSubscription.stop();
      expect(first.stats.messages).toBeGreaterThan(0);

      // The restarted process: a new connection, an empty cache, the stored checkpoint.
      const second = env.publisher(await env.connect('publisher-b'));
      const secondSubscription = env.subscription(second, 10);
      await secondSubscription.start();
      try {
        expect(await secondSubscription.waitFor(await env.logPosition(last), 30_000)).toBe(true);
      } finally {
        await secondSubscription.stop();
      }

      if (mode === 'after a batch was acknowledged, before its checkpoint was stored') {
        // The batch whose checkpoint was lost went out again and JetStream dropped it.
        expect(second.stats.duplicates).toBeGreaterThanOrEqual(1);
      }
      expect((await jsm.streams.info(STREAM)).state.messages - messagesBefore).toBe(TASKS * CONCERNED.length);
      const drained = await Promise.all(
        CONCERNED.map((agency) =>
          drainConsumer(observer, STREAM, agencyDurableName(agency), { atLeast: TASKS }),
        ),
      );
      for (const received of drained) {
        const ids = received.map((r) => r.envelope.coordeventid);
        expect(new Set(ids).size).toBe(ids.length);
        expect([...ids].sort()).toEqual([...assignedIds].sort());
      }
    },
    90_000,
  );
});
