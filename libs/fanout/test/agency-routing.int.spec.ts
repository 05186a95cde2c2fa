import { randomUUID } from 'node:crypto';
import type { NatsConnection } from '@nats-io/transport-node';
import { jetstream, type JetStreamManager } from '@nats-io/jetstream';
import type { DurableSubscription } from '#libs/event-store';
import { taskStreamId } from '#libs/tasks';
import {
  agencyDurableName,
  ensureAgencyConsumer,
  ensureStream,
  toCloudEvent,
  watchAgency,
  type CoordCloudEvent,
  type JetStreamPublisher,
} from '../src/index.js';
import { FanoutTestEnvironment } from './support/environment.js';
import { drainConsumer } from './support/jetstream.js';
import { HEALTH, ISSUER, LEAD, POLICE, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

const STREAM = 'COORD_AGENCY';
const AGENCIES = [ISSUER, LEAD, SUPPORT, REQUESTED, HEALTH, POLICE];

describe('publishing events to JetStream per concerned agency', () => {
  let env: FanoutTestEnvironment;
  let nc: NatsConnection;
  let jsm: JetStreamManager;
  let publisher: JetStreamPublisher;
  let subscription: DurableSubscription;
  let writer: TaskWriter;

  beforeAll(async () => {
    env = await FanoutTestEnvironment.start();
    nc = await env.connect();
    jsm = await env.manager(nc);
    await ensureStream(jsm);
    for (const agency of AGENCIES) await ensureAgencyConsumer(jsm, agency);
    publisher = env.publisher(nc);
    subscription = env.subscription(publisher);
    await subscription.start();
    writer = new TaskWriter(env.store);
  });

  afterAll(async () => {
    await subscription?.stop();
    await env?.dispose();
  });

  async function published(globalPosition: bigint): Promise<void> {
    expect(await subscription.waitFor(await env.logPosition(globalPosition), 15_000)).toBe(true);
  }

  async function drainAll(): Promise<Map<string, CoordCloudEvent[]>> {
    const drained = await Promise.all(
      AGENCIES.map((agency) => drainConsumer(nc, STREAM, agencyDurableName(agency))),
    );
    return new Map(
      AGENCIES.map((agency, i) => {
        const received = drained[i]!;
        for (const r of received) {
          // A consumer for agency A never receives agency B's messages.
          expect(r.envelope.coordagency).toBe(agency);
          expect(r.subject).toBe(`coord.agency.${agency}.${r.envelope.coordeventtype}`);
        }
        return [agency, received.map((r) => r.envelope)];
      }),
    );
  }

  describe('when a task is assigned', () => {
    let taskId: string;
    let received: Map<string, CoordCloudEvent[]>;
    let assignedEventId: string;

    beforeAll(async () => {
      taskId = randomUUID();
      const result = await writer.assign(taskId);
      await published(result!.lastPosition);
      received = await drainAll();
      const [assigned] = await env.store.readStream(taskStreamId(taskId));
      assignedEventId = assigned!.id;
    });

    it('reaches the consumers of exactly the assignees and the issuer, once each', () => {
      for (const agency of [LEAD, SUPPORT, REQUESTED, ISSUER]) {
        expect(received.get(agency)!.map((e) => e.id)).toEqual([`${assignedEventId}:${agency}`]);
      }
      expect(received.get(HEALTH)).toEqual([]);
      expect(received.get(POLICE)).toEqual([]);
    });

    it('sends a CloudEvents 1.0 envelope that says what, where, when, who and for whom', async () => {
      const [stored] = await env.store.readStream(taskStreamId(taskId));
      const envelope = received.get(SUPPORT)![0]!;
      expect(envelope).toEqual({
        specversion: '1.0',
        id: `${stored!.id}:${SUPPORT}`,
        source: 'urn:coord:event-store',
        type: 'vn.coord.TaskAssigned',
        time: stored!.metadata.recordedAt,
        subject: taskStreamId(taskId),
        datacontenttype: 'application/json',
        data: stored!.data,
        coordeventid: stored!.id,
        coordagency: SUPPORT,
        coordposition: stored!.globalPosition.toString(),
        coordtransaction: stored!.transactionId.toString(),
        coordstreamversion: '1',
        coordeventtype: 'TaskAssigned',
        coordschemaversion: '1',
        coordoccurredat: stored!.metadata.occurredAt,
        coordactor: 'p-issuer',
        coordactoragency: ISSUER,
      });
    });

    describe('and the supporting agency asks to hand it off to Health', () => {
      let handoff: Map<string, CoordCloudEvent[]>;

      beforeAll(async () => {
        const result = await writer.requestHandoff(taskId, SUPPORT, HEALTH);
        await published(result!.lastPosition);
        handoff = await drainAll();
      });

      it('reaches sender, receiver, lead and issuer, and not the other assignee or the police', () => {
        for (const agency of [SUPPORT, HEALTH, LEAD, ISSUER]) {
          expect(handoff.get(agency)!.map((e) => e.type)).toEqual(['vn.coord.HandoffRequested']);
        }
        expect(handoff.get(REQUESTED)).toEqual([]);
        expect(handoff.get(POLICE)).toEqual([]);
      });

      it('never gave Health the assignment it was not part of', () => {
        expect(handoff.get(HEALTH)!.map((e) => e.coordeventtype)).not.toContain('TaskAssigned');
        expect(received.get(HEALTH)).toEqual([]);
      });
    });
  });

  describe('when events are published again from a past position', () => {
    it('lets JetStream drop every repeat, so no consumer sees a second copy', async () => {
      const taskId = randomUUID();
      const first = await writer.assign(taskId);
      const last = await writer.acknowledge(taskId, LEAD);
      await published(last!.lastPosition);
      await drainAll();
      const before = (await jsm.streams.info(STREAM)).state.messages;

      const result = await publisher.republish({ from: first!.lastPosition });

      // The assignment concerns 3 assignees and the issuer; the lead's acknowledgement the lead and the issuer.
      expect(result.messages).toBe(4 + 2);
      expect(result.duplicates).toBe(result.messages);
      expect(result.stored).toBe(0);
      expect((await jsm.streams.info(STREAM)).state.messages).toBe(before);
      const again = await drainAll();
      for (const agency of AGENCIES) expect(again.get(agency)).toEqual([]);
    });

    it('can republish one agency only', async () => {
      const taskId = randomUUID();
      const first = await writer.assign(taskId);
      await published(first!.lastPosition);
      await drainAll();

      const result = await publisher.republish({ from: first!.lastPosition, agencyCode: REQUESTED });

      expect(result).toEqual({ messages: 1, stored: 0, duplicates: 1 });
    });
  });

  describe('watching an agency (coord watch --agency)', () => {
    it('starts from a past position and then shows new events as they arrive, each once', async () => {
      const taskA = randomUUID();
      const taskB = randomUUID();
      const a = await writer.assign(taskA);
      const b = await writer.assign(taskB);
      await published(b!.lastPosition);
      const seen: CoordCloudEvent[] = [];
      const watch = await watchAgency({
        nc,
        agencyCode: REQUESTED,
        fromPosition: b!.lastPosition,
        onEvent: (envelope) => {
          seen.push(envelope);
        },
      });
      try {
        // A repeat beyond the duplicate window: a copy with the same id that the stream kept.
        const [assignedB] = await env.store.readStream(taskStreamId(taskB));
        const copy = toCloudEvent(assignedB!, REQUESTED);
        await jetstream(nc).publish(`coord.agency.${REQUESTED}.TaskAssigned`, JSON.stringify(copy));
        const c = await writer.acknowledge(taskB, REQUESTED);
        await published(c!.lastPosition);
        await waitUntil(() => seen.length >= 2);
        expect(seen.map((e) => [e.subject, e.coordeventtype])).toEqual([
          [taskStreamId(taskB), 'TaskAssigned'],
          [taskStreamId(taskB), 'TaskAcknowledged'],
        ]);
        expect(seen.every((e) => BigInt(e.coordposition) > a!.lastPosition)).toBe(true);
      } finally {
        await watch.stop();
      }
    });
  });

  describe('ensuring the stream at start-up', () => {
    it('leaves a stream that already matches unchanged and updates one whose settings changed', async () => {
      expect((await ensureStream(jsm)).action).toBe('unchanged');

      const updated = await ensureStream(jsm, {
        maxAgeMs: 30 * 24 * 3600 * 1000,
        duplicateWindowMs: 300_000,
      });
      expect(updated.action).toBe('updated');
      expect(updated.info.config.duplicate_window).toBe(300_000 * 1_000_000);
      expect(updated.info.config.storage).toBe('file');

      expect((await ensureStream(jsm)).action).toBe('updated');
    });

    it('refuses to turn the file stream into a memory one', async () => {
      await jsm.streams.add({ name: 'MEMORY_ONE', subjects: ['elsewhere.>'], storage: 'memory' });
      await expect(ensureStream(jsm, { name: 'MEMORY_ONE', subjectPrefix: 'elsewhere' })).rejects.toThrow(
        /uses memory storage, not file/,
      );
    });
  });

  it('keeps every agency consumer on its own filter', async () => {
    await expect(
      ensureAgencyConsumer(jsm, HEALTH, { durableName: agencyDurableName(POLICE) }),
    ).rejects.toThrow(/filters coord\.agency\.lc-cong-an-tinh\.>/);
    const info = await ensureAgencyConsumer(jsm, HEALTH);
    expect(info.config).toMatchObject({
      durable_name: 'agency-lc-so-y-te',
      filter_subject: 'coord.agency.lc-so-y-te.>',
      ack_policy: 'explicit',
      deliver_policy: 'all',
    });
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
