import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import { DurableSubscription } from '#libs/event-store';
import {
  InProcessFeed,
  InProcessFeedPublisher,
  toCloudEvent,
  type CoordCloudEvent,
  type FanoutLogger,
} from '../src/index.js';
import { InMemoryEventStore } from './support/in-memory-event-store.js';
import { HEALTH, LEAD, POLICE, SUPPORT, TaskWriter } from './support/tasks.js';

const envelope = (id: string): CoordCloudEvent => ({ id }) as CoordCloudEvent;

describe('the in-process feed', () => {
  it("gives each listener only its agency's envelopes, until it unsubscribes", () => {
    const feed = new InProcessFeed();
    const lead: string[] = [];
    const health: string[] = [];
    const unsubscribe = feed.subscribe(LEAD, (e) => lead.push(e.id));
    feed.subscribe(HEALTH, (e) => health.push(e.id));

    feed.publish(LEAD, envelope('a'));
    feed.publish(HEALTH, envelope('b'));
    unsubscribe();
    feed.publish(LEAD, envelope('c'));

    expect(lead).toEqual(['a']);
    expect(health).toEqual(['b']);
    expect(feed.listenerCount(LEAD)).toBe(0);
    expect(feed.listenerCount()).toBe(1);
  });

  it('keeps delivering to the other listeners when one throws, and logs it', () => {
    const error = jest.fn<FanoutLogger['error']>();
    const feed = new InProcessFeed({ warn: jest.fn(), error });
    const received: string[] = [];
    feed.subscribe(LEAD, () => {
      throw new Error('browser went away');
    });
    feed.subscribe(LEAD, (e) => received.push(e.id));

    feed.publish(LEAD, envelope('a'));

    expect(received).toEqual(['a']);
    expect(error).toHaveBeenCalledTimes(1);
  });
});

describe('feeding the in-process feed from the log (the embedded default, without NATS)', () => {
  it('delivers the same envelopes the JetStream publisher sends, to exactly the concerned agencies', async () => {
    const store = new InMemoryEventStore();
    const writer = new TaskWriter(store);
    const feed = new InProcessFeed();
    const subscription = new DurableSubscription(store, new InProcessFeedPublisher({ feed, store }), {
      name: 'in-process-feed',
    });
    const received = new Map<string, CoordCloudEvent[]>([HEALTH, SUPPORT, POLICE].map((a) => [a, []]));
    for (const [agency, list] of received) feed.subscribe(agency, (e) => list.push(e));

    const taskId = randomUUID();
    await writer.assign(taskId);
    await writer.requestHandoff(taskId, SUPPORT, HEALTH);
    await subscription.catchUp();

    const [assigned, handoff] = store.events;
    expect(received.get(SUPPORT)).toEqual([
      toCloudEvent(assigned!, SUPPORT),
      toCloudEvent(handoff!, SUPPORT),
    ]);
    expect(received.get(HEALTH)).toEqual([toCloudEvent(handoff!, HEALTH)]);
    expect(received.get(POLICE)).toEqual([]);
  });
});
