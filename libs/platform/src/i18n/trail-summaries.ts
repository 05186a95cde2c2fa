import type { AssigneeRole, TaskEvent } from '#libs/tasks';
import type { Language } from './languages.js';
import { translate } from './translate.js';

/** An agency's name by its code, or undefined for a code the directory does not know. */
export type AgencyNameOf = (code: string) => string | undefined;

/** "Sở LĐTBXH tỉnh Lai Châu (lc-so-ldtbxh)": people read the name, machines and search the code. */
export function agencyLabel(language: Language, code: string, nameOf: AgencyNameOf): string {
  const name = nameOf(code);
  return name === undefined ? code : translate(language, 'agency.named', { name, code });
}

/** A calendar date as people of the language write it: 31/12/2025 in Vietnamese, ISO in English. */
export function localDate(language: Language, date: string): string {
  const parts = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (language !== 'vi' || !parts) return date;
  return `${parts[3]}/${parts[2]}/${parts[1]}`;
}

/**
 * One line about a task event in the answer's language, agencies by name with their codes. The
 * trail stores the event's data, so a trail written before this existed reads the same way.
 */
export function trailSummary(
  language: Language,
  event: Pick<TaskEvent, 'type' | 'data'>,
  nameOf: AgencyNameOf,
): string {
  const agency = (code: string) => agencyLabel(language, code, nameOf);
  const role = (value: AssigneeRole) => translate(language, value === 'lead' ? 'role.lead' : 'role.support');
  const date = (value: string) => localDate(language, value);
  const e = event as TaskEvent;
  switch (e.type) {
    case 'TaskAssigned':
      return translate(language, 'trail.TaskAssigned', {
        assignees: e.data.assignees
          .map((a) =>
            translate(language, 'trail.TaskAssigned.assignee', {
              agency: agency(a.agencyCode),
              role: role(a.role),
            }),
          )
          .join(', '),
        dueDate: date(e.data.dueDate),
      });
    case 'TaskAcknowledged':
      return translate(language, 'trail.TaskAcknowledged', { agency: agency(e.data.agencyCode) });
    case 'ProgressReported':
      return translate(language, 'trail.ProgressReported', {
        agency: agency(e.data.agencyCode),
        text: truncate(e.data.text, 80),
      });
    case 'HandoffRequested':
    case 'HandoffAccepted':
    case 'HandoffDeclined':
    case 'HandoffWithdrawn':
    case 'HandoffSuperseded':
      return translate(language, `trail.${e.type}`, {
        from: agency(e.data.fromAgency),
        to: agency(e.data.toAgency),
        role: role(e.data.role),
      });
    case 'TaskReassigned':
      return translate(language, 'trail.TaskReassigned', {
        by: agency(e.data.byAgency),
        from: agency(e.data.fromAgency),
        to: agency(e.data.toAgency),
        role: role(e.data.role),
      });
    case 'ExtensionRequested':
      return translate(language, 'trail.ExtensionRequested', {
        agency: agency(e.data.agencyCode),
        from: date(e.data.currentDueDate),
        to: date(e.data.requestedDueDate),
      });
    case 'ExtensionGranted':
      return translate(language, 'trail.ExtensionGranted', {
        by: agency(e.data.byAgency),
        from: date(e.data.previousDueDate),
        to: date(e.data.dueDate),
      });
    case 'ExtensionDenied':
      return translate(language, 'trail.ExtensionDenied', {
        by: agency(e.data.byAgency),
        requested: date(e.data.requestedDueDate),
        dueDate: date(e.data.dueDate),
      });
    case 'CompletionSubmitted':
      return translate(language, 'trail.CompletionSubmitted', { agency: agency(e.data.agencyCode) });
    case 'CompletionAccepted':
    case 'CompletionReturned':
      return translate(language, `trail.${e.type}`, {
        by: agency(e.data.byAgency),
        agency: agency(e.data.agencyCode),
      });
    case 'TaskCompleted':
      return translate(language, 'trail.TaskCompleted');
    case 'TaskCancelled':
      return translate(language, 'trail.TaskCancelled', { by: agency(e.data.byAgency) });
    default: {
      const _exhaustive: never = e;
      return String((event as { type: string }).type);
    }
  }
}

/** Every agency code an answer mentions, with its name: `{ "lc-so-ldtbxh": "Sở Lao động - ..." }`. */
export function agencyNames(
  codes: Iterable<string | null | undefined>,
  nameOf: AgencyNameOf,
): Record<string, string> {
  const names: Record<string, string> = {};
  for (const code of codes) {
    if (!code || Object.hasOwn(names, code)) continue;
    const name = nameOf(code);
    if (name !== undefined) names[code] = name;
  }
  return names;
}

function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}
