import { describe, expect, it } from '@jest/globals';
import { createSeedDirectory } from '../seed/index.js';
import { draftReorganisation, ReorganisationError, withDecisions } from './reorganisation.decider.js';
import type {
  OpenTask,
  PendingCycle,
  ReorganisationChange,
  ReorganisationScenario,
} from './reorganisation.types.js';

const directory = createSeedDirectory();
const basis = { number: 'Quyết định số 1/QĐ-UBND', date: '2025-06-20', title: 'Test decision' };

function scenario(
  changes: ReorganisationChange[],
  extra: Partial<ReorganisationScenario> = {},
): ReorganisationScenario {
  return {
    id: 'test-reorganisation',
    title: 'Test',
    effectiveDate: '2025-07-01',
    basis,
    functions: {
      'child-protection': { name: 'Bảo vệ trẻ em', keywords: ['trẻ em', 'xâm hại'] },
      labour: { name: 'Lao động', keywords: ['lao động', 'việc làm', 'học nghề'] },
    },
    changes,
    ...extra,
  };
}

function task(
  id: string,
  duty: string,
  assignees: OpenTask['assignees'],
  pendingHandoffs: OpenTask['pendingHandoffs'] = [],
): OpenTask {
  return {
    taskId: id,
    planId: 'plan-1',
    title: duty,
    duty,
    kind: 'duty',
    dueDate: '2025-12-31',
    issuerAgencyCode: 'lc-ubnd-tinh',
    assignees,
    pendingHandoffs,
  };
}

const lead = (agencyCode: string, completed = false) => ({ agencyCode, role: 'lead' as const, completed });
const support = (agencyCode: string) => ({ agencyCode, role: 'support' as const, completed: false });

