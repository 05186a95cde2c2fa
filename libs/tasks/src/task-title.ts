import { toNfc } from '#libs/shared-kernel';
import type { SourceClause, TaskKind } from './task.types.js';

/** How a task is named to people: a short title, the plan's clause beside it, and its source. */
export interface TaskTitle {
  /** What is to be done, in a few words: from the duty's own text for a duty read from a plan. */
  readonly title: string;
  /** The plan's clause ("V.1", "V.1.2" for a duty with its own deadline; a section for reports). */
  readonly clause: string;
  /**
   * The party heading the duty was written under ("Sở Lao động - Thương binh và Xã hội"), kept as
   * the source; null when the recorded title was not of that form.
   */
  readonly partyHeading: string | null;
}

/** About the length of a line in a list; longer duties are cut at a word boundary before it. */
export const SHORT_TITLE_MAX = 80;

/** "V.1 — <heading>", "IV.11.2 — <heading>", "closing — <heading>": the titles plan intake gives duties. */
const PARTY_TITLE = /^(?<clause>(?:[IVXLCDM]+|closing)(?:\.\d+)*) — (?<heading>\S.*)$/su;

/**
 * The title people see for a task, derived from what TaskAssigned recorded (no event is
 * rewritten): a duty task titled after its party ("V.1 — Sở Y tế") gets a short title from its
 * duty's text, so the title says what is to be done and does not name an agency that may hand it
 * over; any other title is kept as recorded.
 */
export function taskTitle(task: {
  readonly kind: TaskKind;
  readonly title: string;
  readonly duty: string;
  readonly sourceClause: SourceClause;
}): TaskTitle {
  const party = PARTY_TITLE.exec(task.title)?.groups;
  // Projections name a task on every event of it: the duty's text is read only when it gives the
  // title, and each duty's short title is kept once made.
  const short = task.kind === 'duty' && party?.clause && party.heading ? cachedShortTitle(task.duty) : '';
  if (!party?.clause || !party.heading || short === '')
    return { title: task.title, clause: party?.clause ?? task.sourceClause.section, partyHeading: null };
  return { title: short, clause: party.clause, partyHeading: party.heading };
}

/** Short titles made lately, by duty text (a plan has a few hundred duties). */
const SHORT_TITLES = new Map<string, string>();
const SHORT_TITLES_KEPT = 2_000;

function cachedShortTitle(duty: string): string {
  let short = SHORT_TITLES.get(duty);
  if (short === undefined) {
    short = shortDutyTitle(duty);
    if (SHORT_TITLES.size >= SHORT_TITLES_KEPT) SHORT_TITLES.clear();
    SHORT_TITLES.set(duty, short);
  }
  return short;
}

/** Words a cut title must not end on: it would read as unfinished ("... bảo vệ trẻ em và"). */
const DANGLING = new Set([
  'và',
  'của',
  'với',
  'cho',
  'các',
  'những',
  'trong',
  'về',
  'để',
  'có',
  'theo',
  'tại',
  'đến',
  'như',
  'hoặc',
  'là',
  'được',
  'bị',
  'đối',
  'từ',
  'trên',
  'dưới',
  'nhằm',
  'gắn',
  'việc',
  'công',
  'tác',
]);

/**
 * A duty's short title: its first sentence or clause (up to the first line end, ";" or sentence
 * end), cut at a word boundary to at most SHORT_TITLE_MAX characters with "…" when cut, without
 * a dangling connective or punctuation at the end. Deterministic: the same text, the same title.
 */
export function shortDutyTitle(duty: string): string {
  const firstLine = toNfc(duty).trim().split('\n')[0]?.trim() ?? '';
  // The first clause: up to ";" or a full stop that ends a sentence (not "28-CT/TW." inside one).
  const clause = firstLine.split(/;|\.(?=\s|$)/u)[0]?.trim() ?? '';
  const chars = [...clause];
  if (chars.length <= SHORT_TITLE_MAX) return tidyEnd(clause);
  const words = clause.split(/\s+/u);
  const kept: string[] = [];
  let length = 0;
  for (const word of words) {
    const added = (kept.length === 0 ? 0 : 1) + [...word].length;
    // One character is left for the ellipsis.
    if (length + added > SHORT_TITLE_MAX - 1) break;
    kept.push(word);
    length += added;
  }
  while (kept.length > 1 && DANGLING.has(bare(kept[kept.length - 1] ?? '').toLowerCase())) kept.pop();
  // A first word longer than the limit is cut inside it: a title is never empty.
  const cut = kept.length > 0 ? kept.join(' ') : chars.slice(0, SHORT_TITLE_MAX - 1).join('');
  return `${tidyEnd(cut)}…`;
}

function bare(word: string): string {
  return word.replace(/[\p{P}]+$/u, '');
}

function tidyEnd(text: string): string {
  return text.replace(/[\s,;:–—-]+$/u, '').replace(/\.$/u, '');
}
