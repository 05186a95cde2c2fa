import type { Agency } from '../types.js';
import type {
  LegalBasis,
  ReorganisationKind,
  SuccessorForFunction,
} from '../directory-events/directory.events.js';

/**
 * A reorganisation as a scenario file states it (deploy/reorganisations/*.json): the acts it rests
 * on, the functions duties belong to, the bodies it creates and what happens to each old body.
 */
export interface ReorganisationScenario {
  /** Lowercase ASCII words joined by hyphens; the id of the reorganisation's own stream. */
  readonly id: string;
  readonly title: string;
  /** Default for every change. */
  readonly effectiveDate: string;
  readonly basis: LegalBasis;
  /** Named functions, with the words that mark a duty as belonging to it. */
  readonly functions: Readonly<Record<string, ReorganisationFunction>>;
  /** Bodies the reorganisation creates (a merged province's committee, a new ward). */
  readonly agencies?: readonly Agency[];
  readonly changes: readonly ReorganisationChange[];
}

export interface ReorganisationFunction {
  readonly name: string;
  /** Matched without diacritics or case against a duty's title and text. */
  readonly keywords: readonly string[];
}

interface ChangeBase {
  /** Overrides the scenario's effective date and basis for this change. */
  readonly effectiveDate?: string;
  readonly basis?: LegalBasis;
}

/** A and B become C (C is an existing body or one the scenario creates). */
export interface MergeChange extends ChangeBase {
  readonly kind: 'merge';
  readonly agencies: readonly string[];
  readonly into: string;
}

/** A is absorbed into B, which continues. */
export interface AbsorbChange extends ChangeBase {
  readonly kind: 'absorb';
  readonly agency: string;
  readonly into: string;
}

/** A's functions go to several bodies, one per function. */
export interface SplitChange extends ChangeBase {
  readonly kind: 'split';
  readonly agency: string;
  readonly successors: readonly SuccessorForFunction[];
}

/** A ceases to exist; each function passes to a successor (a function without one is a person's call). */
export interface DissolveChange extends ChangeBase {
  readonly kind: 'dissolve';
  readonly agency: string;
  readonly successors: readonly SuccessorForFunction[];
}

/** A People's Committee that issued plans ceases to exist: its plans and duties pass to a successor committee. */
export interface IssuerDissolvedChange extends ChangeBase {
  readonly kind: 'issuer-dissolved';
  readonly agency: string;
  readonly successor: string;
}

export type ReorganisationChange =
  MergeChange | AbsorbChange | SplitChange | DissolveChange | IssuerDissolvedChange;

/** What one old body becomes, normalised from any change kind. */
export interface Succession {
  readonly code: string;
  readonly kind: ReorganisationKind;
  /** `function` null: everything goes to that successor. */
  readonly successors: readonly SuccessorForFunction[];
  readonly effectiveDate: string;
  readonly basis: LegalBasis;
  /** Its plans pass to this committee (issuer-dissolved), else null. */
  readonly planSuccessor: string | null;
}

/** An open task as the draft needs it (a view of the task state). */
export interface OpenTask {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly duty: string;
  readonly kind: 'duty' | 'report';
  readonly dueDate: string;
  readonly issuerAgencyCode: string;
  /** Assignments not yet completed by their holder (a completed one stays where it is: closed history). */
  readonly assignees: readonly {
    readonly agencyCode: string;
    readonly role: 'lead' | 'support' | 'requested';
    readonly completed: boolean;
  }[];
  readonly pendingHandoffs: readonly {
    readonly handoffId: string;
    readonly fromAgency: string;
    readonly toAgency: string;
    readonly role: 'lead' | 'support' | 'requested';
    /** Why it was offered: its words count with the duty's when routing it. */
    readonly reason: string;
  }[];
}

/**
 * A yearly reporting cycle of a plan that has not opened yet (ADR 0028): its report tasks are
 * recorded in the plan and assigned when the cycle begins, so a body that ceases to exist before
 * then must not be named in them.
 */
export interface PendingCycle {
  readonly planId: string;
  readonly year: number;
  readonly opensAt: string;
  readonly tasks: readonly PendingCycleTask[];
}

export interface PendingCycleTask {
  readonly taskId: string;
  readonly title: string;
  readonly duty: string;
  readonly dueDate: string;
  readonly assignees: readonly {
    readonly agencyCode: string;
    readonly role: 'lead' | 'support' | 'requested';
  }[];
  /** The focal agency the report goes to, if any. */
  readonly reportsTo: string | null;
}

