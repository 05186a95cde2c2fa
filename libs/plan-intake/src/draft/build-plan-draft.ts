import type { Agency, AgencyDirectory, AgencyResolution } from '#libs/agencies';
import { foldForSearch, toNfc } from '#libs/shared-kernel';
import type { Duty, PartyRole, PlanExtract, ReportingDuty, ResponsibleParty, Span } from '../types.js';
import type {
  BuildPlanDraftOptions,
  DraftAssignee,
  DraftCandidate,
  DraftIssuer,
  DraftPlan,
  DraftReporting,
  DraftSourceClause,
  DraftTask,
  DraftTaskIssue,
  DraftWarning,
  NamedSupport,
  PlanDraft,
  ReviewItem,
  ReviewReason,
  UnresolvedName,
} from './draft.types.js';
import { dutyTaskIdFor, planIdFor, reportTaskIdFor } from './plan-identity.js';

const MAX_CANDIDATES = 5;

/**
 * Turns a parsed plan into a reviewable draft: the plan to issue, one duty task per numbered party
 * of the implementation section, and one yearly report task per assigned agency, each linked to its
 * source clause. Names become agency codes through the directory; a group becomes its members.
 * Pure: the same extract, directory and options always give the same draft (ids included).
 */
export function buildPlanDraft(
  extract: PlanExtract,
  directory: AgencyDirectory,
  options: BuildPlanDraftOptions,
): PlanDraft {
  const draft = streamPlanDraft(extract, directory, options);
  const tasks = [...draft.tasks];
  return { ...draft.head, tasks, ...draft.rest(), sourceText: draft.sourceText };
}

/**
 * A draft made a task at a time (buildPlanDraft is this, its tasks listed): its fields before the
 * tasks, the tasks as they are built, one party's at a time, then the fields after them, which the
 * tasks make (warnings, summary, review list). A caller that writes each task as it comes (the
 * draft's JSON, serialised-draft.ts) never holds them all: for 2,300 parties the tasks were ~8 MB
 * held with the parse's extract while the draft was built (docs/adr/0039).
 */
export interface PlanDraftStream {
  /** The draft's fields before `tasks`, in its order. */
  readonly head: Pick<
    PlanDraft,
    'planId' | 'origin' | 'contentHash' | 'source' | 'jurisdiction' | 'plan' | 'indicators'
  >;
  /** The tasks, once: the duty tasks party by party, then the report tasks. */
  readonly tasks: Iterable<DraftTask>;
  /** The draft's fields after `tasks`, in its order; once every task has been taken. */
  rest(): Pick<PlanDraft, 'warnings' | 'summary' | 'needsReview'>;
  readonly sourceText: string;
}

export interface StreamPlanDraftOptions extends BuildPlanDraftOptions {
  /**
   * The extract's parties are the caller's no longer: each is let go (its slot in
   * `extract.parties` emptied as its tasks are built), so that the parties (~5 MB for 2,300) are
   * not all held while the tasks are written.
   */
  readonly releaseParties?: boolean | undefined;
}

