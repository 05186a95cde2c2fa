import { foldTask } from '#libs/tasks';
import { actorForSucceededIssuer } from './successor-issuer.js';

const task = foldTask([
  {
    type: 'TaskAssigned',
    data: {
      taskId: 't1',
      planId: 'p1',
      title: 'Báo cáo',
      duty: 'Báo cáo kết quả',
      sourceClause: { section: 'IV', start: 0, end: 1 },
      dueDate: '2025-11-15',
      assignees: [{ agencyCode: 'lsc-phong-gddt', role: 'lead' }],
      issuerAgencyCode: 'lsc-ubnd-thanh-pho',
      kind: 'duty',
      reportYear: null,
      byAgency: 'lsc-ubnd-thanh-pho',
    },
  },
]);
const successorsOf = (code: string) =>
  code === 'lsc-ubnd-thanh-pho' ? [{ function: null, agencyCode: 'ls-ubnd-tinh' }] : [];

describe("the committee carrying on a dissolved committee's plans", () => {
  it('decides on its tasks as their issuer', () => {
    const actor = { personId: 'p', agencyCode: 'ls-ubnd-tinh', roles: ['issuer' as const] };
    expect(actorForSucceededIssuer(actor, task, successorsOf)).toEqual({
      ...actor,
      issuesFor: 'lsc-ubnd-thanh-pho',
    });
  });

  it('nobody else does: another committee, an officer, a task whose committee still exists', () => {
    const other = { personId: 'p', agencyCode: 'lc-ubnd-tinh', roles: ['issuer' as const] };
    expect(actorForSucceededIssuer(other, task, successorsOf)).toBe(other);
    const officer = { personId: 'p', agencyCode: 'ls-ubnd-tinh', roles: ['officer' as const] };
    expect(actorForSucceededIssuer(officer, task, successorsOf)).toBe(officer);
    const actor = { personId: 'p', agencyCode: 'ls-ubnd-tinh', roles: ['issuer' as const] };
    expect(actorForSucceededIssuer(actor, task, () => [])).toBe(actor);
  });
});
