import { Inject, Injectable, Logger, Optional } from '@nestjs/common';
import { Gauge } from 'prom-client';
import { assertSchemaName, type Database } from '#libs/event-store';
import { DEFAULT_PUBLISHER_SUBSCRIPTION_ID } from '#libs/fanout';
import { ProjectionRunner } from '#libs/projections';
import type { AppConfig } from '../config.js';
import { NatsClient } from '../nats.module.js';
import { APP_CONFIG, DATABASE } from '../tokens.js';
import { MetricsRegistry } from './metrics-registry.js';

/** Events behind are counted up to this many; beyond, they are estimated from global positions. */
export const LAG_COUNT_LIMIT = 100_000;

interface LagRow {
  kind: 'projection' | 'subscription';
  name: string;
  /** Events after the checkpoint, counted up to LAG_COUNT_LIMIT + 1. */
  events: number;
  /** How long ago the oldest event after the checkpoint was recorded; 0 when caught up. */
  seconds: number;
  position: string;
  head: string;
}

/**
 * How far the projections and the NATS publisher are behind the log, read at scrape time from
 * their checkpoints and the log itself, so any process can tell (the API while the worker is
 * stopped, too). In events ("positions") and in seconds: how long ago the oldest event not yet
 * processed was recorded (0 when caught up).
 *
 * Cheap: one statement per scrape; each distinct checkpoint costs an index range scan of the
 * events after it (capped at LAG_COUNT_LIMIT) and one index lookup.
 */
@Injectable()
export class LogLagMetrics {
  private readonly logger = new Logger('Metrics');
  private readonly schema: string;
  private readonly projections: readonly string[];
  private readonly subscriptions: readonly string[];
  private snapshot: Promise<LagRow[] | undefined> | undefined;

  constructor(
    metrics: MetricsRegistry,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(APP_CONFIG) config: AppConfig,
    @Optional() runner?: ProjectionRunner,
    @Optional() nats?: NatsClient,
  ) {
    this.schema = assertSchemaName(config.databaseSchema);
    this.projections = runner?.names ?? [];
    // The publisher runs (and has a lag) only where NATS is configured.
    this.subscriptions = nats ? [DEFAULT_PUBLISHER_SUBSCRIPTION_ID] : [];
    const registers = [metrics.registry];
    // The gauges' collect() runs with the gauge as `this`.
    const rows = (kind: LagRow['kind']) => this.rows(kind);

    if (this.projections.length > 0) {
      new Gauge({
        name: 'coord_projection_lag_positions',
        help: `Events in the log after the projection's checkpoint (counted up to ${LAG_COUNT_LIMIT}, estimated beyond)`,
        labelNames: ['projection'],
        registers,
        async collect() {
          this.reset();
          for (const row of await rows('projection')) this.set({ projection: row.name }, eventsBehind(row));
        },
      });
      new Gauge({
        name: 'coord_projection_lag_seconds',
        help: 'How long ago the oldest event the projection has not processed was recorded (0 when caught up)',
        labelNames: ['projection'],
        registers,
        async collect() {
          this.reset();
          for (const row of await rows('projection')) this.set({ projection: row.name }, row.seconds);
        },
      });
    }
    if (this.subscriptions.length > 0) {
      new Gauge({
        name: 'coord_publisher_lag_positions',
        help: `Events in the log not yet published to NATS JetStream (counted up to ${LAG_COUNT_LIMIT}, estimated beyond)`,
        registers,
        async collect() {
          this.reset();
          const [row] = await rows('subscription');
          if (row) this.set(eventsBehind(row));
        },
      });
      new Gauge({
        name: 'coord_publisher_lag_seconds',
        help: 'How long ago the oldest event not yet published to NATS JetStream was recorded (0 when caught up)',
        registers,
        async collect() {
          this.reset();
          const [row] = await rows('subscription');
          if (row) this.set(row.seconds);
        },
      });
    }
  }

  /** Rows of one kind from this scrape's snapshot; none when the database did not answer. */
  private async rows(kind: LagRow['kind']): Promise<LagRow[]> {
    // A scrape asks every gauge at once: they share the query in flight, and the next scrape
    // asks again.
    if (!this.snapshot) {
      const snapshot = this.query().catch((error: unknown) => {
        // The series are left out of this scrape: a gap says "unknown", a 0 would say "caught up".
        this.logger.warn({ err: error, msg: 'could not read the lag of the projections and publisher' });
        return undefined;
      });
      this.snapshot = snapshot;
      void snapshot.finally(() => {
        if (this.snapshot === snapshot) this.snapshot = undefined;
      });
    }
    return ((await this.snapshot) ?? []).filter((row) => row.kind === kind);
  }

  private async query(): Promise<LagRow[]> {
    const s = this.schema;
    const result = await this.database.pool.query<LagRow>(
      `with checkpoints as (
         select 'projection' as kind, n.name,
                coalesce(c.transaction_id, 0)::text::xid8 as tx, coalesce(c.global_position, 0) as pos
         from unnest($1::text[]) as n(name)
         left join ${s}.projection_checkpoints c on c.projection_name = n.name
         union all
         select 'subscription', n.name, coalesce(c.transaction_id, '0'::xid8), coalesce(c.global_position, 0)
         from unnest($2::text[]) as n(name)
         left join ${s}.subscriptions c on c.subscription_id = n.name
       ),
       positions as (select distinct tx, pos from checkpoints),
       lag as (
         select p.tx, p.pos, behind.events, oldest.recorded_at
         from positions p
         cross join lateral (
           select count(*)::int as events from (
             select 1 from ${s}.events e
             where (e.transaction_id, e.global_position) > (p.tx, p.pos)
             limit $3
           ) counted
         ) behind
         left join lateral (
           select e.recorded_at from ${s}.events e
           where (e.transaction_id, e.global_position) > (p.tx, p.pos)
           order by e.transaction_id, e.global_position
           limit 1
         ) oldest on true
       )
       select c.kind, c.name, l.events,
              greatest(0, coalesce(extract(epoch from clock_timestamp() - l.recorded_at), 0))::float8 as seconds,
              c.pos::text as position,
              (select coalesce(max(global_position), 0) from ${s}.events)::text as head
       from checkpoints c
       join lag l on l.tx = c.tx and l.pos = c.pos`,
      [this.projections, this.subscriptions, LAG_COUNT_LIMIT + 1],
    );
    return result.rows;
  }
}

/** Counted exactly up to the limit; beyond it, the distance in global positions. */
function eventsBehind(row: LagRow): number {
  if (row.events <= LAG_COUNT_LIMIT) return row.events;
  return Math.max(row.events, Number(BigInt(row.head) - BigInt(row.position)));
}
