/** How a command ended, as an observer (metrics, logs) sees it. */
export type CommandOutcomeKind = 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';

/**
 * Told about every command once it is answered: e.g. a metrics adapter counting outcomes and
 * timing them. `attempts` counts the decisions tried (the cached try included; 0 when the answer
 * came from the Idempotency-Key). What it throws is ignored: it never changes the answer.
 */
export interface CommandObserver {
  commandHandled(info: {
    command: string;
    outcome: 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';
    durationSeconds: number;
    attempts: number;
  }): void;
}
