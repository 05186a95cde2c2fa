import type { AgencyDirectory } from '#libs/agencies';
import { agencyNames, trailSummary, type Language } from '#libs/platform';
import type { TaskView, TrailEntry } from '#libs/projections';
import type { TaskEvent } from '#libs/tasks';

/** Agencies in a sentence go by their short name ("Sở LĐTBXH"), their code beside it. */
const shortNameIn = (directory: AgencyDirectory) => (code: string) => {
  const agency = directory.get(code);
  return agency ? (agency.shortName ?? agency.name) : undefined;
};
const fullNameIn = (directory: AgencyDirectory) => (code: string) => directory.get(code)?.name;

/**
 * A trail in the answer's language: each summary from the entry's recorded data (so entries
 * written before summaries were translated read the same), and the full name of every agency
 * the trail names, by code.
 */
export function trailAnswer(
  entries: readonly TrailEntry[],
  language: Language,
  directory: AgencyDirectory,
): { entries: TrailEntry[]; agencyNames: Record<string, string> } {
  const localised = entries.map((entry) => ({
    ...entry,
    summary: trailSummary(
      language,
      { type: entry.type, data: entry.data } as unknown as TaskEvent,
      shortNameIn(directory),
    ),
  }));
  const codes = entries.flatMap((entry) => [
    entry.actorAgencyCode,
    entry.agencyCode,
    entry.toAgencyCode,
    entry.responsibleAgency,
    ...entry.concernedAgencies,
    ...codesIn(entry.data),
  ]);
  return { entries: localised, agencyNames: agencyNames(codes, fullNameIn(directory)) };
}

/** A task with the full name of every agency it names (issuer, assignees, handoffs), by code. */
export function taskAnswer<Task extends TaskView>(
  task: Task,
  directory: AgencyDirectory,
): Task & { agencyNames: Record<string, string> } {
  const codes = [
    task.issuerAgencyCode,
    task.responsibleAgency,
    ...task.assignees.map((a) => a.agencyCode),
    ...task.handoffs.flatMap((h) => [h.fromAgency, h.toAgency]),
  ];
  return { ...task, agencyNames: agencyNames(codes, fullNameIn(directory)) };
}

/** The agency codes an event's data names (byAgency, assignees of a TaskAssigned, ...). */
function codesIn(data: Readonly<Record<string, unknown>>): string[] {
  const codes: string[] = [];
  for (const key of ['byAgency', 'agencyCode', 'fromAgency', 'toAgency', 'issuerAgencyCode', 'reportsTo']) {
    const value = data[key];
    if (typeof value === 'string') codes.push(value);
  }
  if (Array.isArray(data.assignees))
    for (const assignee of data.assignees as { agencyCode?: unknown }[])
      if (typeof assignee.agencyCode === 'string') codes.push(assignee.agencyCode);
  return codes;
}
