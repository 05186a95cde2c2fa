import { describe, expect, it } from '@jest/globals';
import { Webhook } from 'standardwebhooks';
import {
  activeSecrets,
  afterAttempt,
  DEFAULT_RETRY_SCHEDULE,
  endpointUrlProblem,
  newSecret,
  normaliseEventTypes,
  orderingKeyOf,
  outcomeOfStatus,
  plainDelaysMs,
  retryDelayMs,
  rotate,
  wantsEventType,
  webhookHeaders,
} from './index.js';

const at = (iso: string) => new Date(iso);

describe('endpoint URLs', () => {
  const strict = { allowLoopbackHttp: false };
  const loose = { allowLoopbackHttp: true };

  it('takes https anywhere', () => {
    expect(endpointUrlProblem('https://hethong.soyte.laichau.gov.vn/hooks', strict)).toBeNull();
  });

  it('takes http only to loopback, and only where allowed', () => {
    expect(endpointUrlProblem('http://127.0.0.1:8080/hooks', loose)).toBeNull();
    expect(endpointUrlProblem('http://localhost/hooks', loose)).toBeNull();
    expect(endpointUrlProblem('http://127.0.0.1:8080/hooks', strict)).toBe('must be https://');
    expect(endpointUrlProblem('http://10.0.0.1/hooks', loose)).toMatch(/only to 127.0.0.1/);
  });

  it('refuses credentials, fragments and what is not a URL', () => {
    expect(endpointUrlProblem('https://user:pw@example.gov.vn/', strict)).toMatch(/user name/);
    expect(endpointUrlProblem('https://example.gov.vn/#x', strict)).toMatch(/fragment/);
    expect(endpointUrlProblem('example.gov.vn/hooks', strict)).toMatch(/absolute URL/);
    expect(endpointUrlProblem('ftp://example.gov.vn/', strict)).toBe('must be https://');
  });
});

describe('event types', () => {
  it('matches named types or everything', () => {
    expect(wantsEventType(['TaskAssigned'], 'TaskAssigned')).toBe(true);
    expect(wantsEventType(['TaskAssigned'], 'DeadlineLapsed')).toBe(false);
    expect(wantsEventType(['*'], 'DeadlineLapsed')).toBe(true);
  });

  it('keeps `*` alone and sorts the rest', () => {
    expect(normaliseEventTypes(['TaskAssigned', '*'])).toEqual(['*']);
    expect(normaliseEventTypes(['TaskCompleted', 'TaskAssigned', 'TaskCompleted'])).toEqual([
      'TaskAssigned',
      'TaskCompleted',
    ]);
  });
});

describe('order per task', () => {
  it("queues a deadline event with its task's events, a plan event in its plan's stream", () => {
    expect(orderingKeyOf({ streamId: 'task-T1', data: { taskId: 'T1' } })).toBe('task-T1');
    expect(orderingKeyOf({ streamId: 'deadlines-2025-11-30', data: { taskId: 'T1' } })).toBe('task-T1');
    expect(orderingKeyOf({ streamId: 'plan-P1', data: { planId: 'P1' } })).toBe('plan-P1');
  });
});

describe('the retry schedule', () => {
  it('doubles from the base up to the cap, then stops after the last attempt', () => {
    const delays = plainDelaysMs({ baseMs: 1_000, capMs: 5_000, maxAttempts: 6, jitter: 0 });
    expect(delays).toEqual([1_000, 2_000, 4_000, 5_000, 5_000]);
  });

  it('tries for about a day by default', () => {
    const total = plainDelaysMs(DEFAULT_RETRY_SCHEDULE).reduce((a, b) => a + b, 0);
    expect(total / 3_600_000).toBeCloseTo(20.4, 1);
  });

  it('spreads each wait by the jitter, never below zero', () => {
    const schedule = { baseMs: 1_000, capMs: 60_000, maxAttempts: 10, jitter: 0.1 };
    expect(retryDelayMs(schedule, 1, 0)).toBe(900);
    expect(retryDelayMs(schedule, 1, 0.999_999)).toBe(1_100);
    expect(retryDelayMs(schedule, 10, 0.5)).toBeNull();
  });
});