/** buildPlanDraft a task at a time (PlanDraftStream). */
export function streamPlanDraft(
  extract: PlanExtract,
  directory: AgencyDirectory,
  options: StreamPlanDraftOptions,
): PlanDraftStream {
  const warnings: DraftWarning[] = extract.warnings.map((w) => ({ ...w }));
  const planId = planIdFor(options.contentHash);
  const { jurisdiction, issuer } = resolveIssuerAndJurisdiction(extract, directory, options, warnings);
  const resolver = new NameResolver(directory, jurisdiction);

  const { fromYear, toYear } = extract.period;
  const periodKnown = fromYear !== null && toYear !== null;
  if (!periodKnown) {
    warnings.push({
      code: 'no-period',
      message:
        'The plan period could not be read (no year in the title, the date or the targets): duties have no due date and no report tasks are proposed.',
    });
  }
  const planEnd = periodKnown ? `${toYear}-12-31` : null;

  // The plan's reporting (which comes before the tasks) needs the first duty task of a party or two
  // (the one reports go through, the lead that consolidates them): built apart (their warnings are
  // the tasks' own, given when the tasks are built).
  const firstDutyTaskOf = (ordinal: number): DraftTask | undefined => {
    const party = extract.parties.find((p) => p.ordinal === ordinal);
    return party ? dutyTasksOf(party, planId, planEnd, resolver, [])[0] : undefined;
  };
  const reporting = draftReporting(extract, resolver, firstDutyTaskOf);
  // A task's party's role, as the first party of its ordinal has it (for the review list).
  const roleOf = new Map<number, PartyRole>();
  for (const party of extract.parties) if (!roleOf.has(party.ordinal)) roleOf.set(party.ordinal, party.role);

  const plan: DraftPlan = {
    number: extract.metadata.number,
    documentTypeCode: extract.metadata.documentTypeCode,
    documentType: documentTypeOf(extract),
    numberSpan: extract.metadata.numberSpan,
    issuer,
    place: extract.metadata.place,
    date: extract.metadata.date,
    issuedOn: isoDateOf(extract.metadata.date),
    dateSpan: extract.metadata.dateSpan,
    title: extract.metadata.title,
    titleSpan: extract.metadata.titleSpan,
    period: extract.period,
    // A document never cites itself: a news item about "Kế hoạch số 78/KH-UBND" names the plan.
    basis: extract.metadata.basis.filter((cited) => !isOwnNumber(cited.number, extract)),
    implementationSection: extract.implementationSection,
    reporting,
  };

  // What the fields after the tasks need of them, gathered as they are built.
  let dutyTaskCount = 0;
  let reportTaskCount = 0;
  let tasksNeedingReview = 0;
  const agencies = new Set<string>();
  const needsReview: ReviewItem[] = [];
  /** The duty tasks' assignees that are parties (not only named in a duty), first seen first. */
  const reportingAgencies = new Map<string, string>();
  const taken = (task: DraftTask): DraftTask => {
    for (const a of task.assignees) agencies.add(a.agencyCode);
    if (task.issues.length > 0) tasksNeedingReview++;
    needsReview.push(...reviewItemOf(task, roleOf));
    return task;
  };
  let started = false;
  let done = false;
  let rest: ReturnType<PlanDraftStream['rest']> | null = null;

  function* tasks(): Generator<DraftTask> {
    // A second pass would count every task again (and find the released parties gone).
    if (started) throw new Error("A draft's tasks are given once.");
    started = true;
    const parties = extract.parties as (ResponsibleParty | undefined)[];
    for (let i = 0; i < parties.length; i++) {
      const party = parties[i];
      if (party === undefined) continue;
      if (options.releaseParties === true) parties[i] = undefined;
      for (const task of dutyTasksOf(party, planId, planEnd, resolver, warnings)) {
        dutyTaskCount++;
        for (const a of task.assignees) {
          if (!a.namedInDuty && !reportingAgencies.has(a.agencyCode)) {
            reportingAgencies.set(a.agencyCode, a.agencyName);
          }
        }
        yield taken(task);
      }
    }
    if (periodKnown && extract.reporting && reporting) {
      for (const task of reportTasksFor(
        extract,
        extract.reporting,
        reporting,
        planId,
        fromYear,
        toYear,
        reportingAgencies,
        directory,
        warnings,
      )) {
        reportTaskCount++;
        yield taken(task);
      }
    }
    done = true;
  }

  return {
    head: {
      planId,
      origin: extract.origin === 'secondary-source' ? 'secondary-source' : 'plan',
      contentHash: options.contentHash,
      source: { fileName: nfcOrNull(options.fileName), mediaType: options.mediaType ?? null },
      jurisdiction,
      plan,
      indicators: extract.targets,
    },
    tasks: { [Symbol.iterator]: tasks },
    rest() {
      if (!done) throw new Error("A draft's warnings, summary and review list come after all its tasks.");
      if (rest !== null) return rest;
      if (extract.origin === 'secondary-source') {
        warnings.push({
          code: 'secondary-source',
          message: `This is not the plan itself but a document about it (${extract.originReasons.join('; ')}): the draft holds what it says of the plan. Check it against the plan before confirming.`,
        });
      }
      rest = {
        warnings,
        summary: {
          dutyTasks: dutyTaskCount,
          reportTasks: reportTaskCount,
          agencies: agencies.size,
          tasksNeedingReview,
        },
        needsReview,
      };
      return rest;
    },
    sourceText: extract.text,
  };
}

