import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import type { RecordedEvent } from '#libs/event-store';
import { AgencyFanout, readFanout, toCloudEvent, type FanoutLogger } from '../src/index.js';
import { InMemoryEventStore } from './support/in-memory-event-store.js';
import { HEALTH, ISSUER, LEAD, REQUESTED, SUPPORT, TaskWriter } from './support/tasks.js';

function recordingLogger() {
  const warn = jest.fn<FanoutLogger['warn']>();
  const error = jest.fn<FanoutLogger['error']>();
  return { logger: { warn, error }, warn, error };
}

describe('fanning a batch out to agencies', () => {
  let store: InMemoryEventStore;
  let writer: TaskWriter;

  beforeEach(() => {
    store = new InMemoryEventStore();
    writer = new TaskWriter(store);
  });

  it('gives each concerned agency its own message, on its own subject, in log order', async () => {
    const taskId = randomUUID();
    await writer.assign(taskId);
    await writer.acknowledge(taskId, REQUESTED);

    const messages = await new AgencyFanout({ store }).messagesFor(store.events);

    expect(messages.map((m) => m.subject)).toEqual([
      `coord.agency.${LEAD}.TaskAssigned`,
      `coord.agency.${SUPPORT}.TaskAssigned`,
      `coord.agency.${REQUESTED}.TaskAssigned`,
      `coord.agency.${ISSUER}.TaskAssigned`,
      `coord.agency.${REQUESTED}.TaskAcknowledged`,
      `coord.agency.${LEAD}.TaskAcknowledged`,
      `coord.agency.${ISSUER}.TaskAcknowledged`,
    ]);
    for (const message of messages) {
      expect(message.envelope).toEqual(toCloudEvent(message.event, message.agencyCode));
    }
  });

  it('uses the configured subject prefix and source', async () => {
    await writer.assign(randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]);
    const fanout = new AgencyFanout({ store, subjectPrefix: 'test.agency', source: 'urn:coord:lai-chau' });

    const [first] = await fanout.messagesFor(store.events);

    expect(first!.subject).toBe(`test.agency.${LEAD}.TaskAssigned`);
    expect(first!.envelope.source).toBe('urn:coord:lai-chau');
  });

  it('logs an event type it does not know once, and skips its events', async () => {
    const { logger, warn } = recordingLogger();
    const unknown = (position: bigint): RecordedEvent => ({
      ...store.events[0]!,
      id: randomUUID(),
      type: 'AgencyRenamed',
      globalPosition: position,
    });
    await writer.assign(randomUUID());

    const messages = await new AgencyFanout({ store, logger }).messagesFor([unknown(10n), unknown(11n)]);

    expect(messages).toEqual([]);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]![0]).toMatchObject({ type: 'AgencyRenamed' });
  });

  it('skips an agency code that cannot be a subject token, and still sends the others', async () => {
    const { logger, error } = recordingLogger();
    await writer.assign(randomUUID(), [
      { agencyCode: 'Sở Y tế', role: 'lead' },
      { agencyCode: HEALTH, role: 'support' },
    ]);

    const messages = await new AgencyFanout({ store, logger }).messagesFor(store.events);

    expect(messages.map((m) => m.agencyCode)).toEqual([HEALTH, ISSUER]);
    expect(error.mock.calls[0]![0]).toMatchObject({ agencyCode: 'Sở Y tế' });
  });

  it('lets a store failure through, so the batch is retried', async () => {
    const taskId = randomUUID();
    await writer.assign(taskId);
    await writer.acknowledge(taskId, LEAD);
    store.readStream = () => Promise.reject(new Error('connection terminated'));

    await expect(new AgencyFanout({ store }).messagesFor([store.events[1]!])).rejects.toThrow(
      'connection terminated',
    );
  });

  it('reads the log again from a past position, for one agency', async () => {
    const first = randomUUID();
    const second = randomUUID();
    await writer.assign(first);
    const from = (await writer.assign(second))!.lastPosition;
    await writer.acknowledge(first, SUPPORT);

    const read: string[] = [];
    for await (const batch of readFanout(store, new AgencyFanout({ store }), {
      from,
      agencyCode: SUPPORT,
      batchSize: 1,
    })) {
      read.push(...batch.messages.map((m) => `${m.event.type}@${m.event.globalPosition}`));
    }

    expect(read).toEqual(['TaskAssigned@2', 'TaskAcknowledged@3']);
  });
});
