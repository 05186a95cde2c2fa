import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { agencyModel, CommandProcessor, type CommandResult } from '#libs/application';
import { agencyHeads, agencyStreamId, type RecordAgencyHead } from '#libs/agencies';
import { actorOf } from '../commands/actor.js';
import { applicationContext, type CommandContext } from '../commands/command-context.js';

/** Record on an agency's stream who heads it from when; the handler adds who and when. */
export class DecideAgency extends Command<CommandResult> {
  constructor(
    readonly command: Omit<RecordAgencyHead, 'metadata'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DecideAgency)
export class DecideAgencyHandler implements ICommandHandler<DecideAgency> {
  constructor(private readonly commands: CommandProcessor) {}

  execute({ command, context }: DecideAgency): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    return this.commands.handleCommand({
      name: command.type,
      streamId: agencyStreamId(command.data.agencyCode),
      model: agencyModel,
      decide: (state, now) => agencyHeads.decide({ ...command, metadata: { actor, now } }, state),
      context: applicationContext(context, actor),
    });
  }
}
