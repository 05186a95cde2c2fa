import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '#libs/event-store';
import { taskStreamId } from '#libs/tasks';
import { concernedAgenciesOf, TaskStateCache, UnroutableEventError } from '../src/index.js';
import { InMemoryEventStore } from './support/in-memory-event-store.js';
import { HEALTH, ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

describe('which agencies an event concerns', () => {
  let store: InMemoryEventStore;
  let writer: TaskWriter;
  let taskId: string;

  beforeEach(() => {
    store = new InMemoryEventStore();
    writer = new TaskWriter(store);
    taskId = randomUUID();
  });

  const eventsOfTask = () => store.events.filter((e) => e.streamId === taskStreamId(taskId));
  const agencies = (event: RecordedEvent, cache: TaskStateCache) =>
    concernedAgenciesOf(event, { store, cache });

  describe('when a handoff is accepted and another assignee acknowledges', () => {
    beforeEach(async () => {
      const handoffId = randomUUID();
      await writer.assign(taskId);
      await writer.requestHandoff(taskId, SUPPORT, HEALTH, handoffId);
      await writer.acceptHandoff(taskId, handoffId, HEALTH);
      await writer.acknowledge(taskId, REQUESTED);
      await writer.cancel(taskId);
      store.streamReads.length = 0;
    });

    it('follows each stream in log order from its cache, without reading the store', async () => {
      const cache = new TaskStateCache();
      const results: [string, readonly string[] | undefined][] = [];
      for (const event of eventsOfTask()) results.push([event.type, await agencies(event, cache)]);

      expect(results).toEqual([
        ['TaskAssigned', [LEAD, SUPPORT, REQUESTED, ISSUER]],
        ['HandoffRequested', [SUPPORT, HEALTH, LEAD, ISSUER]],
        ['HandoffAccepted', [SUPPORT, HEALTH, LEAD, ISSUER]],
        // The lead and the issuer come from the task state before the event.
        ['TaskAcknowledged', [REQUESTED, LEAD, ISSUER]],
        // Health now holds the support assignment, in Support's place.
        ['TaskCancelled', [LEAD, HEALTH, REQUESTED, ISSUER]],
      ]);
      expect(store.streamReads).toEqual([]);
    });

    it('folds the stream from the store on a cold cache (after a restart)', async () => {
      const acknowledged = eventsOfTask()[3]!;
      expect(acknowledged.type).toBe('TaskAcknowledged');
      expect(await agencies(acknowledged, new TaskStateCache())).toEqual([REQUESTED, LEAD, ISSUER]);
      expect(store.streamReads).toEqual([taskStreamId(taskId)]);
    });

    it('folds again when a batch is retried from an older checkpoint', async () => {
      const cache = new TaskStateCache();
      const events = eventsOfTask();
      for (const event of events) await agencies(event, cache);

      expect(await agencies(events[1]!, cache)).toEqual([SUPPORT, HEALTH, LEAD, ISSUER]);
      expect(await agencies(events[2]!, cache)).toEqual([SUPPORT, HEALTH, LEAD, ISSUER]);
      expect(store.streamReads).toEqual([taskStreamId(taskId)]);
    });
  });

  it('folds only up to the event, never past it', async () => {
    await writer.assign(taskId);
    await writer.requestHandoff(taskId, SUPPORT, HEALTH);
    await writer.cancel(taskId);
    store.streamReads.length = 0;
    const [, requested, cancelled] = eventsOfTask();
    const cache = new TaskStateCache();

    await agencies(requested!, cache);
    // Had the fold gone past the request, the handoff would be lapsed and Health left out.
    expect(await agencies(cancelled!, cache)).toEqual([LEAD, SUPPORT, REQUESTED, HEALTH, ISSUER]);
    expect(store.streamReads).toHaveLength(1);
  });

  it('sends an issued plan to its issuer', async () => {
    const event = planIssued({ planId: 'plan-1', issuerAgencyCode: ISSUER });
    expect(await agencies(event, new TaskStateCache())).toEqual([ISSUER]);
  });

  it('refuses to route a plan without an issuer', async () => {
    await expect(agencies(planIssued({ planId: 'plan-1' }), new TaskStateCache())).rejects.toBeInstanceOf(
      UnroutableEventError,
    );
  });

  it('sends a lapse, a reminder or an escalation to the agencies it notifies', async () => {
    const lapse = {
      ...planIssued({ taskId: 't1', notify: [LEAD, SUPPORT, ISSUER, LEAD] }),
      type: 'DeadlineLapsed',
    };
    expect(await agencies(lapse, new TaskStateCache())).toEqual([LEAD, SUPPORT, ISSUER]);
    const escalation = { ...planIssued({ taskId: 't1' }), type: 'DeadlineEscalated' };
    await expect(agencies(escalation, new TaskStateCache())).rejects.toBeInstanceOf(UnroutableEventError);
  });

  it('a plan passed on by a reorganisation concerns the old issuer and its successor', async () => {
    const passed = {
      ...planIssued({ fromIssuer: 'lsc-ubnd-thanh-pho', toIssuer: 'ls-ubnd-tinh' }),
      type: 'PlanPassedToSuccessor',
    };
    expect(await agencies(passed, new TaskStateCache())).toEqual(['lsc-ubnd-thanh-pho', 'ls-ubnd-tinh']);
    const broken = { ...planIssued({ fromIssuer: 'lsc-ubnd-thanh-pho' }), type: 'PlanPassedToSuccessor' };
    await expect(agencies(broken, new TaskStateCache())).rejects.toBeInstanceOf(UnroutableEventError);
  });

  it("a plan's registration (number and signing date) concerns its committee", async () => {
    const registered = {
      ...planIssued({ number: '1601/KH-UBND', issuedOn: '2024-07-15', issuerAgencyCode: 'lc-ubnd-tinh' }),
      type: 'PlanRegistered',
    };
    expect(await agencies(registered, new TaskStateCache())).toEqual(['lc-ubnd-tinh']);
  });

  it("a cycle's report moved by a reorganisation concerns the old body, its successor and the committee", async () => {
    const moved = {
      ...planIssued({ fromAgency: 'lc-so-ldtbxh', toAgency: 'lc-so-y-te', issuerAgencyCode: 'lc-ubnd-tinh' }),
      type: 'ReportingCycleReassigned',
    };
    expect(await agencies(moved, new TaskStateCache())).toEqual([
      'lc-so-ldtbxh',
      'lc-so-y-te',
      'lc-ubnd-tinh',
    ]);
    const broken = {
      ...planIssued({ fromAgency: 'lc-so-ldtbxh', issuerAgencyCode: 'lc-ubnd-tinh' }),
      type: 'ReportingCycleReassigned',
    };
    await expect(agencies(broken, new TaskStateCache())).rejects.toBeInstanceOf(UnroutableEventError);
  });

  it('does not know other event types', async () => {
    expect(await agencies({ ...planIssued({}), type: 'AgencyMerged' }, new TaskStateCache())).toBeUndefined();
  });
});

describe('the task state cache', () => {
  it('forgets the least recently used stream first', () => {
    const cache = new TaskStateCache(2);
    cache.set('task-a', 1, { status: 'none' });
    cache.set('task-b', 1, { status: 'none' });
    cache.get('task-a');
    cache.set('task-c', 1, { status: 'none' });

    expect(cache.get('task-b')).toBeUndefined();
    expect(cache.get('task-a')).toBeDefined();
    expect(cache.size).toBe(2);
  });
});

function planIssued(data: object): RecordedEvent {
  return {
    id: randomUUID(),
    streamId: 'plan-1',
    streamVersion: 1,
    globalPosition: 1n,
    transactionId: 1n,
    type: 'PlanIssued',
    schemaVersion: 1,
    data,
    metadata: {
      actor: { personId: 'p-issuer', agencyCode: ISSUER },
      occurredAt: '2024-06-03T02:00:00.000Z',
      recordedAt: '2024-06-03T02:00:01.000Z',
    },
  };
}
