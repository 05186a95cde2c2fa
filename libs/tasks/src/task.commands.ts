import type {
  Assignee,
  CommandMetadata,
  IndicatorValue,
  PlanIndicatorRef,
  SourceClause,
  TaskKind,
} from './task.types.js';

type Command<Type extends string, Data> = {
  readonly type: Type;
  readonly data: Data;
  readonly metadata: CommandMetadata;
};

/** Issuer only. Creates the task stream. */
export type AssignTask = Command<
  'AssignTask',
  {
    readonly taskId: string;
    readonly planId: string;
    readonly title: string;
    readonly duty: string;
    readonly sourceClause: SourceClause;
    readonly dueDate: string;
    readonly assignees: readonly Assignee[];
    readonly issuerAgencyCode: string;
    readonly kind: TaskKind;
    /** Required when kind is 'report'. */
    readonly reportYear?: number;
    /**
     * A report task of a plan's reporting cycle: the agency that consolidates the reports (the
     * focal agency). It receives the report, reads the task and may accept or return it.
     */
    readonly reportsTo?: string | null;
    /**
     * The plan's issue date ('YYYY-MM-DD'), as the command handler read it with the plan: a
     * back-dated assignment (`metadata.occurredAt`) cannot take effect before it. Not recorded.
     */
    readonly planIssuedOn?: string | null;
  }
>;

/** An assignee's officer (or an issuer on its behalf). */
export type AcknowledgeTask = Command<
  'AcknowledgeTask',
  { readonly taskId: string; readonly agencyCode: string }
>;

export type ReportProgress = Command<
  'ReportProgress',
  {
    readonly taskId: string;
    readonly agencyCode: string;
    readonly text: string;
    readonly indicatorValues?: readonly IndicatorValue[];
    /**
     * The indicators of the task's plan, looked up by the application layer: when given, values
     * are accepted only for these, each checked against its unit. Absent: values are not checked.
     */
    readonly planIndicators?: readonly PlanIndicatorRef[];
  }
>;

/** Sent by the agency currently holding the assignment (`fromAgency`). */
export type RequestHandoff = Command<
  'RequestHandoff',
  {
    readonly taskId: string;
    readonly handoffId: string;
    readonly fromAgency: string;
    readonly toAgency: string;
    readonly reason: string;
  }
>;

/** By the receiver's officer; the acting agency is the handoff's `toAgency`. */
export type AcceptHandoff = Command<
  'AcceptHandoff',
  { readonly taskId: string; readonly handoffId: string; readonly reason: string }
>;

/** By the receiver's officer; reason required. */
export type DeclineHandoff = Command<
  'DeclineHandoff',
  { readonly taskId: string; readonly handoffId: string; readonly reason: string }
>;

/** By the sender's officer; reason required. */
export type WithdrawHandoff = Command<
  'WithdrawHandoff',
  { readonly taskId: string; readonly handoffId: string; readonly reason: string }
>;

/** Issuer only. Moves an assignment directly; supersedes pending handoffs it makes moot. */
export type ReassignTask = Command<
  'ReassignTask',
  { readonly taskId: string; readonly fromAgency: string; readonly toAgency: string; readonly reason: string }
>;

export type RequestExtension = Command<
  'RequestExtension',
  {
    readonly taskId: string;
    readonly extensionId: string;
    readonly agencyCode: string;
    /** The requested new due date, later than the current one. */
    readonly dueDate: string;
    readonly reason: string;
  }
>;

/** Issuer only. */
export type GrantExtension = Command<
  'GrantExtension',
  { readonly taskId: string; readonly extensionId: string; readonly reason: string }
>;

/** Issuer only. */
export type DenyExtension = Command<
  'DenyExtension',
  { readonly taskId: string; readonly extensionId: string; readonly reason: string }
>;

export type SubmitCompletion = Command<
  'SubmitCompletion',
  { readonly taskId: string; readonly agencyCode: string; readonly report: string }
>;

/** Issuer; or the lead agency's officer for a support/requested assignee's completion. */
export type AcceptCompletion = Command<
  'AcceptCompletion',
  { readonly taskId: string; readonly agencyCode: string; readonly reason: string }
>;

/** Issuer; or the lead agency's officer for a support/requested assignee's completion. */
export type ReturnCompletion = Command<
  'ReturnCompletion',
  { readonly taskId: string; readonly agencyCode: string; readonly reason: string }
>;

/** Issuer only. */
export type CancelTask = Command<'CancelTask', { readonly taskId: string; readonly reason: string }>;

export type TaskCommand =
  | AssignTask
  | AcknowledgeTask
  | ReportProgress
  | RequestHandoff
  | AcceptHandoff
  | DeclineHandoff
  | WithdrawHandoff
  | ReassignTask
  | RequestExtension
  | GrantExtension
  | DenyExtension
  | SubmitCompletion
  | AcceptCompletion
  | ReturnCompletion
  | CancelTask;

export type TaskCommandType = TaskCommand['type'];
