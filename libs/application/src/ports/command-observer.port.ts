/** How a command ended, as an observer (metrics, logs) sees it. */
export type CommandOutcomeKind = 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';

/**
 * Told about every command once it is answered: e.g. a metrics adapter counting outcomes and
 * timing them. It must not throw; it is called after the answer is settled.
 */
export interface CommandObserver {
  commandHandled(info: {
    command: string;
    outcome: 'ok' | 'no-op' | 'refused' | 'conflict' | 'error';
    durationSeconds: number;
    attempts: number;
  }): void;
}
