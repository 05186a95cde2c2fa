import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const OFFICER = 'demo.officer.lc-so-y-te';

/** The public holiday calendar over HTTP: the shipped table, amended by an issuer as an event. */
describe.each<Backend>(['pglite', 'postgres'])('holiday calendar on %s', (backend) => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi(backend, {}, { worker: false });
  });

  afterAll(async () => {
    await api?.close();
  });

  it('answers the shipped days off of a year, Tết by the lunar calendar', async () => {
    const answer = await api.request('GET', '/calendar/holidays?year=2026', OFFICER);
    expect(answer.status).toBe(200);
    const dates = (answer.body.holidays as { date: string }[]).map((h) => h.date);
    expect(dates).toEqual(
      expect.arrayContaining(['2026-01-01', '2026-02-16', '2026-02-17', '2026-04-26', '2026-09-02']),
    );
    expect(answer.body.amendments).toEqual([]);
  });

  it('an issuer adds a day off; working days are counted over it; an officer may not amend', async () => {
    const before = await api.request('GET', '/calendar/working-days?from=2025-04-29&to=2025-05-09', OFFICER);
    expect(before.body.workingDays).toBe(6);

    const refused = await api.request('POST', '/calendar/holidays', OFFICER, {
      action: 'add',
      date: '2025-05-02',
      reason: 'Hoán đổi ngày làm việc',
    });
    expect(refused.status).toBe(403);

    const bad = await api.request('POST', '/calendar/holidays', ISSUER, {
      action: 'add',
      date: '2025-02-30',
      reason: 'x',
    });
    expect(bad.status).toBe(422);
    expect(bad.body.errors).toEqual([expect.objectContaining({ pointer: '/date' })]);

    const added = await api.request('POST', '/calendar/holidays', ISSUER, {
      action: 'add',
      date: '2025-05-02',
      name: 'Nghỉ hoán đổi',
      reason: 'Hoán đổi ngày làm việc',
    });
    expect(added.status).toBe(200);
    expect(added.body.events).toEqual([expect.objectContaining({ type: 'HolidayAmended' })]);

    const after = await api.request('GET', '/calendar/working-days?from=2025-04-29&to=2025-05-09', OFFICER);
    expect(after.body.workingDays).toBe(5);
    const year = await api.request('GET', '/calendar/holidays?year=2025', OFFICER);
    expect(year.body.holidays).toEqual(
      expect.arrayContaining([{ date: '2025-05-02', name: 'Nghỉ hoán đổi' }]),
    );
    expect(year.body.amendments).toEqual([expect.objectContaining({ action: 'add', date: '2025-05-02' })]);
  });
});
