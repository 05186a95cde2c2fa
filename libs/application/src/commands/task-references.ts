import type { AgencyDirectory } from '#libs/agencies';
import { planIndicatorsOf, planStreamId } from '#libs/plans';
import type { PlanIndicator } from '#libs/shared-kernel';
import { taskStreamId } from '#libs/tasks';
import { ApplicationError, type FieldError } from '../errors.js';
import type { CommandProcessor } from './command-processor.js';
import { planModel, taskModel } from './stream-models.js';

/**
 * Where the current state of a plan or task stream comes from: the command processor's versioned
 * cache, so a plan stream (whose first event, the issue, is the large one) is read once and then
 * only for what was appended since (its registration, a successor committee).
 */
export type StreamStates = Pick<CommandProcessor, 'currentState'>;

/** What an assignment needs to know of its plan. */
export interface IssuedPlanFacts {
  readonly issuerAgencyCode: string;
  /** 'YYYY-MM-DD', or null when the document gave none. */
  readonly issuedOn: string | null;
  readonly indicators: readonly PlanIndicator[];
}

/**
 * What a task command names outside its own stream: the plan it belongs to and the agencies it
 * hands work to. They are checked before deciding, so a task never points at a plan nobody issued
 * or at an agency the directory does not know. The plan is read as it stands at the command (a
 * reorganisation can pass it to a successor committee; the committee can record its number later).
 */
export class TaskReferences {
  constructor(
    private readonly streams: StreamStates,
    private readonly directory: Pick<AgencyDirectory, 'get'>,
  ) {}

  /** `validation` with a pointer per agency code the directory does not know. */
  requireKnownAgencies(references: readonly { pointer: string; agencyCode: string }[]): void {
    const unknown: FieldError[] = references
      .filter(({ agencyCode }) => !this.directory.get(agencyCode))
      .map(({ pointer, agencyCode }) => ({
        pointer,
        detail: `${agencyCode} is not an agency of the directory (GET /agencies lists them)`,
      }));
    if (unknown.length > 0) throw fieldsInvalid(unknown);
  }

  /**
   * The plan must have been issued by the committee the caller issues for: `validation` on
   * /planId otherwise. A plan of another committee gets the same answer as no plan at all, so the
   * answer does not tell whether, or by whom, it was issued. Returns what the assignment checks
   * against (its issue date).
   */
  async requirePlanIssuedBy(planId: string, issuingAgency: string): Promise<IssuedPlanFacts> {
    const plan = await this.issuedPlan(planId);
    if (plan === null || plan.issuerAgencyCode !== issuingAgency) {
      throw fieldsInvalid([{ pointer: '/planId', detail: 'Your committee has issued no plan with this id' }]);
    }
    return plan;
  }

  /**
   * The indicators of the plan a task belongs to, what a progress report's values are checked
   * against; undefined when there is no such task (the decider answers that, after the access check).
   */
  async indicatorsOfTaskPlan(taskId: string): Promise<readonly PlanIndicator[] | undefined> {
    const task = await this.streams.currentState(taskStreamId(taskId), taskModel);
    if (task.status === 'none') return undefined;
    return (await this.issuedPlan(task.planId))?.indicators ?? [];
  }

  private async issuedPlan(planId: string): Promise<IssuedPlanFacts | null> {
    const state = await this.streams.currentState(planStreamId(planId), planModel);
    if (state.status !== 'issued') return null;
    return {
      issuerAgencyCode: state.issuerAgencyCode,
      issuedOn: state.issuedOn,
      indicators: planIndicatorsOf(state),
    };
  }
}

function fieldsInvalid(errors: readonly FieldError[]): ApplicationError {
  return new ApplicationError('validation', 'Some fields are missing or wrong; see errors.', { errors });
}