// --- Issuer and jurisdiction ---------------------------------------------------------------------

function resolveIssuerAndJurisdiction(
  extract: PlanExtract,
  directory: AgencyDirectory,
  options: BuildPlanDraftOptions,
  warnings: DraftWarning[],
): { jurisdiction: string | null; issuer: DraftIssuer | null } {
  const written = extract.metadata.issuer;
  let jurisdiction: string | null = null;
  if (options.jurisdiction !== undefined) {
    if (directory.getJurisdiction(options.jurisdiction)) jurisdiction = options.jurisdiction;
    else {
      warnings.push({
        code: 'unknown-jurisdiction',
        message: `The jurisdiction "${options.jurisdiction}" is not in the agency directory; it was inferred from the document instead.`,
      });
    }
  }

  // The issuer names its own place ("Ủy ban nhân dân tỉnh Lai Châu"), so it resolves without one.
  let issuerAgency: Agency | null = null;
  if (written) {
    const resolved = directory.resolve(written.name, jurisdiction === null ? {} : { jurisdiction });
    if (resolved.kind === 'agency') issuerAgency = resolved.agency;
  }
  if (jurisdiction === null)
    jurisdiction = issuerAgency?.jurisdiction ?? jurisdictionOfPlace(extract, directory);
  if (written && issuerAgency === null && jurisdiction !== null) {
    const resolved = directory.resolve(written.name, { jurisdiction });
    if (resolved.kind === 'agency') issuerAgency = resolved.agency;
  }

  if (jurisdiction === null) {
    warnings.push({
      code: 'no-jurisdiction',
      message:
        'The jurisdiction of the plan could not be told from its issuer or place: agency names were resolved across the whole directory.',
    });
  }
  if (issuerAgency === null) {
    warnings.push({
      code: 'no-issuer-agency',
      message: written
        ? `The issuer "${written.name}" is not an agency of the directory: choose the issuing agency before confirming.`
        : 'The document names no issuer: choose the issuing agency before confirming.',
      ...(written ? { span: written.span, name: written.name } : {}),
    });
  }
  const issuer: DraftIssuer | null = written
    ? {
        name: written.name,
        level: written.level,
        agencyCode: issuerAgency?.code ?? null,
        agencyName: issuerAgency?.name ?? null,
        span: written.span,
      }
    : null;
  return { jurisdiction, issuer };
}

/**
 * The jurisdiction whose place name is the plan's place ("Lai Châu, ngày ..."). When several share
 * it (Lạng Sơn province and city), the issuer's level decides ("tỉnh" or "thành phố").
 */
function jurisdictionOfPlace(extract: PlanExtract, directory: AgencyDirectory): string | null {
  const place = extract.metadata.place;
  if (place === null) return null;
  const key = foldForSearch(place);
  const matching = directory
    .listJurisdictions()
    .filter((j) => j.placeNames.some((name) => foldForSearch(name) === key));
  if (matching.length === 1) return matching[0]?.code ?? null;
  const level = extract.metadata.issuer?.level;
  const levelWord = level === 'province' ? 'tỉnh' : level === 'city' ? 'thành phố' : null;
  if (levelWord === null) return null;
  const byLevel = matching.filter((j) =>
    j.levelWords.some((w) => foldForSearch(w) === foldForSearch(levelWord)),
  );
  return byLevel.length === 1 ? (byLevel[0]?.code ?? null) : null;
}

