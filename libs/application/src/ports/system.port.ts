/** The wall clock, so that tests and replays can fix time. */
export interface Clock {
  /** Now, as an ISO 8601 instant. */
  now(): string;
}

/** New unique ids (uuid v4 in production). */
export interface IdGenerator {
  newId(): string;
}

/** SHA-256 of UTF-8 text, as lowercase hex (node:crypto in production). */
export interface Hasher {
  sha256Hex(text: string): string;
}

/** What the application layer needs from the machine: time, ids, hashing. */
export interface SystemPorts {
  readonly clock: Clock;
  readonly ids: IdGenerator;
  readonly hasher: Hasher;
}
