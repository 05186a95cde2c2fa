import type { CoordCloudEvent } from '#libs/fanout';

/**
 * One readable line per event:
 *   2025-06-03T02:00:01.000Z  #1234  TaskAssigned        task-…  by lc-ubnd-tinh  "Title", due 2025-11-30
 */
export function formatEventLine(envelope: CoordCloudEvent): string {
  const data = (typeof envelope.data === 'object' && envelope.data !== null ? envelope.data : {}) as Record<
    string,
    unknown
  >;
  const details: string[] = [];
  const text = (name: string): string | undefined =>
    typeof data[name] === 'string' ? data[name] : undefined;
  const title = text('title');
  if (title) details.push(JSON.stringify(title));
  const from = text('fromAgency');
  const to = text('toAgency');
  if (from && to) details.push(`${from} -> ${to}`);
  else if (text('agencyCode')) details.push(`agency ${text('agencyCode')}`);
  const due = text('requestedDueDate') ?? text('dueDate');
  if (due) details.push(`due ${due}`);
  const reason = text('reason');
  if (reason) details.push(`reason: ${reason}`);
  return [
    envelope.time,
    `#${envelope.coordposition}`,
    envelope.coordeventtype.padEnd(19),
    envelope.subject,
    `by ${envelope.coordactoragency}`,
    ...(details.length > 0 ? [details.join(', ')] : []),
  ].join('  ');
}

/** `--json`: the CloudEvents envelope, one JSON document per line. */
export function formatEventJson(envelope: CoordCloudEvent): string {
  return JSON.stringify(envelope);
}