// --- Names to agencies ---------------------------------------------------------------------------

interface PartyAgencies {
  readonly agencies: readonly Agency[];
  readonly unresolved: readonly UnresolvedName[];
}

class NameResolver {
  constructor(
    private readonly directory: AgencyDirectory,
    private readonly jurisdiction: string | null,
  ) {}

  /** Names repeat (every duty "phối hợp với Công an tỉnh"); the fuzzy search runs once a name. */
  private readonly resolved = new Map<string, AgencyResolution>();

  resolve(name: string): AgencyResolution {
    const known = this.resolved.get(name);
    if (known) return known;
    const resolution = this.directory.resolve(
      name,
      this.jurisdiction === null ? {} : { jurisdiction: this.jurisdiction },
    );
    this.resolved.set(name, resolution);
    return resolution;
  }

  /** The whole heading first (groups are named by it), then each name it lists. */
  party(party: ResponsibleParty): PartyAgencies {
    const whole = this.resolve(party.heading);
    if (whole.kind !== 'unknown') return { agencies: agenciesOf(whole), unresolved: [] };
    const agencies: Agency[] = [];
    const unresolved: UnresolvedName[] = [];
    const names = party.names.length > 0 ? party.names : [{ name: party.heading, span: party.headingSpan }];
    for (const { name, span } of names) {
      const resolved = this.resolve(name);
      if (resolved.kind === 'unknown') {
        unresolved.push({ name, reason: resolved.reason, span, candidates: candidatesOf(resolved) });
      } else agencies.push(...agenciesOf(resolved));
    }
    return { agencies, unresolved };
  }
}

function agenciesOf(resolution: AgencyResolution): readonly Agency[] {
  switch (resolution.kind) {
    case 'agency':
      return [resolution.agency];
    case 'group':
      return resolution.members;
    case 'unknown':
      return [];
  }
}

function candidatesOf(resolution: Extract<AgencyResolution, { kind: 'unknown' }>): DraftCandidate[] {
  return [
    ...resolution.candidates.map((c) => ({
      code: c.agency.code,
      name: c.agency.name,
      score: c.score,
      isGroup: false,
    })),
    ...resolution.groupCandidates.map((c) => ({
      code: c.group.code,
      name: c.group.name,
      score: c.score,
      isGroup: true,
    })),
  ]
    .sort((a, b) => b.score - a.score)
    .slice(0, MAX_CANDIDATES);
}

// --- Duty tasks ----------------------------------------------------------------------------------

/**
 * A party's duties become one task with the plan's last day as its due date (inferred), except a
 * duty that writes its own deadline ("hoàn thành trước ngày 30/9/2025"): that one is a task of its
 * own, due that day (read), with its clause.
 */
