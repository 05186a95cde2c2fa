import { agencyConsumerConfig, agencyStreamConfig } from '../src/index.js';

const MS = 1_000_000;

describe('the agency stream configuration', () => {
  it('keeps a year of messages on file, with a two-minute duplicate window, by default', () => {
    expect(agencyStreamConfig()).toMatchObject({
      name: 'COORD_AGENCY',
      subjects: ['coord.agency.>'],
      storage: 'file',
      retention: 'limits',
      num_replicas: 1,
      max_age: 365 * 24 * 3600 * 1000 * MS,
      max_bytes: -1,
      discard: 'old',
      duplicate_window: 120_000 * MS,
    });
  });

  it('takes replicas, retention and windows from the options', () => {
    expect(
      agencyStreamConfig({ replicas: 3, retention: 'interest', maxAgeMs: 0, duplicateWindowMs: 600_000 }),
    ).toMatchObject({ num_replicas: 3, retention: 'interest', max_age: 0, duplicate_window: 600_000 * MS });
  });

  it.each([
    [{ replicas: 0 }, /replicas must be 1 to 5/],
    [{ replicas: 7 }, /replicas must be 1 to 5/],
    [{ duplicateWindowMs: 10 }, /at least 1000 ms/],
    [{ maxAgeMs: 60_000, duplicateWindowMs: 120_000 }, /cannot exceed maxAgeMs/],
    [{ name: 'COORD.AGENCY' }, /may only hold/],
    [{ subjectPrefix: 'coord.>' }, /not a valid subject prefix/],
  ])('refuses %j', (options, message) => {
    expect(() => agencyStreamConfig(options)).toThrow(message);
  });
});

describe("an agency's durable consumer configuration", () => {
  it("filters the agency's subjects, acks explicitly and starts from everything the stream holds", () => {
    expect(agencyConsumerConfig('lc-so-y-te')).toMatchObject({
      durable_name: 'agency-lc-so-y-te',
      filter_subject: 'coord.agency.lc-so-y-te.>',
      ack_policy: 'explicit',
      deliver_policy: 'all',
      ack_wait: 30_000 * MS,
      max_deliver: -1,
    });
  });

  it('can start from a stream sequence or a time', () => {
    expect(agencyConsumerConfig('lc-mttq', { start: { kind: 'sequence', sequence: 42 } })).toMatchObject({
      deliver_policy: 'by_start_sequence',
      opt_start_seq: 42,
    });
    expect(
      agencyConsumerConfig('lc-mttq', { start: { kind: 'time', time: new Date('2024-06-01T00:00:00Z') } }),
    ).toMatchObject({ deliver_policy: 'by_start_time', opt_start_time: '2024-06-01T00:00:00.000Z' });
  });
});
