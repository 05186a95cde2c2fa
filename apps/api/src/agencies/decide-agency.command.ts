import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { agencyHeads, agencyStreamId, type RecordAgencyHead } from '#libs/agencies';
import { actorOf } from '../commands/actor.js';
import { CommandExecutor, type CommandContext } from '../commands/command-executor.js';
import type { CommandResult } from '../commands/command-result.js';
import { agencyModel } from '../commands/stream-models.js';

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
  constructor(private readonly executor: CommandExecutor) {}

  execute({ command, context }: DecideAgency): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    return this.executor.execute(
      agencyStreamId(command.data.agencyCode),
      context,
      agencyModel,
      (state, now) => agencyHeads.decide({ ...command, metadata: { actor, now } }, state),
    );
  }
}
