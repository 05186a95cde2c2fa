import { Injectable, Optional } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { NatsClient } from '../nats.module.js';
import { MetricsRegistry } from './metrics-registry.js';

/** The NATS connection: up or down, and how often it was lost and won back. */
@Injectable()
export class NatsConnectionMetrics {
  constructor(metrics: MetricsRegistry, @Optional() nats?: NatsClient) {
    if (!nats) return;
    const registers = [metrics.registry];
    new Gauge({
      name: 'coord_nats_connected',
      help: '1 while the process is connected to NATS, else 0',
      registers,
      collect() {
        this.set(nats.connected ? 1 : 0);
      },
    });
    const disconnects = new Counter({
      name: 'coord_nats_disconnects_total',
      help: 'Times the NATS connection was lost',
      registers,
    });
    const reconnects = new Counter({
      name: 'coord_nats_reconnects_total',
      help: 'Times the NATS connection was re-established after a loss (JetStream publishing and consumers resume)',
      registers,
    });
    nats.onStatus((status) => {
      if (status.type === 'disconnect') disconnects.inc();
      else if (status.type === 'reconnect') reconnects.inc();
    });
  }
}

/** Server-Sent Events connections open on this process. */
@Injectable()
export class FeedMetrics {
  private readonly sources = new Set<() => number>();

  constructor(metrics: MetricsRegistry) {
    const sources = this.sources;
    new Gauge({
      name: 'coord_sse_clients',
      help: 'Agency feeds (Server-Sent Events) open on this process',
      registers: [metrics.registry],
      collect() {
        let open = 0;
        for (const count of sources) open += count();
        this.set(open);
      },
    });
  }

  /** `count` answers how many feeds are open now; it is asked at each scrape. */
  countConnections(count: () => number): void {
    this.sources.add(count);
  }
}

/** Where a process stands with each hosted subscription (projections, publisher). */
export interface HostedSubscriptionState {
  readonly name: string;
  /** This process holds the subscription's lease and runs it. */
  readonly running: boolean;
}

/** The hosted subscriptions of this process: which it runs, and their failed batches. */
@Injectable()
export class SubscriptionMetrics {
  private readonly failures: Counter<'subscription'>;
  private readonly sources = new Set<() => readonly HostedSubscriptionState[]>();

  constructor(metrics: MetricsRegistry) {
    const registers = [metrics.registry];
    const sources = this.sources;
    this.failures = new Counter({
      name: 'coord_subscription_failures_total',
      help: 'Batches of a hosted subscription that failed (it retries from its checkpoint with a back-off)',
      labelNames: ['subscription'],
      registers,
    });
    new Gauge({
      name: 'coord_subscription_running',
      help: '1 when this process holds the lease of the subscription and runs it, 0 when it stands by',
      labelNames: ['subscription'],
      registers,
      collect() {
        this.reset();
        for (const states of sources)
          for (const { name, running } of states()) this.set({ subscription: name }, running ? 1 : 0);
      },
    });
  }

  /** `states` is asked at each scrape. */
  follow(states: () => readonly HostedSubscriptionState[]): void {
    this.sources.add(states);
  }

  batchFailed(subscription: string): void {
    this.failures.inc({ subscription });
  }
}
