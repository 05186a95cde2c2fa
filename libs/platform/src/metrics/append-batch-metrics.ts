import { Injectable } from '@nestjs/common';
import { Histogram } from 'prom-client';
import type { AppendBatchInfo } from '#libs/event-store';
import { MetricsRegistry } from './metrics-registry.js';

const SIZES = [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1000];

/** Sizes of the group commits of the event store (docs/adr/0004-group-commit-of-appends.md). */
@Injectable()
export class AppendBatchMetrics {
  private readonly appends: Histogram;
  private readonly events: Histogram;

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    this.appends = new Histogram({
      name: 'coord_append_batch_appends',
      help: 'Appends written together in one transaction by the event store (group commit)',
      buckets: SIZES,
      registers,
    });
    this.events = new Histogram({
      name: 'coord_append_batch_events',
      help: 'Events written together in one transaction by the event store (group commit)',
      buckets: SIZES,
      registers,
    });
  }

  /** For PostgresEventStoreOptions.onAppendBatch. */
  readonly observe = (batch: AppendBatchInfo): void => {
    this.appends.observe(batch.appends);
    this.events.observe(batch.events);
  };
}
