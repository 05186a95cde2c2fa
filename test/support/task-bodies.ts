export interface Assignee {
  readonly agencyCode: string;
  readonly role: 'lead' | 'support' | 'requested';
}

/**
 * A valid `POST /tasks` body: a task of the issued plan `planId` (see ApiHarness.plan), due
 * 2025-11-30. Tests name what matters to them (taskId, assignees, title, due date...) and take the
 * rest as it is.
 */
export function assignmentBody(
  planId: string,
  taskId: string,
  assignees: readonly Assignee[],
  overrides: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    taskId,
    planId,
    title: 'Rà soát trẻ em có hoàn cảnh đặc biệt',
    duty: 'Chủ trì rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt',
    sourceClause: { section: 'V.2', start: 0, end: 10 },
    dueDate: '2025-11-30',
    assignees,
    ...overrides,
  };
}
