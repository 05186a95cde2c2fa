import { HttpException, Injectable, type OnModuleInit } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { AppendOrderError, ConcurrencyError } from '#libs/event-store';
import { CommandMetrics, isDecisionError, ProblemError, type CommandOutcome } from '#libs/platform';

/**
 * Measures every command sent on the CommandBus (DecideTask, DecidePlan, DecideAgency): its type
 * is the inner command's (`AssignTask`, `IssuePlan`, ...). A stopgap until the application layer
 * reports each use case to CommandMetrics itself, with its attempts; remove this provider then, or
 * commands are counted twice. The bus does not see retries, so attempts is always 1 here.
 */
@Injectable()
export class CommandBusMetrics implements OnModuleInit {
  constructor(
    private readonly bus: CommandBus,
    private readonly metrics: CommandMetrics,
  ) {}

  onModuleInit(): void {
    const execute = this.bus.execute.bind(this.bus) as (
      command: object,
      context?: unknown,
    ) => Promise<unknown>;
    const measured = async (command: object, context?: unknown): Promise<unknown> => {
      const started = process.hrtime.bigint();
      const report = (outcome: CommandOutcome) =>
        this.metrics.commandHandled({
          command: commandType(command),
          outcome,
          durationSeconds: Number(process.hrtime.bigint() - started) / 1e9,
          attempts: 1,
        });
      try {
        const result = await execute(command, context);
        report(hasEvents(result) ? 'ok' : 'no-op');
        return result;
      } catch (error) {
        report(outcomeOf(error));
        throw error;
      }
    };
    (this.bus as unknown as { execute: typeof measured }).execute = measured;
  }
}

/** `DecideTask { command: { type: 'AcknowledgeTask' } }` is an AcknowledgeTask. */
function commandType(command: object): string {
  const inner = (command as { command?: { type?: unknown } }).command;
  return typeof inner?.type === 'string' ? inner.type : command.constructor.name;
}

function hasEvents(result: unknown): boolean {
  const events = (result as { events?: unknown } | null)?.events;
  return !Array.isArray(events) || events.length > 0;
}

function outcomeOf(error: unknown): CommandOutcome {
  if (error instanceof ConcurrencyError || error instanceof AppendOrderError) return 'conflict';
  if (isDecisionError(error)) return 'refused';
  if (error instanceof ProblemError && error.problem.status < 500) return 'refused';
  if (error instanceof HttpException && error.getStatus() < 500) return 'refused';
  return 'error';
}
