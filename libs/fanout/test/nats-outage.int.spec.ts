import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { compareLogPositions, type DurableSubscription, type LogPosition } from '#libs/event-store';
import { taskStreamId } from '#libs/tasks';
import {
  agencyDurableName,
  ensureAgencyConsumer,
  ensureStream,
  type JetStreamPublisher,
} from '../src/index.js';
import { FanoutTestEnvironment } from './support/environment.js';
import { drainConsumer } from './support/jetstream.js';
import { ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

const STREAM = 'COORD_AGENCY';
const CONCERNED = [LEAD, SUPPORT, REQUESTED, ISSUER];
const OUTAGE_MS = 30_000;

describe('when NATS is stopped for 30 s while tasks are assigned', () => {
  let env: FanoutTestEnvironment;
  let publisher: JetStreamPublisher;
  let subscription: DurableSubscription;
  const assignedIds: string[] = [];
  let assignedDuringOutage = 0;
  let checkpointBeforeOutage: LogPosition;
  let checkpointAtEndOfOutage: LogPosition;
  let last = 0n;

  beforeAll(async () => {
    env = await FanoutTestEnvironment.start();
    const setup = await env.connect('setup');
    const jsm = await env.manager(setup);
    await ensureStream(jsm);
    for (const agency of CONCERNED) await ensureAgencyConsumer(jsm, agency);
    await setup.close();

    publisher = env.publisher(await env.connect('publisher'));
    subscription = env.subscription(publisher);
    await subscription.start();
    const writer = new TaskWriter(env.store);
    const assign = async () => {
      const taskId = randomUUID();
      const result = await writer.assign(taskId);
      last = result!.lastPosition;
      assignedIds.push((await env.store.readStream(taskStreamId(taskId)))[0]!.id);
    };

    for (let i = 0; i < 5; i += 1) await assign();
    expect(await subscription.waitFor(await env.logPosition(last), 15_000)).toBe(true);
    checkpointBeforeOutage = subscription.checkpoint;

    await env.nats.stop();
    const outageEnds = Date.now() + OUTAGE_MS;
    while (Date.now() < outageEnds) {
      await assign();
      assignedDuringOutage += 1;
      await delay(250);
    }
    checkpointAtEndOfOutage = subscription.checkpoint;
    await env.nats.restart();

    for (let i = 0; i < 5; i += 1) await assign();
    await subscription.waitFor(await env.logPosition(last), 30_000);
  }, 120_000);

  afterAll(async () => {
    await subscription?.stop();
    await env?.dispose();
  });

  it('publishes nothing while NATS is away and marks nothing as published', () => {
    expect(assignedDuringOutage).toBeGreaterThan(50);
    expect(compareLogPositions(checkpointAtEndOfOutage, checkpointBeforeOutage)).toBe(0);
  });

  it('catches up once NATS is back', async () => {
    expect(compareLogPositions(subscription.checkpoint, await env.logPosition(last))).toBeGreaterThanOrEqual(
      0,
    );
  });

  it('delivers every assignment to every concerned agency, once', async () => {
    const nc = await env.connect('agency-systems');
    const drained = await Promise.all(
      CONCERNED.map((agency) =>
        drainConsumer(nc, STREAM, agencyDurableName(agency), { atLeast: assignedIds.length }),
      ),
    );
    for (const received of drained) {
      const ids = received.map((r) => r.envelope.coordeventid);
      expect(ids.length).toBe(assignedIds.length);
      expect([...ids].sort()).toEqual([...assignedIds].sort());
    }
  }, 30_000);
});
