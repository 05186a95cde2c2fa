import type { DecisionErrorKind } from '#libs/shared-kernel';
import type { CommandResult } from '../commands/command-result.js';
import type { Appended, EventToAppend } from './event-store.port.js';

/** A decider's refusal, kept so that a retry under the same key is refused the same way. */
export interface StoredRefusal {
  readonly code: string;
  readonly kind: DecisionErrorKind;
  readonly message: string;
  readonly details?: Readonly<Record<string, unknown>> | undefined;
}

/** The first answer under a key: what the command wrote, or why it was refused. */
export type StoredAnswer = { readonly result: CommandResult } | { readonly refusal: StoredRefusal };

export interface StoredCommand {
  readonly requestHash: string;
  readonly answer: StoredAnswer;
}

/** Whose key, which key, for which request. Keys belong to the person sending them. */
export interface IdempotencyRecord {
  readonly owner: string;
  readonly key: string;
  readonly requestHash: string;
}

/**
 * Remembers each command's Idempotency-Key with its request's hash and its first answer.
 * Adapter: PostgreSQL (libs/platform/src/commands/postgres-idempotency-store.ts).
 */
export interface IdempotencyStore {
  find(owner: string, key: string): Promise<StoredCommand | null>;
  /** Keeps a refusal under the key; false when another request stored the key first. */
  saveRefusal(record: IdempotencyRecord, refusal: StoredRefusal): Promise<boolean>;
  /**
   * Appends (when there are events) and stores the answer under the key atomically, so a retry
   * finds both or neither. `answerOf` builds the answer from what the append gave (null: nothing
   * to append). Answers 'key-taken', with nothing written, when another request stored the key
   * first; rejects with `AppendConflict` like `CommandEventStore.append`.
   */
  appendAndRemember(
    append: {
      readonly streamId: string;
      readonly events: readonly EventToAppend[];
      readonly expectedVersion: number;
    } | null,
    record: IdempotencyRecord,
    answerOf: (appended: Appended | null) => CommandResult,
  ): Promise<CommandResult | 'key-taken'>;
}
