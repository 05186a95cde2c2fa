import { toNfc } from '#libs/shared-kernel';
import type { Hasher } from '../ports/system.port.js';

/**
 * A stable hash of what was asked: the route and the body, keys sorted, absent values dropped,
 * text in NFC (the same text in NFD or NFC is the same request: commands store it in NFC).
 */
export function hashRequest(hasher: Hasher, route: string, body: unknown): string {
  return hasher.sha256Hex(`${route}\n${stableJson(body)}`);
}

export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, item]) => item !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([key, item]) => `${JSON.stringify(toNfc(key))}:${stableJson(item)}`).join(',')}}`;
  }
  if (typeof value === 'string') return JSON.stringify(toNfc(value));
  return JSON.stringify(value) ?? 'null';
}
