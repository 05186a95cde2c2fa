import { createHash, randomUUID } from 'node:crypto';
import type { SystemPorts } from '#libs/application';

/** The application layer's clock, ids and hashing on Node: wall clock, uuid v4, SHA-256. */
export const nodeSystem: SystemPorts = {
  clock: { now: () => new Date().toISOString() },
  ids: { newId: () => randomUUID() },
  hasher: { sha256Hex: (text) => createHash('sha256').update(text).digest('hex') },
};
