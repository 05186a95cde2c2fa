import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { CommandProcessor, planModel, type CommandResult } from '#libs/application';
import { planDecider, planStreamId, type PlanCommand } from '#libs/plans';
import { actorOf } from '../commands/actor.js';
import { applicationContext, type CommandContext } from '../commands/command-context.js';

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

/** Thin: the application layer loads the plan's stream, calls the pure decider, appends. */
@CommandHandler(DecidePlan)
export class DecidePlanHandler implements ICommandHandler<DecidePlan> {
  constructor(private readonly commands: CommandProcessor) {}

  execute({ command, context }: DecidePlan): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    return this.commands.handleCommand({
      name: command.type,
      streamId: planStreamId(command.data.planId),
      model: planModel,
      decide: (state, now) =>
        planDecider.decide({ ...command, metadata: { actor, now } } as PlanCommand, state),
      context: applicationContext(context, actor),
    });
  }
}
