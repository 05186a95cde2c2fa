import type { ExpectedVersion } from './event-store.port.js';

/** The stream was not at the version the writer expected; nothing was written. */
export class ConcurrencyError extends Error {
  override readonly name = 'ConcurrencyError';
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedVersion,
    readonly actualVersion: number,
  ) {
    super(
      `Stream ${streamId} is at version ${actualVersion}, but the writer expected ${describeExpected(expected)}`,
    );
  }
}

/** An append mixed event ids already stored with new ones, or reused an id in another stream. */
export class DuplicateEventError extends Error {
  override readonly name = 'DuplicateEventError';
  constructor(
    readonly streamId: string,
    readonly eventId: string,
  ) {
    super(`Event ${eventId} is already stored, but not as a retry of the same append to ${streamId}`);
  }
}

export class InvalidAppendError extends Error {
  override readonly name = 'InvalidAppendError';
}

function describeExpected(expected: ExpectedVersion): string {
  switch (expected.kind) {
    case 'any':
      return 'any version';
    case 'no-stream':
      return 'no stream';
    case 'exact':
      return `version ${expected.version}`;
  }
}

/**
 * The appending transaction began before the one that wrote the stream's last event, so its
 * events would be read before that one; or a concurrent transaction wrote the stream's next
 * version first. Nothing was written; retry in a new transaction.
 */
export class AppendOrderError extends Error {
  override readonly name = 'AppendOrderError';
  constructor(readonly streamId: string) {
    super(
      `Stream ${streamId} was appended to by a newer or concurrent transaction; retry the append in a new transaction`,
    );
  }
}