function dutyTasksOf(
  party: ResponsibleParty,
  planId: string,
  planEnd: string | null,
  resolver: NameResolver,
  warnings: DraftWarning[],
): DraftTask[] {
  const { agencies, unresolved } = resolver.party(party);
  for (const name of unresolved) {
    const best = name.candidates[0];
    warnings.push({
      code: name.reason === 'ambiguous' ? 'ambiguous-agency' : 'unknown-agency',
      message:
        `${party.sectionRef}: "${name.name}" is ${name.reason === 'ambiguous' ? 'ambiguous' : 'not in the agency directory'}` +
        (best
          ? `; closest: ${best.name} (${best.code}, ${best.score}).`
          : '; no close name in the directory.'),
      span: name.span,
      sectionRef: party.sectionRef,
      name: name.name,
      candidates: name.candidates,
    });
  }

  const assignees = assigneesOf(agencies, party.role);
  if (party.role === 'lead' && assignees.length > 1) {
    warnings.push({
      code: 'several-leads-in-party',
      message: `${party.sectionRef}: "${party.heading}" leads but stands for ${assignees.length} agencies; a task has one lead, so ${assignees[0]?.agencyName ?? ''} leads and the others support. Correct it if another should lead.`,
      span: party.headingSpan,
      sectionRef: party.sectionRef,
    });
  }

  const undated = party.duties.filter((d) => !d.deadline);
  const tasks: DraftTask[] = [];
  if (undated.length > 0 || party.duties.length === 0) {
    const span =
      undated.length === party.duties.length
        ? party.span
        : { start: party.span.start, end: undated[undated.length - 1]?.span.end ?? party.headingSpan.end };
    tasks.push(
      dutyTask(
        dutyTaskIdFor(planId, party.sectionRef),
        toNfc(`${party.sectionRef} — ${party.heading}`),
        undated.map((d) => d.text),
        {
          sourceClause: { section: party.sectionRef, start: span.start, end: span.end },
          dueDate: planEnd,
          dueDateSource: planEnd === null ? null : 'inferred',
          dueDateSpan: null,
          ...withNamedSupport(
            assignees,
            namedSupportOf(undated, party, resolver, warnings),
            undated,
            resolver,
          ),
          reportYear: null,
          partyOrdinal: party.ordinal,
          consolidated: false,
          reportsTo: null,
          unresolved,
        },
      ),
    );
  }
  party.duties.forEach((duty, index) => {
    if (!duty.deadline) return;
    const ref = `${party.sectionRef}.${index + 1}`;
    tasks.push(
      dutyTask(dutyTaskIdFor(planId, ref), toNfc(`${ref} — ${party.heading}`), [duty.text], {
        sourceClause: { section: party.sectionRef, start: duty.span.start, end: duty.span.end },
        dueDate: duty.deadline.date,
        dueDateSource: 'read',
        dueDateSpan: duty.deadline.span,
        ...withNamedSupport(assignees, namedSupportOf([duty], party, resolver, warnings), [duty], resolver),
        reportYear: null,
        partyOrdinal: party.ordinal,
        consolidated: false,
        reportsTo: null,
        unresolved,
      }),
    );
  });
  return tasks;
}

/**
 * A duty task whose text (`duty`) is its duties' texts, one a line, joined each time it is read
 * rather than kept: the texts are slices of the plan's text, while joined, those of 2,300 parties
 * were a second copy of the plan (13 MB of two-byte characters) held with the draft until its JSON
 * was written (docs/adr/0039). The field keeps its place among the task's fields (the JSON's order).
 */
function dutyTask(
  taskId: string,
  title: string,
  dutyTexts: readonly string[],
  fields: Omit<DraftTask, 'taskId' | 'kind' | 'title' | 'duty' | 'issues'>,
): DraftTask {
  return withIssues(
    {
      taskId,
      kind: 'duty',
      title,
      get duty() {
        return toNfc(dutyTexts.join('\n'));
      },
      ...fields,
    },
    // As `duty.trim() === ''`, without joining the texts (NFC keeps white space white space).
    dutyTexts.every((text) => text.trim() === ''),
  );
}

/** The bodies the duties name to work with, each resolved or flagged unknown (once per task). */
function namedSupportOf(
  duties: readonly Duty[],
  party: ResponsibleParty,
  resolver: NameResolver,
  warnings: DraftWarning[],
): NamedSupport[] {
  const named: NamedSupport[] = [];
  const seen = new Set<string>();
  for (const duty of duties) {
    for (const { name, span } of duty.namedSupport ?? []) {
      const key = foldForSearch(name);
      if (seen.has(key)) continue;
      seen.add(key);
      const resolved = resolver.resolve(name);
      const code =
        resolved.kind === 'agency'
          ? { agencyCode: resolved.agency.code, agencyName: resolved.agency.name }
          : resolved.kind === 'group'
            ? { agencyCode: resolved.group.code, agencyName: resolved.group.name }
            : { agencyCode: null, agencyName: null };
      if (code.agencyCode === null) {
        warnings.push({
          code: 'unknown-support-agency',
          message: `${party.sectionRef}: a duty names "${name}" to work with, which the agency directory does not know.`,
          span,
          sectionRef: party.sectionRef,
          name,
        });
      }
      named.push({ name, ...code, span });
    }
  }
  return named;
}

