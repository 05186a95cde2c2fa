import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { decide, issuingAgencyOf, taskStreamId, type TaskCommand } from '#libs/tasks';
import { actorOf } from '../commands/actor.js';
import { CommandExecutor, type CommandContext } from '../commands/command-executor.js';
import type { CommandResult } from '../commands/command-result.js';
import { taskModel } from '../commands/stream-models.js';
import { TaskReferences } from './task-references.js';

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
 * Thin: load the task's stream, call the pure decider, append at the version read
 * (CommandExecutor). An assignment must name a plan its committee issued, whichever path it
 * comes by (POST /tasks or the plan intake).
 */
@CommandHandler(DecideTask)
export class DecideTaskHandler implements ICommandHandler<DecideTask> {
  constructor(
    private readonly executor: CommandExecutor,
    private readonly references: TaskReferences,
  ) {}

  async execute({ command, context }: DecideTask): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    // Only someone who may assign at all learns about plans; the decider refuses the rest.
    if (command.type === 'AssignTask' && actor.roles.includes('issuer')) {
      await this.references.requirePlanIssuedBy(command.data.planId, issuingAgencyOf(actor));
    }
    return this.executor.execute(taskStreamId(command.data.taskId), context, taskModel, (state, now) =>
      decide({ ...command, metadata: { actor, now } }, state),
    );
  }
}
