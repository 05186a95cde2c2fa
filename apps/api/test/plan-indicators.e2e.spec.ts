import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';
const LAI_CHAU = readFileSync(
  join(process.cwd(), 'libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt'),
  'utf8',
);

interface Standing {
  indicatorId: string;
  name: string;
  unit: string;
  baseline: number | null;
  years: {
    year: number;
    target: number | null;
    latest: { value: number; agencyCode: string } | null;
    byAgency: { value: number; agencyCode: string }[];
  }[];
}

/**
 * The Lai Châu seed plan's indicator targets survive confirmation; progress values are taken only
 * for its indicators, in their units; GET /plans/{id}/indicators reads the latest value per year.
 */
describe.each<Backend>(['pglite', 'postgres'])('plan indicators on %s', (backend) => {
  let api: ApiHarness;
  let planId: string;
  let taskId: string;
  let lead: string;

  beforeAll(async () => {
    api = await startApi(backend);
    const imported = await fetch(`${api.url}/plans/import?fileName=laichau-2024-ct28-kh.txt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ISSUER}`, 'content-type': 'text/plain; charset=utf-8' },
      body: LAI_CHAU,
    });
    expect(imported.status).toBe(201);
    const draft = (await imported.json()) as {
      draftId: string;
      planId: string;
      indicators: unknown[];
      tasks: { taskId: string; kind: string; assignees: { agencyCode: string; role: string }[] }[];
    };
    expect(draft.indicators).toHaveLength(23);
    const confirmed = await api.request('POST', `/plans/drafts/${draft.draftId}/confirm`, ISSUER, {});
    expect(confirmed.status).toBe(201);
    planId = draft.planId;
    const duty = draft.tasks.find((t) => t.kind === 'duty' && t.assignees.some((a) => a.role === 'lead'))!;
    taskId = duty.taskId;
    lead = duty.assignees.find((a) => a.role === 'lead')!.agencyCode;
    await api.request('GET', `/plans/${planId}?minPosition=${String(confirmed.body.position)}`, ISSUER);
  });

  afterAll(async () => {
    await api?.close();
  });

  async function indicators(token: string, query = ''): Promise<Standing[]> {
    const answer = await api.request('GET', `/plans/${planId}/indicators${query}`, token);
    expect(answer.status).toBe(200);
    return answer.body.indicators as Standing[];
  }

  it('keeps the 23 targets of the plan, by indicator and year, in percent', async () => {
    const kept = await indicators(INSPECTOR);
    const targets = kept.flatMap((i) => i.years.filter((y) => y.target !== null));
    expect(targets).toHaveLength(23);
    expect(kept.every((i) => i.unit === 'percent' && i.baseline === null)).toBe(true);
    expect(kept.every((i) => i.years.every((y) => y.latest === null))).toBe(true);
    expect(kept[0]!.indicatorId).toBe('chi-tieu-1');
  });

  it.each([
    [{ indicator: 'chi-tieu-bia-dat', value: 5 }, '/indicatorValues/0/indicator'],
    [{ indicator: 'chi-tieu-1', value: -5 }, '/indicatorValues/0/value'],
    [{ indicator: 'chi-tieu-1', value: 140 }, '/indicatorValues/0/value'],
  ])('refuses %j with a pointer, recording nothing', async (value, pointer) => {
    const answer = await api.request('POST', `/tasks/${taskId}/progress`, `demo.officer.${lead}`, {
      text: 'Báo cáo kết quả',
      indicatorValues: [value],
    });
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors).toEqual([expect.objectContaining({ pointer })]);
  });

  it('records a value of the plan and shows it against the target of its year, per agency', async () => {
    const before = new Date().toISOString();
    const answer = await api.request('POST', `/tasks/${taskId}/progress`, `demo.officer.${lead}`, {
      text: 'Báo cáo kết quả năm',
      indicatorValues: [{ indicator: 'chi-tieu-1', value: 72.5 }],
    });
    expect(answer.status).toBe(200);
    // Only the assignment was recorded before: the refused reports wrote nothing.
    expect(answer.body.streamVersion).toBe(2);
    const year = new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const kept = await indicators(INSPECTOR, `?minPosition=${String(answer.body.position)}`);
    const row = kept[0]!.years.find((y) => y.year === year)!;
    expect(row.latest).toMatchObject({ value: 72.5, agencyCode: lead, taskId });
    expect(row.byAgency).toEqual([expect.objectContaining({ value: 72.5, agencyCode: lead })]);

    // As of before the report, there was no value yet.
    const earlier = await indicators(INSPECTOR, `?validAt=${encodeURIComponent(before)}`);
    expect(earlier[0]!.years.find((y) => y.year === year)!.latest).toBeNull();
  });

  it('is not found for a reader who may not read the plan', async () => {
    const answer = await api.request('GET', `/plans/${planId}/indicators`, 'demo.issuer.lsc-ubnd-thanh-pho');
    expect(answer.status).toBe(404);
  });
});
