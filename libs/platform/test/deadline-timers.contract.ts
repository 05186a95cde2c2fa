import { randomUUID } from 'node:crypto';
import type { Pool } from 'pg';
import { decideCalendar, HOLIDAY_CALENDAR_STREAM, initialCalendarState } from '#libs/calendar';
import { ExpectedVersion } from '#libs/event-store';
import { deadlineInstant, type DeadlineEvent } from '#libs/tasks';
import { DeadlineFirer, ManualClock } from '../src/index.js';
import { World } from '../../projections/test/support/world.js';
import {
  acceptCompletion,
  assign,
  cancel,
  grantExtension,
  issuePlan,
  june,
  LEAD,
  EDUCATION,
  ISSUER,
  PLAN,
  requestExtension,
  submitCompletion,
} from '../../projections/test/support/scenario.js';

export interface TimerBackend {
  readonly pool: Pool;
  /** PostgreSQL only: a second pool, as a second worker process would have. */
  readonly secondPool?: Pool;
  dispose(): Promise<void>;
}

const DAY = 24 * 60 * 60 * 1000;
const plus = (instant: string, days: number, ms = 0): string =>
  new Date(Date.parse(instant) + days * DAY + ms).toISOString();

/**
 * The deadline timers against a real database: the projection keeps the timers, a firer (or two)
 * records what falls due by a clock the test sets.
 */