/**
 * The party's assignees plus every agency its duties name to work with, as support, each with the
 * clause of the duty that names it. A group named ("UBND các huyện") becomes its members, as a party
 * does. An agency already assigned keeps its role; an unknown name is assigned to no one (it is
 * warned about and listed for review).
 */
function withNamedSupport(
  assignees: readonly DraftAssignee[],
  namedSupport: readonly NamedSupport[],
  duties: readonly Duty[],
  resolver: NameResolver,
): { namedSupport: readonly NamedSupport[]; assignees: readonly DraftAssignee[] } {
  const all = [...assignees];
  const assigned = new Set(assignees.map((a) => a.agencyCode));
  for (const named of namedSupport) {
    if (named.agencyCode === null) continue;
    const duty = duties.find((d) => d.span.start <= named.span.start && named.span.end <= d.span.end);
    const clause = duty?.span ?? named.span;
    for (const agency of agenciesOf(resolver.resolve(named.name))) {
      if (assigned.has(agency.code)) continue;
      assigned.add(agency.code);
      all.push({
        agencyCode: agency.code,
        role: 'support',
        agencyName: agency.name,
        namedInDuty: { start: clause.start, end: clause.end },
      });
    }
  }
  return { namedSupport, assignees: all };
}

/** Why a task must be looked at before the draft is confirmed; nothing when it was all read. */
function reviewItemOf(task: DraftTask, roleOf: ReadonlyMap<number, PartyRole>): ReviewItem[] {
  const reasons: ReviewReason[] = [...task.issues];
  if (task.dueDateSource === 'inferred') reasons.push('due-date-inferred');
  const role = task.partyOrdinal === null ? undefined : roleOf.get(task.partyOrdinal);
  if (task.kind === 'duty' && role === 'lead' && task.assignees.length > 1) reasons.push('lead-inferred');
  const assigned = new Set(task.assignees.map((a) => a.agencyCode));
  if (task.namedSupport.some((s) => s.agencyCode === null)) reasons.push('unknown-support');
  if (task.namedSupport.some((s) => s.agencyCode !== null && !assigned.has(s.agencyCode))) {
    reasons.push('support-named-in-duty');
  }
  return reasons.length === 0 ? [] : [{ taskId: task.taskId, title: task.title, reasons }];
}

/** "78" from a news item's "Kế hoạch số 78/KH-UBND" against the plan's own number "78". */
function isOwnNumber(cited: string | null, extract: PlanExtract): boolean {
  const own = extract.metadata.number;
  const code = extract.metadata.documentTypeCode;
  if (cited === null || own === null) return false;
  const key = (text: string) => foldForSearch(text).replace(/\s+/g, '');
  return key(cited) === key(code ? `${own}/${code}` : own) || key(cited) === key(own);
}

/** Every agency gets the party's role; a task has at most one lead, so only the first keeps it. */
function assigneesOf(agencies: readonly Agency[], role: PartyRole): DraftAssignee[] {
  const seen = new Set<string>();
  const assignees: DraftAssignee[] = [];
  for (const agency of agencies) {
    if (seen.has(agency.code)) continue;
    seen.add(agency.code);
    const own = role === 'lead' && assignees.length > 0 ? 'support' : role;
    assignees.push({ agencyCode: agency.code, role: own, agencyName: agency.name });
  }
  return assignees;
}

/**
 * The task with its issues, added to it rather than spread into a copy: a spread would read a duty
 * task's text once and keep it (dutyTask).
 */
function withIssues(task: Omit<DraftTask, 'issues'>, noDuty = task.duty.trim() === ''): DraftTask {
  const issues: DraftTaskIssue[] = [];
  if (task.unresolved.length > 0) issues.push('unresolved-agency');
  if (task.assignees.length === 0) issues.push('no-assignees');
  if (task.dueDate === null) issues.push('no-due-date');
  if (noDuty) issues.push('no-duty');
  return Object.assign(task, { issues });
}