describe('reorganisation decider', () => {
  it('merge: A and B become C, every open assignment of both passes to C with the decision in its reason', () => {
    const draft = draftReorganisation(
      scenario(
        [{ kind: 'merge', agencies: ['lc-so-khdt', 'lc-so-tai-chinh'], into: 'lc-so-tai-chinh-moi' }],
        {
          agencies: [
            {
              code: 'lc-so-tai-chinh-moi',
              name: 'Sở Tài chính (mới) tỉnh Lai Châu',
              level: 'department',
              parentCode: 'lc-ubnd-tinh',
              jurisdiction: 'lai-chau',
              aliases: [],
            },
          ],
        },
      ),
      {
        directory,
        openTasks: [
          task('t1', 'Bố trí kinh phí', [lead('lc-so-tai-chinh'), support('lc-so-khdt')]),
          task('t2', 'Đầu tư', [lead('lc-so-khdt')]),
        ],
        openPlans: [],
      },
    );
    expect(draft.successions.map((s) => [s.code, s.kind, s.successors])).toEqual([
      ['lc-so-khdt', 'merge', [{ function: null, agencyCode: 'lc-so-tai-chinh-moi' }]],
      ['lc-so-tai-chinh', 'merge', [{ function: null, agencyCode: 'lc-so-tai-chinh-moi' }]],
    ]);
    expect(draft.newAgencies.map((a) => a.code)).toEqual(['lc-so-tai-chinh-moi']);
    // t1: both pass to C; the second merges into the first (C keeps the lead).
    expect(draft.moves.map((m) => [m.taskId, m.fromAgency, m.toAgency, m.merges])).toEqual([
      ['t1', 'lc-so-tai-chinh', 'lc-so-tai-chinh-moi', false],
      ['t1', 'lc-so-khdt', 'lc-so-tai-chinh-moi', true],
      ['t2', 'lc-so-khdt', 'lc-so-tai-chinh-moi', false],
    ]);
    expect(draft.needsDecision).toEqual([]);
    expect(draft.moves[0]?.reason).toBe(
      'responsibility passed to Sở Tài chính (mới) tỉnh Lai Châu by decision Quyết định số 1/QĐ-UBND of 2025-06-20, effective 2025-07-01',
    );
    expect(draft.timers).toHaveLength(3);
  });

  it('absorb: A into B; a completed assignment stays with A (closed history)', () => {
    const draft = draftReorganisation(
      scenario([{ kind: 'absorb', agency: 'lc-so-tttt', into: 'lc-so-vhttdl' }]),
      {
        directory,
        openTasks: [
          task('t1', 'Truyền thông', [lead('lc-so-tttt')]),
          task('t2', 'Báo cáo', [lead('lc-so-gddt'), { ...support('lc-so-tttt'), completed: true }]),
        ],
        openPlans: [],
      },
    );
    expect(draft.moves.map((m) => [m.taskId, m.fromAgency, m.toAgency, m.function])).toEqual([
      ['t1', 'lc-so-tttt', 'lc-so-vhttdl', null],
    ]);
    expect(draft.summary).toMatchObject({ duties: 1, needsDecision: 0 });
  });

  it('split by named function: each duty to the successor of its function, the unclear ones to a person', () => {
    const draft = draftReorganisation(
      scenario([
        {
          kind: 'split',
          agency: 'lc-so-ldtbxh',
          successors: [
            { function: 'child-protection', agencyCode: 'lc-so-y-te' },
            { function: 'labour', agencyCode: 'lc-so-noi-vu' },
          ],
        },
      ]),
      {
        directory,
        openTasks: [
          task('t1', 'Phòng ngừa xâm hại trẻ em', [lead('lc-so-ldtbxh')]),
          task('t2', 'Hỗ trợ học nghề, việc làm', [lead('lc-so-ldtbxh')]),
          task('t3', 'Tổng hợp, báo cáo kết quả thực hiện Kế hoạch', [lead('lc-so-ldtbxh')]),
          task('t4', 'Việc làm cho trẻ em lao động sớm', [lead('lc-so-ldtbxh')]),
        ],
        openPlans: [],
      },
    );
    expect(draft.moves.map((m) => [m.taskId, m.toAgency, m.function])).toEqual([
      ['t1', 'lc-so-y-te', 'child-protection'],
      ['t2', 'lc-so-noi-vu', 'labour'],
      ['t4', 'lc-so-noi-vu', 'labour'],
    ]);
    expect(draft.needsDecision).toEqual([
      expect.objectContaining({
        taskId: 't3',
        why: 'function-unclear',
        candidates: ['lc-so-y-te', 'lc-so-noi-vu'],
      }),
    ]);

    const decided = withDecisions(
      draft,
      { 't3/lc-so-ldtbxh': 'lc-so-y-te' },
      [task('t3', 'Tổng hợp', [lead('lc-so-ldtbxh')])],
      directory,
    );
    expect(decided.needsDecision).toEqual([]);
    expect(decided.moves.at(-1)).toMatchObject({
      taskId: 't3',
      toAgency: 'lc-so-y-te',
      decidedByPerson: true,
    });
    expect(() => withDecisions(draft, { 't3/lc-so-ldtbxh': 'lc-so-tu-phap' }, [], directory)).toThrow(
      ReorganisationError,
    );
    expect(() => withDecisions(draft, { 't1/lc-so-ldtbxh': 'lc-so-y-te' }, [], directory)).toThrow(
      /not a duty the draft leaves/,
    );
  });

  it('dissolve with a successor per function: a handoff pending to the dissolved body is offered to the successor', () => {
    const draft = draftReorganisation(
      scenario([
        {
          kind: 'dissolve',
          agency: 'lc-so-ldtbxh',
          successors: [{ function: 'child-protection', agencyCode: 'lc-so-y-te' }],
        },
      ]),
      {
        directory,
        openTasks: [
          task(
            't1',
            'Can thiệp, hỗ trợ trẻ em bị xâm hại',
            [lead('lc-so-gddt')],
            [
              {
                handoffId: 'h1',
                fromAgency: 'lc-so-gddt',
                toAgency: 'lc-so-ldtbxh',
                role: 'lead',
                reason: 'Thuộc chức năng',
              },
            ],
          ),
          // A report names no function; the handoff's reason does.
          task(
            't3',
            'Báo cáo kết quả thực hiện Kế hoạch',
            [lead('lc-so-vhttdl')],
            [
              {
                handoffId: 'h3',
                fromAgency: 'lc-so-vhttdl',
                toAgency: 'lc-so-ldtbxh',
                role: 'lead',
                reason: 'Thuộc lĩnh vực bảo vệ trẻ em',
              },
            ],
          ),
          task('t2', 'Giải quyết việc làm', [lead('lc-so-ldtbxh')]),
        ],
        openPlans: [],
      },
    );
    expect(draft.handoffs).toEqual([
      expect.objectContaining({
        taskId: 't1',
        handoffId: 'h1',
        toAgency: 'lc-so-ldtbxh',
        redirectedTo: 'lc-so-y-te',
      }),
      expect.objectContaining({ taskId: 't3', handoffId: 'h3', redirectedTo: 'lc-so-y-te' }),
    ]);
    // Labour has no successor in this dissolve: a person decides.
    expect(draft.needsDecision).toEqual([
      expect.objectContaining({ taskId: 't2', why: 'no-successor-for-function' }),
    ]);
    expect(draft.moves).toEqual([]);
  });

  it('issuer dissolved with plans open: its plans pass to the successor committee, its own duties too', () => {
    const draft = draftReorganisation(
      scenario([{ kind: 'issuer-dissolved', agency: 'lsc-ubnd-thanh-pho', successor: 'ls-ubnd-tinh' }]),
      {
        directory,
        openTasks: [task('t1', 'Chỉ đạo', [lead('lsc-ubnd-thanh-pho')])],
        openPlans: [
          { planId: 'plan-lsc', title: 'Kế hoạch', issuerAgencyCode: 'lsc-ubnd-thanh-pho' },
          { planId: 'plan-lc', title: 'Other', issuerAgencyCode: 'lc-ubnd-tinh' },
        ],
      },
    );
    expect(draft.plans).toEqual([
      expect.objectContaining({
        planId: 'plan-lsc',
        fromIssuer: 'lsc-ubnd-thanh-pho',
        toIssuer: 'ls-ubnd-tinh',
        effectiveDate: '2025-07-01',
      }),
    ]);
    expect(draft.moves.map((m) => [m.taskId, m.toAgency])).toEqual([['t1', 'ls-ubnd-tinh']]);
  });

  it('refuses a scenario naming an unknown body, with the pointer, and one already applied', () => {
    expect(() =>
      draftReorganisation(scenario([{ kind: 'absorb', agency: 'lc-nope', into: 'lc-so-y-te' }]), {
        directory,
        openTasks: [],
        openPlans: [],
      }),
    ).toThrow(expect.objectContaining({ code: 'validation', details: { pointer: '/changes/0/agency' } }));
    expect(() =>
      draftReorganisation(
        scenario([
          {
            kind: 'split',
            agency: 'lc-so-ldtbxh',
            successors: [{ function: 'labour', agencyCode: 'lc-so-noi-vu' }],
          },
        ]),
        { directory, openTasks: [], openPlans: [] },
      ),
    ).toThrow(/at least two successors/);
    const applied = {
      get: directory.get.bind(directory),
      successionOf: (code: string) => (code === 'lc-so-tttt' ? { reorganisationId: 'earlier' } : undefined),
    };
    expect(() =>
      draftReorganisation(scenario([{ kind: 'absorb', agency: 'lc-so-tttt', into: 'lc-so-vhttdl' }]), {
        directory: applied,
        openTasks: [],
        openPlans: [],
      }),
    ).toThrow(expect.objectContaining({ code: 'reorganisation.already-applied' }));
  });

  describe('yearly reporting cycles not opened yet', () => {
    const split = scenario([
      {
        kind: 'split',
        agency: 'lc-so-ldtbxh',
        successors: [
          { function: 'child-protection', agencyCode: 'lc-so-y-te' },
          { function: 'labour', agencyCode: 'lc-so-noi-vu' },
        ],
      },
    ]);
    const cycleTask = (
      taskId: string,
      title: string,
      assignee: string,
      reportsTo: string | null,
    ): PendingCycle['tasks'][number] => ({
      taskId,
      title,
      duty: title,
      dueDate: '2026-11-16',
      assignees: [{ agencyCode: assignee, role: 'lead' }],
      reportsTo,
    });
    const cycle = (year: number, consolidation: string): PendingCycle => ({
      planId: 'plan-1',
      year,
      opensAt: `${year - 1}-12-31T17:00:00.000Z`,
      tasks: [
        cycleTask(`tong-hop-${year}`, consolidation, 'lc-so-ldtbxh', null),
        cycleTask(`gddt-${year}`, `Báo cáo năm ${year} (qua Sở LĐTBXH)`, 'lc-so-gddt', 'lc-so-ldtbxh'),
        cycleTask(
          `cong-an-${year}`,
          `Báo cáo năm ${year} (qua Sở LĐTBXH)`,
          'lc-cong-an-tinh',
          'lc-so-ldtbxh',
        ),
        cycleTask(`tu-phap-${year}`, `Báo cáo năm ${year} của Sở Tư pháp`, 'lc-so-tu-phap', null),
      ],
    });
    // 2026: the consolidation names child protection; 2027: it names no function.
    const cycles = [
      cycle(2026, 'Tổng hợp báo cáo kết quả bảo vệ trẻ em năm 2026'),
      cycle(2027, 'Tổng hợp báo cáo kết quả thực hiện Kế hoạch năm 2027'),
    ];
    const world = { directory, openTasks: [], openPlans: [], pendingCycles: cycles };

    it("routes the old body's reports by function, and the parties' reports to it follow its consolidation; the undecidable to a person", () => {
      const draft = draftReorganisation(split, world);
      expect(
        draft.cycles.map((c) => [c.year, c.taskId, c.responsibility, c.role, c.toAgency, c.function]),
      ).toEqual([
        [2026, 'tong-hop-2026', 'assignee', 'lead', 'lc-so-y-te', 'child-protection'],
        [2026, 'gddt-2026', 'reportsTo', null, 'lc-so-y-te', 'child-protection'],
        [2026, 'cong-an-2026', 'reportsTo', null, 'lc-so-y-te', 'child-protection'],
      ]);
      expect(draft.cycles.every((c) => c.fromAgency === 'lc-so-ldtbxh' && !c.decidedByPerson)).toBe(true);
      expect(draft.cycles[0]?.reason).toBe(
        'responsibility passed to Sở Y tế tỉnh Lai Châu by decision Quyết định số 1/QĐ-UBND of 2025-06-20, effective 2025-07-01',
      );
      // 2027: one decision, for the consolidation; the parties' reports wait for it.
      expect(draft.needsDecision).toEqual([
        expect.objectContaining({
          taskId: 'tong-hop-2027',
          planId: 'plan-1',
          fromAgency: 'lc-so-ldtbxh',
          role: 'lead',
          cycle: { year: 2027, responsibility: 'assignee' },
          why: 'function-unclear',
          candidates: ['lc-so-y-te', 'lc-so-noi-vu'],
        }),
      ]);
      expect(draft.summary).toMatchObject({ cycleReports: 3, needsDecision: 1, duties: 0, reports: 0 });
    });

    it("applies a person's decision to the consolidation and the reports that go to it, and refuses one outside the candidates", () => {
      const draft = draftReorganisation(split, world);
      const decided = withDecisions(
        draft,
        { 'tong-hop-2027/lc-so-ldtbxh': 'lc-so-noi-vu' },
        [],
        directory,
        world.pendingCycles,
      );
      expect(decided.needsDecision).toEqual([]);
      expect(
        decided.cycles
          .filter((c) => c.year === 2027)
          .map((c) => [c.taskId, c.responsibility, c.toAgency, c.function, c.decidedByPerson]),
      ).toEqual([
        ['tong-hop-2027', 'assignee', 'lc-so-noi-vu', 'labour', true],
        ['gddt-2027', 'reportsTo', 'lc-so-noi-vu', 'labour', true],
        ['cong-an-2027', 'reportsTo', 'lc-so-noi-vu', 'labour', true],
      ]);
      expect(decided.summary.cycleReports).toBe(6);
      // No open task moves for them: a cycle's reports are not assigned yet.
      expect(decided.moves).toEqual([]);
      expect(decided.timers).toEqual([]);
      expect(() =>
        withDecisions(draft, { 'tong-hop-2027/lc-so-ldtbxh': 'lc-so-tu-phap' }, [], directory, cycles),
      ).toThrow(ReorganisationError);
    });

    it('a focal agency without a report of its own in the cycle: each report to it is routed by its words', () => {
      const lone: PendingCycle = {
        ...cycles[0]!,
        tasks: [
          cycleTask('a', 'Báo cáo phòng, chống xâm hại trẻ em', 'lc-so-gddt', 'lc-so-ldtbxh'),
          cycleTask('b', 'Báo cáo năm 2026', 'lc-cong-an-tinh', 'lc-so-ldtbxh'),
        ],
      };
      const draft = draftReorganisation(split, { ...world, pendingCycles: [lone] });
      expect(draft.cycles.map((c) => [c.taskId, c.responsibility, c.toAgency])).toEqual([
        ['a', 'reportsTo', 'lc-so-y-te'],
      ]);
      expect(draft.needsDecision).toEqual([
        expect.objectContaining({
          taskId: 'b',
          role: null,
          cycle: { year: 2026, responsibility: 'reportsTo' },
        }),
      ]);
    });

    it('leaves the cycles of bodies the scenario does not touch as they are', () => {
      const draft = draftReorganisation(
        scenario([{ kind: 'absorb', agency: 'lc-so-khdt', into: 'lc-so-tai-chinh' }]),
        world,
      );
      expect(draft.cycles).toEqual([]);
      expect(draft.needsDecision).toEqual([]);
    });
  });
});