describe('a delivery after an attempt', () => {
  const schedule = { baseMs: 1_000, capMs: 10_000, maxAttempts: 3, jitter: 0 };
  const now = at('2026-01-01T00:00:00Z');

  it('is delivered on any 2xx', () => {
    expect(afterAttempt(0, outcomeOfStatus(204), now, schedule, 0.5)).toEqual({
      status: 'delivered',
      attempts: 1,
      nextAttemptAt: null,
      lastStatusCode: 204,
      lastError: null,
    });
  });

  it('waits for the next attempt after a refusal or no answer', () => {
    expect(afterAttempt(1, outcomeOfStatus(503), now, schedule, 0.5)).toEqual({
      status: 'pending',
      attempts: 2,
      nextAttemptAt: at('2026-01-01T00:00:02Z'),
      lastStatusCode: 503,
      lastError: 'the endpoint answered 503',
    });
    expect(
      afterAttempt(0, { kind: 'unreachable', error: 'fetch failed: ECONNREFUSED' }, now, schedule, 0.5),
    ).toMatchObject({
      status: 'pending',
      attempts: 1,
      lastStatusCode: null,
      lastError: 'fetch failed: ECONNREFUSED',
    });
  });

  it('goes to the dead-letter list after the last attempt', () => {
    expect(afterAttempt(2, outcomeOfStatus(500), now, schedule, 0.5)).toMatchObject({
      status: 'dead',
      attempts: 3,
      nextAttemptAt: null,
    });
  });

  it('treats a redirect as a failure', () => {
    expect(outcomeOfStatus(302)).toEqual({ kind: 'refused', statusCode: 302 });
  });
});

describe('secret rotation', () => {
  const first = { secretId: 'a', createdAt: at('2026-01-01T00:00:00Z'), expiresAt: null };

  it('keeps the current secret signing for the overlap', () => {
    const now = at('2026-02-01T00:00:00Z');
    expect(rotate([first], now, 3600)).toEqual({
      expire: [{ secretId: 'a', expiresAt: at('2026-02-01T01:00:00Z') }],
    });
  });

  it('ends an older overlap at once: never more than two secrets', () => {
    const now = at('2026-02-01T00:30:00Z');
    const second = { secretId: 'b', createdAt: at('2026-02-01T00:00:00Z'), expiresAt: null };
    const overlapping = { ...first, expiresAt: at('2026-02-01T01:00:00Z') };
    expect(rotate([overlapping, second], now, 60)).toEqual({
      expire: [
        { secretId: 'b', expiresAt: at('2026-02-01T00:31:00Z') },
        { secretId: 'a', expiresAt: now },
      ],
    });
  });

  it('lists the active secrets newest first', () => {
    const second = { secretId: 'b', createdAt: at('2026-02-01T00:00:00Z'), expiresAt: null };
    const expired = { ...first, expiresAt: at('2026-02-01T01:00:00Z') };
    expect(activeSecrets([expired, second], at('2026-02-01T00:10:00Z')).map((s) => s.secretId)).toEqual([
      'b',
      'a',
    ]);
    expect(activeSecrets([expired, second], at('2026-02-01T01:00:00Z')).map((s) => s.secretId)).toEqual([
      'b',
    ]);
  });
});

describe('Standard Webhooks signatures', () => {
  it('verify with the standardwebhooks library, one signature per active secret', () => {
    const [current, previous] = [newSecret(), newSecret()];
    const body = JSON.stringify({ id: 'e1:lc-so-y-te', data: { title: 'Rà soát trẻ em' } });
    const timestamp = Math.floor(Date.now() / 1000);
    const headers = webhookHeaders([current, previous], 'e1:lc-so-y-te', timestamp, body);
    expect(headers['webhook-signature'].split(' ')).toHaveLength(2);
    expect(new Webhook(current).verify(body, headers)).toEqual(JSON.parse(body));
    expect(new Webhook(previous).verify(body, headers)).toEqual(JSON.parse(body));
    expect(() => new Webhook(newSecret()).verify(body, headers)).toThrow();
    expect(() => new Webhook(current).verify(`${body} `, headers)).toThrow();
  });
});