export function deadlineTimersContract(open: () => Promise<TimerBackend>): void {
  let backend: TimerBackend;
  let world: World;
  let clock: ManualClock;
  let firer: DeadlineFirer;

  beforeEach(async () => {
    backend = await open();
    world = await World.create(backend.pool);
    clock = new ManualClock(june(1));
    firer = new DeadlineFirer({ pool: backend.pool, store: world.store, schema: world.schema, clock });
    await world.issuePlan(issuePlan(PLAN, june(1)));
  });

  afterEach(async () => {
    await world.dispose(backend.secondPool !== undefined);
    await backend.dispose();
  });

  const project = () => world.runner().catchUp();

  /** Moves the clock, projects, fires what is due, projects again. */
  async function at(instant: string): Promise<number> {
    clock.set(instant);
    await project();
    const fired = await firer.fireAllDue();
    await project();
    return fired;
  }

  async function deadlineEvents(taskId: string) {
    const { rows } = await backend.pool.query<{
      type: DeadlineEvent['type'];
      data: DeadlineEvent['data'] & { daysBefore?: number; level?: number; escalatedToAgency?: string };
      occurred_at: Date;
      recorded_at: Date;
    }>(
      `select type, data, occurred_at, recorded_at from ${world.schema}.events
        where stream_id like 'deadlines-%' and data->>'taskId' = $1 order by global_position`,
      [taskId],
    );
    return rows.map((row) => ({
      type: row.type,
      data: row.data,
      occurredAt: row.occurred_at.toISOString(),
      recordedAt: row.recorded_at.toISOString(),
    }));
  }

  const lead = [
    { agencyCode: LEAD, role: 'lead' as const },
    { agencyCode: EDUCATION, role: 'support' as const },
  ];

  it('records each reminder, the lapse and each escalation once, at their moments', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', lead, june(2)));
    const deadline = deadlineInstant('2025-06-30');
    expect(deadline).toBe('2025-06-30T17:00:00.000Z');

    expect(await at(plus(deadline, -7, -1))).toBe(0);
    expect(await at(plus(deadline, -7))).toBe(1);
    expect(await at(plus(deadline, -7, 1000))).toBe(0);
    expect(await at(plus(deadline, -1))).toBe(1);
    expect(await at(plus(deadline, 0, -1))).toBe(0);
    expect(await at(deadline)).toBe(1);
    expect(await at(plus(deadline, 7))).toBe(1);
    expect(await at(plus(deadline, 14))).toBe(1);
    expect(await at(plus(deadline, 60))).toBe(0);

    const events = await deadlineEvents('t1');
    expect(events.map((e) => [e.type, e.occurredAt])).toEqual([
      ['DeadlineReminderSent', plus(deadline, -7)],
      ['DeadlineReminderSent', plus(deadline, -1)],
      ['DeadlineLapsed', deadline],
      ['DeadlineEscalated', plus(deadline, 7)],
      ['DeadlineEscalated', plus(deadline, 14)],
    ]);
    expect(events.map((e) => e.data.daysBefore ?? e.data.level ?? null)).toEqual([7, 1, null, 1, 2]);
    // First to the lead agency, then to the issuing committee.
    expect(events.slice(3).map((e) => e.data.escalatedToAgency)).toEqual([LEAD, ISSUER]);
    expect(events[2]!.data).toMatchObject({ responsibleAgency: LEAD, openAgencies: [LEAD, EDUCATION] });
    expect(events[2]!.data.notify).toEqual(expect.arrayContaining([LEAD, EDUCATION, ISSUER]));

    // The projection saw them: nothing waits, every one is marked fired.
    const { rows } = await backend.pool.query<{ outcome: string; n: string }>(
      `select outcome, count(*) as n from ${world.schema}.deadline_timers group by outcome`,
    );
    expect(rows).toEqual([{ outcome: 'fired', n: '5' }]);
  });

  it('an extension granted before the deadline moves the timers to the new date', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', lead, june(2)));
    await world.task(requestExtension('t1', 'e1', LEAD, '2025-07-31', june(20)));
    await world.task(grantExtension('t1', 'e1', june(21)));
    expect(await at(plus(deadlineInstant('2025-06-30'), 20))).toBe(0);
    expect(await at(deadlineInstant('2025-07-31'))).toBe(3);
    const events = await deadlineEvents('t1');
    expect(events.map((e) => [e.type, e.data.dueDate])).toEqual([
      ['DeadlineReminderSent', '2025-07-31'],
      ['DeadlineReminderSent', '2025-07-31'],
      ['DeadlineLapsed', '2025-07-31'],
    ]);
    expect(events[2]!.occurredAt).toBe(deadlineInstant('2025-07-31'));
  });

  it('a completion before the deadline ends the timers; one after it keeps the lapse', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', lead, june(2)));
    await world.task(assign('t2', PLAN, '2025-06-30', [{ agencyCode: LEAD, role: 'lead' }], june(2)));
    await world.task(submitCompletion('t1', LEAD, june(25)));
    await world.task(acceptCompletion('t1', LEAD, june(26)));
    await world.task(cancel('t2', june(26)));
    // The workers were down since before the first reminder: only t1's 7-day reminder was due
    // before the completion, and it is recorded on catch-up; nothing after it.
    expect(await at(plus(deadlineInstant('2025-06-30'), 30))).toBe(2);
    expect((await deadlineEvents('t1')).map((e) => [e.type, e.data.daysBefore])).toEqual([
      ['DeadlineReminderSent', 7],
    ]);
    expect((await deadlineEvents('t2')).map((e) => e.type)).toEqual(['DeadlineReminderSent']);

    await world.task(assign('t3', PLAN, '2025-06-30', [{ agencyCode: LEAD, role: 'lead' }], june(2)));
    // Completed late: the lapse and the first escalation had come before.
    await world.task(submitCompletion('t3', LEAD, '2025-07-10T09:00:00+07:00'));
    await world.task(acceptCompletion('t3', LEAD, '2025-07-10T10:00:00+07:00'));
    await at(plus(deadlineInstant('2025-06-30'), 40));
    expect((await deadlineEvents('t3')).map((e) => e.type)).toEqual([
      'DeadlineReminderSent',
      'DeadlineReminderSent',
      'DeadlineLapsed',
      'DeadlineEscalated',
    ]);
  });

  it('a timer whose task closed before its moment, not yet projected, records nothing', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', [{ agencyCode: LEAD, role: 'lead' }], june(2)));
    await project();
    await world.task(submitCompletion('t1', LEAD, june(29)));
    await world.task(acceptCompletion('t1', LEAD, june(30, 8)));
    // Fire before the projection drops the timers: the reminders were due before the task was
    // completed (30 June, 08:00), the lapse after.
    clock.set(deadlineInstant('2025-06-30'));
    expect(await firer.fireAllDue()).toBe(2);
    await project();
    expect((await deadlineEvents('t1')).map((e) => e.type)).toEqual([
      'DeadlineReminderSent',
      'DeadlineReminderSent',
    ]);
    const { rows } = await backend.pool.query<{ outcome: string }>(
      `select outcome from ${world.schema}.deadline_timers where kind = 'lapse'`,
    );
    // Marked moot by the firer; the projection, when it met the completion, left it alone.
    expect(rows).toEqual([{ outcome: 'moot' }]);
  });

  it('workers down across a deadline record the lapse on restart with occurredAt = the deadline', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', lead, june(2)));
    const deadline = deadlineInstant('2025-06-30');
    const before = Date.now();
    expect(await at(plus(deadline, 3))).toBe(3);
    const events = await deadlineEvents('t1');
    const lapse = events.find((e) => e.type === 'DeadlineLapsed')!;
    expect(lapse.occurredAt).toBe(deadline);
    // recordedAt: the database clock when it was written, i.e. now.
    expect(Date.parse(lapse.recordedAt)).toBeGreaterThanOrEqual(before - 1000);
  });

  it('two workers racing on the same timers record one event each', async () => {
    const second = new DeadlineFirer({
      pool: backend.secondPool ?? backend.pool,
      store: world.store,
      schema: world.schema,
      clock,
      batchSize: 7,
    });
    const small = new DeadlineFirer({
      pool: backend.pool,
      store: world.store,
      schema: world.schema,
      clock,
      batchSize: 5,
    });
    for (let i = 0; i < 40; i++)
      await world.task(assign(`r${i}`, PLAN, '2025-06-30', [{ agencyCode: LEAD, role: 'lead' }], june(2)));
    clock.set(plus(deadlineInstant('2025-06-30'), 20));
    await project();
    const [a, b, c] = await Promise.all([small.fireAllDue(), second.fireAllDue(), firer.fireAllDue()]);
    // 40 tasks x (2 reminders + lapse + 2 escalations)
    expect(a + b + c).toBe(200);
    const { rows } = await backend.pool.query<{ n: string; streams: string; ids: string }>(
      `select count(*) as n, count(distinct stream_id) as streams, count(distinct event_id) as ids
         from ${world.schema}.events where stream_id like 'deadlines-%'`,
    );
    expect(rows[0]).toMatchObject({ n: '200', ids: '200' });
    expect(await firer.fireAllDue()).toBe(0);
  });

  it("follows the plan's own policy, and a holiday amendment moves an escalation counted in working days", async () => {
    const own = issuePlan('plan-own-policy', june(1));
    await world.issuePlan({
      ...own,
      data: {
        ...own.data,
        contentHash: 'sha256:own-policy',
        deadlinePolicy: {
          reminderDaysBefore: [2],
          escalations: [{ daysOverdue: 3, to: 'lead', counting: 'working-days' }],
        },
      },
    });
    await world.task(assign('w1', 'plan-own-policy', '2025-01-24', lead, '2025-01-02T09:00:00+07:00'));
    await project();
    const timers = async () =>
      (
        await backend.pool.query<{ kind: string; fire_at: Date }>(
          `select kind, fire_at from ${world.schema}.deadline_timers where task_id = 'w1' order by fire_at`,
        )
      ).rows.map((r) => [r.kind, r.fire_at.toISOString()]);
    // Reminder 2 days before; escalation after 3 working days: Mon 27/1, then (Tết and the day
    // in lieu) Tue 4/2, Wed 5/2.
    expect(await timers()).toEqual([
      ['reminder', plus(deadlineInstant('2025-01-24'), -2)],
      ['lapse', deadlineInstant('2025-01-24')],
      ['escalation', deadlineInstant('2025-02-05')],
    ]);
    // The government adds 4 February as a day off: the escalation moves to the end of 6 February.
    const [amended] = decideCalendar(
      {
        type: 'AmendHolidays',
        data: { action: 'add', date: '2025-02-04', name: 'Nghỉ thêm', reason: 'Quyết định của Thủ tướng' },
        metadata: { actor: { personId: 'p-issuer', agencyCode: ISSUER, roles: ['issuer'] }, now: june(1) },
      },
      initialCalendarState(),
    );
    await world.store.append(
      HOLIDAY_CALENDAR_STREAM,
      [
        {
          id: randomUUID(),
          type: amended!.type,
          data: amended!.data,
          metadata: {
            actor: { personId: 'p-issuer', agencyCode: ISSUER },
            occurredAt: '2025-01-20T09:00:00+07:00',
          },
        },
      ],
      ExpectedVersion.any,
    );
    expect(await at(deadlineInstant('2025-02-05'))).toBe(2);
    expect(await timers()).toEqual([
      ['reminder', plus(deadlineInstant('2025-01-24'), -2)],
      ['lapse', deadlineInstant('2025-01-24')],
      ['escalation', deadlineInstant('2025-02-06')],
    ]);
    expect(await at(deadlineInstant('2025-02-06'))).toBe(1);
    expect((await deadlineEvents('w1')).map((e) => [e.type, e.occurredAt])).toEqual([
      ['DeadlineReminderSent', plus(deadlineInstant('2025-01-24'), -2)],
      ['DeadlineLapsed', deadlineInstant('2025-01-24')],
      ['DeadlineEscalated', deadlineInstant('2025-02-06')],
    ]);
  });

  it('a rebuilt projection does not fire again what was fired', async () => {
    await world.task(assign('t1', PLAN, '2025-06-30', lead, june(2)));
    expect(await at(plus(deadlineInstant('2025-06-30'), 1))).toBe(3);
    await world.runner().rebuildAll();
    expect(await at(plus(deadlineInstant('2025-06-30'), 2))).toBe(0);
    expect(await deadlineEvents('t1')).toHaveLength(3);
  });
}