/**
 * A responsibility in a cycle not opened yet that moves: one ReportingCycleReassigned on
 * confirmation, and the cycle opens with the successor.
 */
export interface CycleMove {
  readonly planId: string;
  readonly year: number;
  readonly taskId: string;
  readonly title: string;
  readonly dueDate: string;
  /** 'assignee': the report is owed by the successor; 'reportsTo': it goes to the successor. */
  readonly responsibility: 'assignee' | 'reportsTo';
  /** The assignee's role; null for `reportsTo`. */
  readonly role: 'lead' | 'support' | 'requested' | null;
  readonly fromAgency: string;
  readonly toAgency: string;
  readonly function: string | null;
  readonly effectiveDate: string;
  readonly basis: LegalBasis;
  readonly reason: string;
  readonly decidedByPerson: boolean;
}

export interface OpenPlan {
  readonly planId: string;
  readonly title: string;
  readonly issuerAgencyCode: string;
}

/** A responsibility that moves: one TaskReassigned on confirmation. */
export interface ResponsibilityMove {
  readonly taskId: string;
  readonly planId: string;
  readonly taskKind: 'duty' | 'report';
  readonly title: string;
  readonly dueDate: string;
  readonly role: 'lead' | 'support' | 'requested';
  readonly fromAgency: string;
  readonly toAgency: string;
  /** The function the duty was routed by, or null when the whole body went to one successor. */
  readonly function: string | null;
  readonly effectiveDate: string;
  readonly basis: LegalBasis;
  /** The trail's text: "responsibility passed to X by decision N, effective D". */
  readonly reason: string;
  /** Chosen by a person on confirmation (not routed automatically). */
  readonly decidedByPerson: boolean;
  /** The successor already holds an assignment on the task: the two become one, with the stronger role. */
  readonly merges: boolean;
}

/** A handoff offered to a body that ceases to exist: withdrawn, and offered to its successor. */
export interface HandoffRedirect {
  readonly taskId: string;
  readonly planId: string;
  readonly handoffId: string;
  readonly fromAgency: string;
  readonly toAgency: string;
  readonly role: 'lead' | 'support' | 'requested';
  /** The successor it is offered to instead; null when none can take it (then it is only superseded). */
  readonly redirectedTo: string | null;
  readonly reason: string;
}

/** The deadline timer of a moved duty: it fires for the successor from now on. */
export interface TimerMove {
  readonly taskId: string;
  readonly dueDate: string;
  readonly fromAgency: string;
  readonly toAgency: string;
}

export interface PlanTransfer {
  readonly planId: string;
  readonly title: string;
  readonly fromIssuer: string;
  readonly toIssuer: string;
  readonly effectiveDate: string;
  readonly basis: LegalBasis;
  readonly reason: string;
}

/** A duty the draft cannot route by itself: a person picks among `candidates` on confirmation. */
export interface PendingDecision {
  readonly taskId: string;
  readonly planId: string;
  readonly title: string;
  readonly fromAgency: string;
  /** Null for the focal agency a cycle's report goes to. */
  readonly role: 'lead' | 'support' | 'requested' | null;
  /** A report task of a cycle not opened yet (absent: an open task). */
  readonly cycle?: { readonly year: number; readonly responsibility: 'assignee' | 'reportsTo' };
  readonly candidates: readonly string[];
  readonly why: 'function-unclear' | 'no-successor-for-function';
  readonly explanation: string;
}

export interface ReorganisationDraft {
  readonly reorganisationId: string;
  readonly title: string;
  readonly successions: readonly Succession[];
  readonly newAgencies: readonly Agency[];
  readonly moves: readonly ResponsibilityMove[];
  readonly handoffs: readonly HandoffRedirect[];
  readonly timers: readonly TimerMove[];
  readonly plans: readonly PlanTransfer[];
  /** Responsibilities in yearly cycles not opened yet, per plan and year. */
  readonly cycles: readonly CycleMove[];
  readonly needsDecision: readonly PendingDecision[];
  readonly summary: {
    /** Report tasks of cycles not opened yet that move (owed by or going to the successor). */
    readonly cycleReports: number;
    readonly duties: number;
    readonly reports: number;
    readonly handoffs: number;
    readonly timers: number;
    readonly plans: number;
    readonly needsDecision: number;
  };
}

/** A person's choice for a pending duty: `${taskId}/${fromAgency}` -> the successor. */
export type ReorganisationDecisions = Readonly<Record<string, string>>;
