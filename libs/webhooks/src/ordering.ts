/**
 * Deliveries to one endpoint keep the order of one task's events: event n+1 of a task is not sent
 * before n was accepted. Task events live in the task's stream; reminders, lapses and escalations
 * live in streams of their own but name their task, so they queue behind (and ahead of) that
 * task's events too. Anything else (a plan issued) is ordered within its own stream.
 */
export function orderingKeyOf(event: { readonly streamId: string; readonly data: unknown }): string {
  const data = event.data as { readonly taskId?: unknown } | null;
  if (typeof data?.taskId === 'string' && data.taskId !== '') return `task-${data.taskId}`;
  return event.streamId;
}
