import { Injectable } from '@nestjs/common';
import { collectDefaultMetrics, Registry } from 'prom-client';

let processRegistry: Registry | undefined;

/**
 * Process metrics (CPU, memory, event loop lag, GC, handles), collected once per process: their
 * collectors hook into the runtime, and a test that boots several apps in one process must not
 * hook in again for each.
 */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The application's metrics in Prometheus' text format. Each application (one per process when
 * deployed) has its own registry, so that an API and a worker booted in one test process do not
 * collide; the process metrics are added to every scrape.
 */
@Injectable()
export class MetricsRegistry {
  readonly registry = new Registry();
  readonly contentType = Registry.PROMETHEUS_CONTENT_TYPE;

  constructor() {
    processMetrics();
  }

  /** Everything, as Prometheus scrapes it (text format 0.0.4). */
  scrape(): Promise<string> {
    return Registry.merge([processMetrics(), this.registry]).metrics();
  }
}
