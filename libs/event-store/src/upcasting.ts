import type { RecordedEvent } from './event-store.port.js';

/** Turns an event stored under an old schema version into the shape today's code expects. */
export type Upcaster = (event: RecordedEvent) => RecordedEvent;

export interface UpcastStep {
  readonly type: string;
  /** The schema version this step reads; it produces fromVersion + 1. */
  readonly fromVersion: number;
  readonly upcast: (data: unknown) => unknown;
}

/** Chains steps per event type: v1 -> v2 -> v3 ... until no step applies. */
export function upcasterFrom(steps: readonly UpcastStep[]): Upcaster {
  const byKey = new Map(steps.map((step) => [`${step.type}@${step.fromVersion}`, step]));
  return (event) => {
    let current = event;
    for (;;) {
      const step = byKey.get(`${current.type}@${current.schemaVersion}`);
      if (!step) return current;
      current = { ...current, data: step.upcast(current.data), schemaVersion: current.schemaVersion + 1 };
    }
  };
}
