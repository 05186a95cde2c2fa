import { Inject } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import type { AgencyDirectory } from '#libs/agencies';
import {
  actorForSucceededIssuer,
  CommandProcessor,
  requireReadableTask,
  TaskReferences,
  taskModel,
  type ReadPolicy,
  type CommandAnswerIds,
  type CommandResult,
} from '#libs/application';
import { decide, issuingAgencyOf, taskStreamId, type TaskCommand } from '#libs/tasks';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { actorOf } from '../commands/actor.js';
import { applicationContext, type CommandContext } from '../commands/command-context.js';

/** A task command as a caller sends it: who sends it and when are added by the handler. */
export type TaskCommandRequest = TaskCommand extends infer C
  ? C extends TaskCommand
    ? Omit<C, 'metadata'>
    : never
  : never;

/** Decide one command on a task's stream and append what it decides. */
export class DecideTask extends Command<CommandResult> {
  constructor(
    readonly command: TaskCommandRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/**
 * Thin: the application layer loads the task's stream, checks the caller may read the task
 * (libs/application access policy), calls the pure decider and appends at the version read. An
 * assignment over HTTP must name a plan its committee issued.
 */
@CommandHandler(DecideTask)
export class DecideTaskHandler implements ICommandHandler<DecideTask> {
  constructor(
    private readonly commands: CommandProcessor,
    private readonly references: TaskReferences,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
  ) {}

  async execute({ command: request, context }: DecideTask): Promise<CommandResult> {
    let command = request;
    const actor = actorOf(context.principal);
    // Only someone who may assign at all learns about plans; the decider refuses the rest.
    if (command.type === 'AssignTask' && actor.roles.includes('issuer')) {
      const plan = await this.references.requirePlanIssuedBy(command.data.planId, issuingAgencyOf(actor));
      // A back-dated assignment cannot take effect before its plan was issued (the decider checks).
      command = { ...command, data: { ...command.data, planIssuedOn: plan.issuedOn } };
    }
    // Values only for the plan's indicators, each in its unit (the decider checks against them).
    if (command.type === 'ReportProgress' && (command.data.indicatorValues?.length ?? 0) > 0) {
      const planIndicators = await this.references.indicatorsOfTaskPlan(command.data.taskId);
      if (planIndicators !== undefined) command = { ...command, data: { ...command.data, planIndicators } };
    }
    return this.commands.handleCommand({
      name: command.type,
      streamId: taskStreamId(command.data.taskId),
      model: taskModel,
      decide: (state, now) => {
        // First: a caller who may not read the task learns nothing of it, not even that it exists.
        // Assigning creates the task, so it is the decider's (an id in use is `task.already-exists`).
        // The committee carrying on a dissolved committee's plans reads and decides on its tasks as
        // that committee's issuer (ADR 0032).
        const deciding = actorForSucceededIssuer(actor, state, (code) => this.directory.successorsOf(code));
        const reader =
          deciding.issuesFor === undefined
            ? context.principal
            : { ...context.principal, issuesFor: deciding.issuesFor };
        if (command.type !== 'AssignTask') requireReadableTask(this.policy, reader, state);
        return decide(
          { ...command, metadata: { actor: deciding, now, occurredAt: context.occurredAt } },
          state,
        );
      },
      context: applicationContext(context, actor),
      answerIds: answerIdsOf(command),
    });
  }
}

/** What a command creates is named in the answer: the caller reads or decides on it by that id. */
function answerIdsOf(command: TaskCommandRequest): CommandAnswerIds | undefined {
  if (command.type === 'AssignTask') return { taskId: command.data.taskId };
  if (command.type === 'RequestHandoff') return { handoffId: command.data.handoffId };
  if (command.type === 'RequestExtension') return { extensionId: command.data.extensionId };
  return undefined;
}
