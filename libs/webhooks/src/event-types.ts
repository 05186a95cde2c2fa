/**
 * The event types an endpoint asks for: stored event type names (`TaskAssigned`,
 * `DeadlineLapsed`, ...) or `*` for everything its agency receives on NATS.
 */
export const ALL_EVENT_TYPES = '*';

/** PascalCase event type names, as stored and as the `coordeventtype` attribute carries them. */
export const EVENT_TYPE_PATTERN = /^[A-Z][A-Za-z0-9]{0,99}$/;

export function wantsEventType(eventTypes: readonly string[], eventType: string): boolean {
  return eventTypes.includes(ALL_EVENT_TYPES) || eventTypes.includes(eventType);
}

/** Sorted, without repeats; `*` alone when it is asked for. */
export function normaliseEventTypes(eventTypes: readonly string[]): string[] {
  if (eventTypes.includes(ALL_EVENT_TYPES)) return [ALL_EVENT_TYPES];
  return [...new Set(eventTypes)].sort();
}
