/** How a command ended, as an observer (metrics, logs) sees it. */
export type CommandOutcomeKind = 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';

/**
 * Told about every command once it is answered: e.g. a metrics adapter counting outcomes and
 * timing them. `attempts` counts the decisions that met the store: 1 for a command that went
 * through at once, more when concurrent writers won (a try on a stale cached state that is simply
 * redone does not count; 0 when the answer came from the Idempotency-Key). What it throws is ignored: it never changes the answer.
 */
export interface CommandObserver {
  commandHandled(info: {
    command: string;
    outcome: 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';
    durationSeconds: number;
    attempts: number;
  }): void;
}
