import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import { taskStreamId } from '#libs/tasks';
import { agencyDurableName, ensureAgencyConsumer, ensureStream } from '../src/index.js';
import { FanoutTestEnvironment } from './support/environment.js';
import { drainConsumer } from './support/jetstream.js';
import { ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

const STREAM = 'COORD_AGENCY';
const CONCERNED = [LEAD, SUPPORT, REQUESTED, ISSUER];
const TASKS = 400;

describe('when the NATS server process is killed (SIGKILL) while a backlog is being published', () => {
  let env: FanoutTestEnvironment;

  beforeAll(async () => {
    env = await FanoutTestEnvironment.start();
  });

  afterAll(async () => {
    await env?.dispose();
  });

  it('delivers every event to every concerned agency once NATS is restarted, each once', async () => {
    const setup = await env.connect('setup');
    const jsm = await env.manager(setup);
    await ensureStream(jsm);
    for (const agency of CONCERNED) await ensureAgencyConsumer(jsm, agency);
    await setup.close();

    const publisher = env.publisher(await env.connect('publisher'));
    const subscription = env.subscription(publisher, 50);
    await subscription.start();
    const writer = new TaskWriter(env.store);
    const assignedIds: string[] = [];
    let last = 0n;
    const writing = (async () => {
      for (let i = 0; i < TASKS; i += 1) {
        const taskId = randomUUID();
        last = (await writer.assign(taskId))!.lastPosition;
        assignedIds.push((await env.store.readStream(taskStreamId(taskId)))[0]!.id);
      }
    })();

    try {
      while (publisher.stats.messages < 200) await delay(5);
      await env.nats.kill();
      await delay(1_000);
      await env.nats.restart();
      await writing;
      expect(await subscription.waitFor(await env.logPosition(last), 30_000)).toBe(true);
    } finally {
      await writing.catch(() => undefined);
      await subscription.stop();
    }

    const reader = await env.connect('agency-systems');
    const drained = await Promise.all(
      CONCERNED.map((agency) => drainConsumer(reader, STREAM, agencyDurableName(agency), { atLeast: TASKS })),
    );
    for (const received of drained) {
      const ids = received.map((r) => r.envelope.coordeventid);
      expect(ids.length).toBe(TASKS);
      expect([...ids].sort()).toEqual([...assignedIds].sort());
    }
  }, 90_000);
});
