import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsRegistry } from './metrics-registry.js';

/** How a command ended, as the metrics count it. */
export type CommandOutcome = 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';

export interface CommandHandledInfo {
  /** The command's type, e.g. 'AcknowledgeTask'. */
  readonly command: string;
  /**
   * ok: events written; no-op: nothing to write; refused: the decider or a check said no;
   * conflict: concurrent writers won every attempt; error: anything else.
   */
  readonly outcome: CommandOutcome;
  /** From receiving the command to its answer, retries included. */
  readonly durationSeconds: number;
  /**
   * Decisions tried: 1 when the first one was answered, more when it was decided again (the state
   * cached in the process was stale, or a concurrent write won); 0 for an answer replayed under
   * its Idempotency-Key.
   */
  readonly attempts: number;
}

/** A command type becomes a label value only if it looks like one: labels must stay few. */
const COMMAND_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

/**
 * Command rate, latency and retries by command and outcome: the application layer's
 * CommandObserver (libs/application), provided as such by the API.
 */
@Injectable()
export class CommandMetrics {
  private readonly handled: Counter<'command' | 'outcome'>;
  private readonly duration: Histogram<'command' | 'outcome'>;
  private readonly retries: Counter<'command'>;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.handled = new Counter({
      name: 'coord_commands_total',
      help: 'Commands handled, by command type and outcome',
      labelNames: ['command', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'coord_command_duration_seconds',
      help: 'Time from receiving a command to its answer, retries included',
      labelNames: ['command', 'outcome'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.retries = new Counter({
      name: 'coord_command_retries_total',
      help: 'Commands decided again after a concurrent write won the append (attempts beyond the first)',
      labelNames: ['command'],
      registers,
    });
  }

  commandHandled(info: {
    command: string;
    outcome: 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';
    durationSeconds: number;
    attempts: number;
  }): void {
    const command = COMMAND_NAME.test(info.command) ? info.command : 'other';
    const labels = { command, outcome: info.outcome };
    this.handled.inc(labels);
    this.duration.observe(labels, Math.max(0, info.durationSeconds));
    if (info.attempts > 1) this.retries.inc({ command }, info.attempts - 1);
  }
}