// --- Reporting -----------------------------------------------------------------------------------

function draftReporting(
  extract: PlanExtract,
  resolver: NameResolver,
  firstDutyTaskOf: (ordinal: number) => DraftTask | undefined,
): DraftReporting | null {
  const reporting = extract.reporting;
  if (!reporting) return null;
  const recipient = reporting.recipient ? resolver.resolve(reporting.recipient.name) : null;
  return {
    frequency: reporting.frequency,
    before: reporting.before,
    recipient: reporting.recipient?.name ?? null,
    recipientAgencyCode: recipient?.kind === 'agency' ? recipient.agency.code : null,
    through: reporting.through?.name ?? null,
    consolidatingAgencyCode: consolidatingAgency(extract, reporting, resolver, firstDutyTaskOf),
    consolidationLeadDays: DEFAULT_CONSOLIDATION_LEAD_DAYS,
    text: reporting.text,
    span: reporting.span,
  };
}

/**
 * Who consolidates everyone's reports: the party the reports go through ("qua Sở ..."), else the
 * body named there, else the lead party that says it consolidates ("tổng hợp").
 */
function consolidatingAgency(
  extract: PlanExtract,
  reporting: ReportingDuty,
  resolver: NameResolver,
  firstDutyTaskOf: (ordinal: number) => DraftTask | undefined,
): string | null {
  const single = (task: DraftTask | undefined): string | null =>
    task && task.assignees.length === 1 ? (task.assignees[0]?.agencyCode ?? null) : null;
  if (reporting.throughPartyOrdinal !== null) {
    const code = single(firstDutyTaskOf(reporting.throughPartyOrdinal));
    if (code !== null) return code;
  }
  if (reporting.through) {
    const resolved = resolver.resolve(reporting.through.name);
    if (resolved.kind === 'agency') return resolved.agency.code;
  }
  const lead = extract.parties.find((p) => p.role === 'lead' && p.consolidatesReport);
  return lead ? single(firstDutyTaskOf(lead.ordinal)) : null;
}

function reportTasksFor(
  extract: PlanExtract,
  reporting: ReportingDuty,
  draft: DraftReporting,
  planId: string,
  fromYear: number,
  toYear: number,
  partyAgencies: ReadonlyMap<string, string>,
  directory: AgencyDirectory,
  warnings: DraftWarning[],
): DraftTask[] {
  if (reporting.frequency !== null && reporting.frequency !== 'yearly') {
    warnings.push({
      code: 'reporting-frequency-unsupported',
      message: `The plan asks for ${reporting.frequency} reports; only yearly report tasks are proposed, so none were. Add them by hand.`,
      span: reporting.span,
    });
    return [];
  }
  const consolidator = draft.consolidatingAgencyCode;
  const agencies: DraftAssignee[] = [];
  const seen = new Set<string>();
  const add = (code: string, name: string) => {
    if (seen.has(code)) return;
    seen.add(code);
    agencies.push({ agencyCode: code, role: 'lead', agencyName: name });
  };
  if (consolidator !== null) add(consolidator, directory.get(consolidator)?.name ?? consolidator);
  // The parties report; an agency a duty only names to work with reports through that party.
  for (const [code, name] of partyAgencies) add(code, name);
  if (consolidator === null && agencies.length > 0) {
    warnings.push({
      code: 'no-consolidating-agency',
      message:
        'No agency could be found to consolidate the yearly reports (no "qua ..." body and no lead party that consolidates): every agency reports on its own.',
      span: reporting.span,
    });
  }

  const consolidatorAgency = consolidator === null ? undefined : directory.get(consolidator);
  const through = consolidatorAgency ? (consolidatorAgency.shortName ?? consolidatorAgency.name) : null;
  const section = sectionOf(extract, reporting.span);
  const tasks: DraftTask[] = [];
  for (let year = fromYear; year <= toYear; year++) {
    for (const agency of agencies) {
      const consolidated = agency.agencyCode === consolidator;
      const due = reportDueDate(year, reporting.before);
      const title = consolidated
        ? `Tổng hợp báo cáo kết quả thực hiện Kế hoạch năm ${year}${through ? ` (qua ${through})` : ''}`
        : `Báo cáo kết quả thực hiện Kế hoạch năm ${year}${draft.recipient ? ` gửi ${draft.recipient}` : ''}${through ? ` (qua ${through})` : ''}`;
      tasks.push(
        withIssues({
          taskId: reportTaskIdFor(planId, agency.agencyCode, year),
          kind: 'report',
          title: toNfc(title),
          duty: reporting.text,
          sourceClause: { section, start: reporting.span.start, end: reporting.span.end },
          // The day and month are written ("trước ngày 01/12"); the year is each year of the plan.
          // The parties report to the consolidating agency first, which then has its lead time.
          dueDate:
            consolidator === null || consolidated
              ? due
              : partyReportDueDate(due, draft.consolidationLeadDays),
          dueDateSource: 'read',
          dueDateSpan: reporting.span,
          namedSupport: [],
          assignees: [agency],
          reportYear: year,
          partyOrdinal: null,
          consolidated,
          reportsTo: consolidated ? null : consolidator,
          unresolved: [],
        }),
      );
    }
  }
  return tasks;
}

