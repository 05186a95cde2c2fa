/**
 * Signing secrets of an endpoint. Rotating one adds a new secret and lets the current one go on
 * signing for an overlap (so the receiver can switch whenever it likes): while both are active
 * every delivery carries two signatures. At most two are ever active: a rotation during an
 * overlap ends the older one's overlap at once.
 */
export interface EndpointSecret {
  readonly secretId: string;
  readonly createdAt: Date;
  /** When it stops signing; null: until the next rotation. */
  readonly expiresAt: Date | null;
}

/** The secrets that sign at `now`, newest first. */
export function activeSecrets<S extends EndpointSecret>(secrets: readonly S[], now: Date): S[] {
  return secrets
    .filter((secret) => secret.expiresAt === null || secret.expiresAt.getTime() > now.getTime())
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

export const MAX_ROTATION_OVERLAP_SECONDS = 7 * 24 * 3600;
export const DEFAULT_ROTATION_OVERLAP_SECONDS = 24 * 3600;

export interface Rotation {
  /** Secrets whose expiry moves (to end the overlap of an older one, or to start the current one's). */
  readonly expire: readonly { readonly secretId: string; readonly expiresAt: Date }[];
}

/**
 * What a rotation at `now` does to the secrets there are: the newest active one signs on for
 * `overlapSeconds` (0: stops at once); any other still active stops now.
 */
export function rotate(secrets: readonly EndpointSecret[], now: Date, overlapSeconds: number): Rotation {
  const [current, ...older] = activeSecrets(secrets, now);
  const expire: { secretId: string; expiresAt: Date }[] = older.map((secret) => ({
    secretId: secret.secretId,
    expiresAt: now,
  }));
  if (current) {
    const until = new Date(now.getTime() + overlapSeconds * 1000);
    if (current.expiresAt === null || current.expiresAt.getTime() > until.getTime()) {
      expire.unshift({ secretId: current.secretId, expiresAt: until });
    }
  }
  return { expire };
}
