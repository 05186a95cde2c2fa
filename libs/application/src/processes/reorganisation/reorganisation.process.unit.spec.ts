import { readFileSync } from 'node:fs';
import type { ReorganisationScenario } from '#libs/agencies';
import { planStreamId, type PlanIssuedData, type ReportingCycleReassigned } from '#libs/plans';
import { InMemoryEventStore, fixedSystem } from '../../../test/support/in-memory-ports.js';
import { DirectoryAdministration } from '../directory/directory.process.js';
import { Reorganisations } from './reorganisation.process.js';

const OLD = 'lc-so-ldtbxh';
const PLAN = 'plan-lc';
const operator = { personId: 'p-operator', agencyCode: 'lc-ubnd-tinh', roles: ['issuer' as const] };

const scenario: ReorganisationScenario = {
  id: 'test-split',
  title: 'The Sở LĐTBXH split by function',
  effectiveDate: '2025-07-01',
  basis: { number: 'Nghị định số 45/2025/NĐ-CP', date: '2025-02-28', title: 'Tổ chức' },
  functions: {
    'child-protection': { name: 'Bảo vệ trẻ em', keywords: ['trẻ em'] },
    labour: { name: 'Lao động', keywords: ['việc làm'] },
  },
  changes: [
    {
      kind: 'split',
      agency: OLD,
      successors: [
        { function: 'child-protection', agencyCode: 'lc-so-y-te' },
        { function: 'labour', agencyCode: 'lc-so-noi-vu' },
      ],
    },
  ],
};

const report = (taskId: string, title: string, agencyCode: string, reportsTo?: string) => ({
  taskId,
  title,
  duty: title,
  sourceClause: { section: 'VI', start: 0, end: 10 },
  dueDate: '2026-11-30',
  assignees: [{ agencyCode, role: 'lead' as const }],
  ...(reportsTo ? { reportsTo } : {}),
});

const planIssued: PlanIssuedData = {
  planId: PLAN,
  number: '1/KH-UBND',
  documentType: 'KH',
  title: 'Kế hoạch bảo vệ trẻ em',
  issuerAgencyCode: 'lc-ubnd-tinh',
  jurisdiction: 'lai-chau',
  issuedOn: '2024-06-12',
  period: { fromYear: 2024, toYear: 2026 },
  contentHash: 'h',
  source: { fileName: null, mediaType: null },
  byAgency: 'lc-ubnd-tinh',
  indicators: [],
  reporting: {
    focalAgencyCode: OLD,
    consolidationLeadDays: 15,
    cycles: [
      {
        year: 2026,
        opensAt: '2025-12-31T17:00:00.000Z',
        openedWithPlan: false,
        tasks: [
          report('tong-hop-2026', 'Tổng hợp báo cáo bảo vệ trẻ em năm 2026', OLD),
          report('gddt-2026', 'Báo cáo năm 2026', 'lc-so-gddt', OLD),
        ],
      },
    ],
  },
};

/** A store whose first append to the directory fails, as a confirmation cut short there would. */
class InterruptedStore extends InMemoryEventStore {
  interrupt = true;
  override async append(...args: Parameters<InMemoryEventStore['append']>) {
    if (args[0] === 'directory' && this.interrupt) {
      this.interrupt = false;
      throw new Error('connection lost');
    }
    return super.append(...args);
  }
}

describe('confirming a reorganisation: yearly cycles not opened yet', () => {
  it('records one ReportingCycleReassigned per moved report; run again after an interruption, it records none twice', async () => {
    const store = new InterruptedStore();
    store.write(planStreamId(PLAN), [{ id: 'issued', type: 'PlanIssued', data: planIssued }]);
    const system = fixedSystem('2025-07-02T02:00:00.000Z');
    const directory = new DirectoryAdministration({
      store,
      seedText: readFileSync('libs/agencies/seed/directory.jsonl', 'utf8'),
      ids: system.ids,
      clock: system.clock,
    });
    const reorganisations = new Reorganisations({
      store,
      directory,
      reads: {
        openTaskIdsConcerning: () => Promise.resolve([]),
        plansIssuedBy: () => Promise.resolve([]),
        pendingCyclesConcerning: () => Promise.resolve([{ planId: PLAN, year: 2026 }]),
      },
      ids: system.ids,
      clock: system.clock,
    });

    const draft = await reorganisations.draft(scenario);
    expect(draft.cycles.map((c) => [c.taskId, c.responsibility, c.toAgency])).toEqual([
      ['tong-hop-2026', 'assignee', 'lc-so-y-te'],
      ['gddt-2026', 'reportsTo', 'lc-so-y-te'],
    ]);
    await expect(reorganisations.confirm(scenario, {}, operator)).rejects.toThrow('connection lost');
    const recorded = () =>
      (store.streams.get(planStreamId(PLAN)) ?? [])
        .filter((e) => e.type === 'ReportingCycleReassigned')
        .map((e) => e.data as ReportingCycleReassigned['data']);
    expect(recorded()).toEqual([
      expect.objectContaining({
        planId: PLAN,
        year: 2026,
        taskId: 'tong-hop-2026',
        responsibility: 'assignee',
        fromAgency: OLD,
        toAgency: 'lc-so-y-te',
        issuerAgencyCode: 'lc-ubnd-tinh',
        effectiveDate: '2025-07-01',
        reason:
          'responsibility passed to Sở Y tế tỉnh Lai Châu by decision Nghị định số 45/2025/NĐ-CP of 2025-02-28, effective 2025-07-01',
        reorganisationId: 'test-split',
      }),
      expect.objectContaining({ taskId: 'gddt-2026', responsibility: 'reportsTo', toAgency: 'lc-so-y-te' }),
    ]);

    // Run again: the plan no longer names the old body in its cycle, so nothing is drafted or
    // recorded twice; the directory's succession completes the reorganisation.
    expect((await reorganisations.draft(scenario)).cycles).toEqual([]);
    const again = await reorganisations.confirm(scenario, {}, operator);
    expect(again.cycleResponsibilitiesMoved).toBe(0);
    expect(recorded()).toHaveLength(2);
    await expect(reorganisations.draft(scenario)).rejects.toMatchObject({
      code: 'reorganisation.already-applied',
    });
  });
});