/** Days the consolidating agency has for its consolidated report, unless the reviewer says otherwise. */
export const DEFAULT_CONSOLIDATION_LEAD_DAYS = 15;

/** A party's report is due `leadDays` before the consolidated report it goes into. */
export function partyReportDueDate(consolidatedDueDate: string, leadDays: number): string {
  return new Date(Date.parse(`${consolidatedDueDate}T00:00:00Z`) - leadDays * 24 * 60 * 60 * 1000)
    .toISOString()
    .slice(0, 10);
}

/**
 * "Before 01/12" of the report's year is due at the end of the day before: YYYY-11-30. A deadline
 * of 1 January ("trước ngày 01/01") falls in the next year: YYYY-12-31.
 */
export function reportDueDate(
  year: number,
  before: { readonly day: number; readonly month: number },
): string {
  const due = new Date(Date.UTC(year, before.month - 1, before.day) - 24 * 60 * 60 * 1000);
  if (due.getUTCFullYear() < year) return `${year}-12-31`;
  return due.toISOString().slice(0, 10);
}

/** The section numeral a clause sits in ("VI"), or "closing" for the paragraph after the last one. */
function sectionOf(extract: PlanExtract, span: Span): DraftSourceClause['section'] {
  const last = extract.sections.filter((s) => s.span.start <= span.start).at(-1);
  if (!last) return 'preamble';
  const between = extract.text.slice(last.span.end, span.start);
  return /(^|\n)[\s*_]*Trên đây là/iu.test(between) ? 'closing' : last.numeral;
}

// --- Plan metadata -------------------------------------------------------------------------------

/** "KH-UBND" gives "KH"; a document whose title follows "KẾ HOẠCH" is a plan (KH) even without a number line. */
function documentTypeOf(extract: PlanExtract): string | null {
  const code = extract.metadata.documentTypeCode;
  if (code) return code.split('-')[0] ?? code;
  return extract.metadata.title !== null ? 'KH' : null;
}

function isoDateOf(date: PlanExtract['metadata']['date']): string | null {
  if (!date || date.year === null || date.month === null || date.day === null) return null;
  const value = new Date(Date.UTC(date.year, date.month - 1, date.day));
  if (value.getUTCMonth() !== date.month - 1 || value.getUTCDate() !== date.day) return null;
  return value.toISOString().slice(0, 10);
}

function nfcOrNull(value: string | null | undefined): string | null {
  if (value === undefined || value === null) return null;
  const trimmed = toNfc(value.trim());
  return trimmed === '' ? null : trimmed;
}
