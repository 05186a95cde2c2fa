import type { Role } from './api';

/** Who is signed in, in this tab: the bearer token and what it stands for. */
export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly agencyCode: string;
  readonly agencyName: string;
  /** A national auditor or inspector: the ledger is theirs to read (the API decides; this only shows it). */
  readonly national?: boolean;
}

const KEY = 'coord.session';

export function loadSession(): Session | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as Session) : null;
  } catch {
    return null;
  }
}

export function saveSession(session: Session | null): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}
