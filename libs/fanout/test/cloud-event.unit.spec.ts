import type { RecordedEvent } from '#libs/event-store';
import {
  agencyFilterSubject,
  agencySubject,
  cloudEventJson,
  fanoutMessageId,
  InvalidCloudEventError,
  parseCloudEvent,
  positionOf,
  sharedCloudEventJson,
  toCloudEvent,
} from '../src/index.js';

const event: RecordedEvent = {
  id: '0b6f3c1e-8d7a-4f51-9d0e-2a1c4b7e9f10',
  streamId: 'task-9f2d',
  streamVersion: 2,
  globalPosition: 9_007_199_254_740_993n,
  transactionId: 771n,
  type: 'TaskAcknowledged',
  schemaVersion: 1,
  data: { taskId: '9f2d', planId: 'plan-1', agencyCode: 'lc-so-y-te', role: 'support' },
  metadata: {
    actor: { personId: 'p-lc-so-y-te', agencyCode: 'lc-so-y-te' },
    occurredAt: '2024-06-03T09:00:00+07:00',
    recordedAt: '2024-06-03T02:00:01.123Z',
    correlationId: 'corr-1',
  },
};

describe('the CloudEvents envelope', () => {
  it('carries the event for one agency, with the store position as a string', () => {
    expect(toCloudEvent(event, 'lc-so-ldtbxh')).toEqual({
      specversion: '1.0',
      id: '0b6f3c1e-8d7a-4f51-9d0e-2a1c4b7e9f10:lc-so-ldtbxh',
      source: 'urn:coord:event-store',
      type: 'vn.coord.TaskAcknowledged',
      time: '2024-06-03T02:00:01.123Z',
      subject: 'task-9f2d',
      datacontenttype: 'application/json',
      data: event.data,
      coordeventid: event.id,
      coordagency: 'lc-so-ldtbxh',
      coordposition: '9007199254740993',
      coordtransaction: '771',
      coordstreamversion: '2',
      coordeventtype: 'TaskAcknowledged',
      coordschemaversion: '1',
      coordoccurredat: '2024-06-03T09:00:00+07:00',
      coordactor: 'p-lc-so-y-te',
      coordactoragency: 'lc-so-y-te',
      coordcorrelationid: 'corr-1',
    });
  });

  it('names its extension attributes as CloudEvents 1.0 requires (lowercase letters and digits, at most 20)', () => {
    const names = Object.keys(toCloudEvent(event, 'lc-so-ldtbxh'));
    for (const name of names) expect(name).toMatch(/^[a-z0-9]{1,20}$/);
  });

  it('reads back exactly what was built, position included', () => {
    const envelope = toCloudEvent(event, 'lc-so-y-te');
    const parsed = parseCloudEvent(new TextEncoder().encode(JSON.stringify(envelope)));
    expect(parsed).toEqual(envelope);
    expect(positionOf(parsed)).toBe(9_007_199_254_740_993n);
  });

  it('serialises the shared part of an event once for all its agencies, with the same meaning', () => {
    const lead = toCloudEvent(event, 'lc-so-ldtbxh');
    const health = toCloudEvent(event, 'lc-so-y-te');
    const shared = sharedCloudEventJson(lead);

    expect(JSON.parse(cloudEventJson(lead, shared))).toEqual(lead);
    expect(JSON.parse(cloudEventJson(health, shared))).toEqual(health);
    expect(parseCloudEvent(cloudEventJson(health))).toEqual(health);
  });

  it.each([
    ['not JSON', 'hello'],
    ['another spec version', JSON.stringify({ ...toCloudEvent(event, 'a'), specversion: '0.3' })],
    ['no position', JSON.stringify({ ...toCloudEvent(event, 'a'), coordposition: undefined })],
    [
      'a position that is not a number',
      JSON.stringify({ ...toCloudEvent(event, 'a'), coordposition: '12a' }),
    ],
  ])('refuses a body with %s', (_case, body) => {
    expect(() => parseCloudEvent(body)).toThrow(InvalidCloudEventError);
  });
});

describe('subjects and ids', () => {
  it('puts the agency and the event type in the subject', () => {
    expect(agencySubject('lc-so-ldtbxh', 'TaskAssigned')).toBe('coord.agency.lc-so-ldtbxh.TaskAssigned');
    expect(agencyFilterSubject('lc-so-ldtbxh')).toBe('coord.agency.lc-so-ldtbxh.>');
    expect(fanoutMessageId('e-1', 'lc-mttq')).toBe('e-1:lc-mttq');
  });

  it.each(['lc.so', 'lc *', '>', '', 'Sở'])('refuses "%s" as a subject token', (code) => {
    expect(() => agencySubject(code, 'TaskAssigned')).toThrow(/cannot be a NATS subject token/);
  });
});
