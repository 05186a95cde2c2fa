import {
  ASSIGNEES,
  HEALTH,
  ISSUER,
  LEAD,
  REQUESTED,
  SUPPORT,
  assignTask,
  focalPointIssuer,
  otherIssuer,
  nobodyOf,
  officerOf,
  spec,
  taskAssigned,
} from './testing/task.fixtures.js';

describe('AssignTask', () => {
  describe('when the task does not exist yet', () => {
    it('records the assignment with every assignee', () => {
      spec.given([]).when(assignTask()).then([taskAssigned()]);
    });

    it('records a yearly report duty with its year', () => {
      spec
        .given([])
        .when(assignTask({ kind: 'report', reportYear: 2024 }))
        .then([taskAssigned({ kind: 'report', reportYear: 2024 })]);
    });

    it('accepts assignees without a lead', () => {
      const assignees = [
        { agencyCode: SUPPORT, role: 'support' as const },
        { agencyCode: REQUESTED, role: 'requested' as const },
      ];
      spec
        .given([])
        .when(assignTask({ assignees }))
        .then([taskAssigned({ assignees })]);
    });

    it('stores text trimmed and in NFC', () => {
      const nfd = '  Báo cáo định kỳ  '.normalize('NFD');
      spec
        .given([])
        .when(assignTask({ title: nfd, duty: nfd }))
        .then([
          taskAssigned({
            title: 'Báo cáo định kỳ'.normalize('NFC'),
            duty: 'Báo cáo định kỳ'.normalize('NFC'),
          }),
        ]);
    });

    it('records the agency the issuer acted for', () => {
      spec
        .given([])
        .when(assignTask({}, focalPointIssuer))
        .then([taskAssigned({ byAgency: LEAD })]);
    });

    it('opens the task with every assignee not yet acknowledged', () => {
      const state = spec.given([]).when(assignTask()).then([taskAssigned()]);
      expect(state).toMatchObject({
        status: 'open',
        dueDate: '2024-11-30',
        issuerAgencyCode: ISSUER,
        assignees: ASSIGNEES.map((a) => ({ ...a, status: 'assigned' })),
        handoffs: [],
        extensions: [],
      });
    });
  });

  describe('when the same assignment is sent again', () => {
    it('changes nothing', () => {
      spec.given([taskAssigned()]).when(assignTask()).thenNothing();
    });

    it('changes nothing even if another issuer of the committee sends it', () => {
      spec.given([taskAssigned()]).when(assignTask({}, focalPointIssuer)).thenNothing();
    });
  });

  describe('when the issuer assigns for another committee', () => {
    it('refuses it as forbidden', () => {
      spec.given([]).when(assignTask({}, otherIssuer)).thenThrows('task.forbidden', 'forbidden');
    });
  });

  describe('when the task already exists with a different assignment', () => {
    it('refuses it as already existing', () => {
      spec
        .given([taskAssigned()])
        .when(assignTask({ dueDate: '2024-12-31' }))
        .thenThrows('task.already-exists', 'conflict');
    });
  });

  describe('when the actor is not an issuer', () => {
    it('refuses an officer, even of the issuing agency', () => {
      spec
        .given([])
        .when(assignTask({}, officerOf(ISSUER)))
        .thenThrows('task.forbidden', 'forbidden');
    });

    it('refuses an actor with no role', () => {
      spec
        .given([])
        .when(assignTask({}, nobodyOf(ISSUER)))
        .thenThrows('task.forbidden');
    });
  });

  describe('when the input is invalid', () => {
    it.each([
      ['no assignee', { assignees: [] }],
      [
        'two leads',
        {
          assignees: [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: HEALTH, role: 'lead' },
          ],
        },
      ],
      [
        'the same agency twice',
        {
          assignees: [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: LEAD, role: 'support' },
          ],
        },
      ],
      ['an unknown role', { assignees: [{ agencyCode: LEAD, role: 'owner' }] }],
      ['a blank agency code', { assignees: [{ agencyCode: ' ', role: 'lead' }] }],
      ['a blank title', { title: '   ' }],
      ['a blank duty', { duty: '' }],
      ['a due date that is not a date', { dueDate: '30/11/2024' }],
      ['a due date that does not exist', { dueDate: '2024-02-30' }],
      ['a report without its year', { kind: 'report' }],
      ['an unknown kind', { kind: 'memo' }],
      ['a source span that ends before it starts', { sourceClause: { section: 'V.1', start: 10, end: 5 } }],
      ['a source clause without section', { sourceClause: { section: '', start: 0, end: 5 } }],
      ['a negative source offset', { sourceClause: { section: 'V.1', start: -1, end: 5 } }],
      ['a blank plan id', { planId: '' }],
      ['a blank issuer agency', { issuerAgencyCode: '' }],
      ['an impossible report year', { kind: 'report', reportYear: 24 }],
    ])('refuses %s', (_, data) => {
      spec
        .given([])
        .when(assignTask(data as Parameters<typeof assignTask>[0]))
        .thenThrows('validation', 'invalid');
    });
  });
});
