import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { planDecider, planStreamId, type PlanCommand } from '#libs/plans';
import { actorOf } from '../commands/actor.js';
import { CommandExecutor, type CommandContext } from '../commands/command-executor.js';
import type { CommandResult } from '../commands/command-result.js';
import { planModel } from '../commands/stream-models.js';

/** A plan command as a caller sends it: who sends it and when are added by the handler. */
export type PlanCommandRequest = Omit<PlanCommand, 'metadata'>;

/** Decide one command on a plan's stream and append what it decides. */
export class DecidePlan extends Command<CommandResult> {
  constructor(
    readonly command: PlanCommandRequest,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Thin: load the plan's stream, call the pure decider, append at the version read. */
@CommandHandler(DecidePlan)
export class DecidePlanHandler implements ICommandHandler<DecidePlan> {
  constructor(private readonly executor: CommandExecutor) {}

  execute({ command, context }: DecidePlan): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    return this.executor.execute(planStreamId(command.data.planId), context, planModel, (state, now) =>
      planDecider.decide({ ...command, metadata: { actor, now } }, state),
    );
  }
}
