import type pg from 'pg';
import { assertSchemaName } from '#libs/event-store';
import { activeSecrets, rotate, type DeliveryAfterAttempt, type DeliveryStatus } from '#libs/webhooks';

type Queryable = Pick<pg.Pool | pg.PoolClient, 'query'>;

/** An agency's endpoint, as answered over HTTP (never its secrets). */
export interface WebhookEndpoint {
  readonly id: string;
  readonly agencyCode: string;
  readonly url: string;
  readonly eventTypes: readonly string[];
  readonly description: string | null;
  readonly status: 'active' | 'disabled';
  readonly createdBy: string;
  readonly createdAt: string;
  readonly disabledAt: string | null;
  /** The secrets that sign now and when each stops: two during a rotation's overlap. */
  readonly secrets: readonly {
    readonly id: string;
    readonly createdAt: string;
    readonly expiresAt: string | null;
  }[];
}

/** One event to one endpoint, as `GET .../deliveries` answers it. */
export interface WebhookDelivery {
  readonly id: string;
  /** The `webhook-id` header, equal to the CloudEvents `id`: the same on every attempt. */
  readonly messageId: string;
  readonly eventType: string;
  /** The task (or stream) whose order it keeps. */
  readonly orderingKey: string;
  /** The event's global position in the log, decimal. */
  readonly position: string;
  readonly status: DeliveryStatus;
  /** Pending behind an earlier event of the same task that is not delivered yet. */
  readonly waitingForEarlier: boolean;
  readonly attempts: number;
  readonly queuedAt: string;
  readonly lastAttemptAt: string | null;
  readonly lastStatusCode: number | null;
  readonly lastError: string | null;
  readonly nextAttemptAt: string | null;
  readonly deliveredAt: string | null;
}

/** Where the dispatcher sends an agency's events. */
export interface ActiveEndpoint {
  readonly id: string;
  readonly eventTypes: readonly string[];
  /** The newest global position at its registration: it receives the events after it. */
  readonly fromPosition: bigint;
}

/** A delivery to queue: one event for one endpoint. */
export interface QueuedDelivery {
  readonly endpointId: string;
  readonly messageId: string;
  readonly eventType: string;
  readonly orderingKey: string;
  readonly position: bigint;
  readonly body: string;
}

/** A delivery the sender may attempt now: the oldest undelivered one of its task at its endpoint. */
export interface DueDelivery {
  readonly deliveryId: string;
  readonly endpointId: string;
  readonly messageId: string;
  readonly body: string;
  readonly attempts: number;
  readonly url: string;
  /** Active secrets, newest first. */
  readonly secrets: readonly string[];
}

export interface AttemptRecord extends DeliveryAfterAttempt {
  readonly deliveryId: string;
  readonly attemptedAt: Date;
}

interface EndpointRow {
  endpoint_id: string;
  agency_code: string;
  url: string;
  event_types: string[];
  description: string | null;
  status: 'active' | 'disabled';
  created_by: string;
  created_at: Date;
  disabled_at: Date | null;
}

interface SecretRow {
  secret_id: string;
  endpoint_id: string;
  secret: string;
  created_at: Date;
  expires_at: Date | null;
}

/**
 * Endpoints, their secrets and their deliveries, in the service's database (docs/adr/0030).
 * Secrets stay here, never in the event log: the log is copied to the ledger, NATS and auditors.
 */
export class WebhookStore {
  private readonly s: string;

  constructor(
    private readonly pool: pg.Pool,
    schema: string,
  ) {
    this.s = assertSchemaName(schema);
  }

  async migrate(): Promise<void> {
    const s = this.s;
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [`coord-webhooks:${s}`]);
      await client.query(`
        create table if not exists ${s}.webhook_endpoints (
          endpoint_id uuid primary key,
          agency_code text not null,
          url text not null,
          event_types text[] not null,
          description text,
          status text not null default 'active' check (status in ('active', 'disabled')),
          created_by text not null,
          created_at timestamptz not null,
          -- The newest position in the log when it was registered: it receives what comes after.
          from_position bigint not null,
          disabled_by text,
          disabled_at timestamptz
        );
        create index if not exists webhook_endpoints_agency on ${s}.webhook_endpoints (agency_code, created_at);
        create table if not exists ${s}.webhook_secrets (
          secret_id uuid primary key,
          endpoint_id uuid not null references ${s}.webhook_endpoints (endpoint_id),
          secret text not null,
          created_at timestamptz not null,
          expires_at timestamptz
        );
        create index if not exists webhook_secrets_endpoint on ${s}.webhook_secrets (endpoint_id);
        create table if not exists ${s}.webhook_deliveries (
          delivery_id bigserial primary key,
          endpoint_id uuid not null references ${s}.webhook_endpoints (endpoint_id),
          message_id text not null,
          event_type text not null,
          ordering_key text collate "C" not null,
          position bigint not null,
          body text not null,
          status text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
          attempts integer not null default 0,
          queued_at timestamptz not null default now(),
          next_attempt_at timestamptz not null default now(),
          last_attempt_at timestamptz,
          last_status_code integer,
          last_error text,
          delivered_at timestamptz,
          unique (endpoint_id, message_id)
        );
        -- The sender's questions: what is due, and is anything of its task before it undelivered.
        create index if not exists webhook_deliveries_due on ${s}.webhook_deliveries
          (next_attempt_at, delivery_id) where status = 'pending';
        create index if not exists webhook_deliveries_open on ${s}.webhook_deliveries
          (endpoint_id, ordering_key, position) where status <> 'delivered';
        -- An endpoint's deliveries newest first, a keyset page at a time (GET .../deliveries).
        create index if not exists webhook_deliveries_endpoint on ${s}.webhook_deliveries
          (endpoint_id, delivery_id);
      `);
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  async createEndpoint(input: {
    readonly id: string;
    readonly agencyCode: string;
    readonly url: string;
    readonly eventTypes: readonly string[];
    readonly description: string | null;
    readonly createdBy: string;
    readonly secretId: string;
    readonly secret: string;
    readonly now: Date;
    /** The newest global position now: the endpoint receives the events after it. */
    readonly fromPosition: bigint;
  }): Promise<WebhookEndpoint> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      await client.query(
        `insert into ${this.s}.webhook_endpoints
           (endpoint_id, agency_code, url, event_types, description, created_by, created_at,
            from_position)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          input.id,
          input.agencyCode,
          input.url,
          input.eventTypes,
          input.description,
          input.createdBy,
          input.now,
          input.fromPosition.toString(),
        ],
      );
      await client.query(
        `insert into ${this.s}.webhook_secrets (secret_id, endpoint_id, secret, created_at) values ($1, $2, $3, $4)`,
        [input.secretId, input.id, input.secret, input.now],
      );
      await client.query('commit');
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    return (await this.endpoint(input.agencyCode, input.id, input.now))!;
  }

  async endpoints(agencyCode: string, now: Date): Promise<WebhookEndpoint[]> {
    const { rows } = await this.pool.query<EndpointRow>(
      `select * from ${this.s}.webhook_endpoints where agency_code = $1 order by created_at, endpoint_id`,
      [agencyCode],
    );
    return this.withSecrets(rows, now);
  }

  /** The endpoint of that agency, or null (also when it belongs to another agency). */
  async endpoint(
    agencyCode: string,
    id: string,
    now: Date,
    db: Queryable = this.pool,
  ): Promise<WebhookEndpoint | null> {
    const { rows } = await db.query<EndpointRow>(
      `select * from ${this.s}.webhook_endpoints where agency_code = $1 and endpoint_id = $2`,
      [agencyCode, id],
    );
    return (await this.withSecrets(rows, now, db))[0] ?? null;
  }

  /** Stops its deliveries; those queued stay listed. Answers the endpoint, or null. */
  async disableEndpoint(
    agencyCode: string,
    id: string,
    by: string,
    now: Date,
  ): Promise<WebhookEndpoint | null> {
    await this.pool.query(
      `update ${this.s}.webhook_endpoints set status = 'disabled', disabled_by = $3, disabled_at = $4
        where agency_code = $1 and endpoint_id = $2 and status = 'active'`,
      [agencyCode, id, by, now],
    );
    return this.endpoint(agencyCode, id, now);
  }

  /**
   * A new secret that signs from now on; the current one goes on signing for `overlapSeconds`
   * (libs/webhooks rotate). Null when there is no such active endpoint.
   */
  async rotateSecret(input: {
    readonly agencyCode: string;
    readonly endpointId: string;
    readonly secretId: string;
    readonly secret: string;
    readonly overlapSeconds: number;
    readonly now: Date;
  }): Promise<WebhookEndpoint | null> {
    const client = await this.pool.connect();
    try {
      await client.query('begin');
      // One rotation at a time per endpoint: each sees the secrets the one before left.
      const locked = await client.query(
        `select 1 from ${this.s}.webhook_endpoints
          where agency_code = $1 and endpoint_id = $2 and status = 'active' for update`,
        [input.agencyCode, input.endpointId],
      );
      if (locked.rowCount === 0) {
        await client.query('rollback');
        return null;
      }
      const { rows } = await client.query<SecretRow>(
        `select * from ${this.s}.webhook_secrets where endpoint_id = $1`,
        [input.endpointId],
      );
      const rotation = rotate(
        rows.map((row) => ({
          secretId: row.secret_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
        })),
        input.now,
        input.overlapSeconds,
      );
      for (const { secretId, expiresAt } of rotation.expire) {
        await client.query(`update ${this.s}.webhook_secrets set expires_at = $2 where secret_id = $1`, [
          secretId,
          expiresAt,
        ]);
      }
      await client.query(
        `insert into ${this.s}.webhook_secrets (secret_id, endpoint_id, secret, created_at) values ($1, $2, $3, $4)`,
        [input.secretId, input.endpointId, input.secret, input.now],
      );
      const endpoint = await this.endpoint(input.agencyCode, input.endpointId, input.now, client);
      await client.query('commit');
      return endpoint;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
  }

  /** Active endpoints by agency, with the event types each asks for (the dispatcher's routing). */
  async activeEndpoints(): Promise<Map<string, ActiveEndpoint[]>> {
    const { rows } = await this.pool.query<{
      endpoint_id: string;
      agency_code: string;
      event_types: string[];
      from_position: string;
    }>(
      `select endpoint_id, agency_code, event_types, from_position::text as from_position
         from ${this.s}.webhook_endpoints where status = 'active'`,
    );
    const byAgency = new Map<string, ActiveEndpoint[]>();
    for (const row of rows) {
      const list = byAgency.get(row.agency_code) ?? [];
      list.push({
        id: row.endpoint_id,
        eventTypes: row.event_types,
        fromPosition: BigInt(row.from_position),
      });
      byAgency.set(row.agency_code, list);
    }
    return byAgency;
  }

  /** Queues deliveries, in the order given; one already queued (a batch handled again) is kept as it is. */
  async enqueue(deliveries: readonly QueuedDelivery[]): Promise<number> {
    if (deliveries.length === 0) return 0;
    const result = await this.pool.query(
      `insert into ${this.s}.webhook_deliveries (endpoint_id, message_id, event_type, ordering_key, position, body)
       select endpoint_id, message_id, event_type, ordering_key, position, body
         from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[])
              with ordinality as d(endpoint_id, message_id, event_type, ordering_key, position, body, n)
        order by n
       on conflict (endpoint_id, message_id) do nothing`,
      [
        deliveries.map((d) => d.endpointId),
        deliveries.map((d) => d.messageId),
        deliveries.map((d) => d.eventType),
        deliveries.map((d) => d.orderingKey),
        deliveries.map((d) => d.position.toString()),
        deliveries.map((d) => d.body),
      ],
    );
    return result.rowCount ?? 0;
  }

  /**
   * Up to `limit` deliveries to attempt now: of each task at each active endpoint, the oldest not
   * delivered, if it is pending and due (a dead one holds its task's later events back until it
   * is replayed). `inFlight`: deliveries being attempted, left out.
   */
  async due(limit: number, inFlight: readonly string[]): Promise<DueDelivery[]> {
    const s = this.s;
    // Due deliveries in the order they fell due, each kept only if its endpoint is active and it
    // is the first undelivered one of its task there. Both checks are scalar subqueries: the
    // planner runs them per row through their index, whatever it knows (or wrongly believes, as
    // statistics of a queue are soon stale) of the table's size.
    const { rows: heads } = await this.pool.query<{
      delivery_id: string;
      endpoint_id: string;
      url: string;
      message_id: string;
      body: string;
      attempts: number;
    }>(
      `select d.delivery_id::text as delivery_id, d.endpoint_id, d.message_id, d.body, d.attempts,
              (select e.url from ${s}.webhook_endpoints e where e.endpoint_id = d.endpoint_id) as url
         from ${s}.webhook_deliveries d
        where d.status = 'pending' and d.next_attempt_at <= now() and d.delivery_id <> all($2::bigint[])
          and (select e.status from ${s}.webhook_endpoints e where e.endpoint_id = d.endpoint_id) = 'active'
          and d.position = (
            select p.position from ${s}.webhook_deliveries p
             where p.endpoint_id = d.endpoint_id and p.ordering_key = d.ordering_key and p.status <> 'delivered'
             order by p.position limit 1)
        order by d.next_attempt_at, d.delivery_id
        limit $1`,
      [limit, inFlight],
    );
    if (heads.length === 0) return [];
    const secrets = await this.activeSecretsOf(
      [...new Set(heads.map((head) => head.endpoint_id))],
      new Date(),
    );
    return heads.map((head) => ({
      deliveryId: head.delivery_id,
      endpointId: head.endpoint_id,
      messageId: head.message_id,
      body: head.body,
      attempts: head.attempts,
      url: head.url,
      secrets: secrets.get(head.endpoint_id) ?? [],
    }));
  }

  /** Stores what attempts came to, all in one statement. */
  async recordAttempts(records: readonly AttemptRecord[]): Promise<void> {
    if (records.length === 0) return;
    await this.pool.query(
      `update ${this.s}.webhook_deliveries d
          set status = r.status, attempts = r.attempts, last_attempt_at = r.attempted_at,
              next_attempt_at = coalesce(r.next_attempt_at, d.next_attempt_at),
              last_status_code = r.last_status_code, last_error = r.last_error,
              delivered_at = case when r.status = 'delivered' then r.attempted_at else d.delivered_at end
         from unnest($1::bigint[], $2::text[], $3::int[], $4::timestamptz[], $5::timestamptz[], $6::int[], $7::text[])
              as r(delivery_id, status, attempts, attempted_at, next_attempt_at, last_status_code, last_error)
        where d.delivery_id = r.delivery_id`,
      [
        records.map((r) => r.deliveryId),
        records.map((r) => r.status),
        records.map((r) => r.attempts),
        records.map((r) => r.attemptedAt),
        records.map((r) => r.nextAttemptAt),
        records.map((r) => r.lastStatusCode),
        records.map((r) => r.lastError),
      ],
    );
  }

  /** Deliveries of an endpoint, newest first, after the cursor `before` (a delivery id). */
  async deliveries(
    endpointId: string,
    options: { readonly status?: DeliveryStatus; readonly before?: string; readonly limit: number },
  ): Promise<WebhookDelivery[]> {
    const s = this.s;
    const { rows } = await this.pool.query<{
      delivery_id: string;
      message_id: string;
      event_type: string;
      ordering_key: string;
      position: string;
      status: DeliveryStatus;
      waiting: boolean;
      attempts: number;
      queued_at: Date;
      last_attempt_at: Date | null;
      last_status_code: number | null;
      last_error: string | null;
      next_attempt_at: Date;
      delivered_at: Date | null;
    }>(
      `select d.delivery_id::text as delivery_id, d.message_id, d.event_type, d.ordering_key,
              d.position::text as position, d.status, d.attempts, d.queued_at, d.last_attempt_at,
              d.last_status_code, d.last_error, d.next_attempt_at, d.delivered_at,
              d.status = 'pending' and exists (
                select 1 from ${s}.webhook_deliveries e
                 where e.endpoint_id = d.endpoint_id and e.ordering_key = d.ordering_key
                   and e.position < d.position and e.status <> 'delivered') as waiting
         from ${s}.webhook_deliveries d
        where d.endpoint_id = $1 and ($2::text is null or d.status = $2)
          and ($3::bigint is null or d.delivery_id < $3)
        order by d.delivery_id desc
        limit $4`,
      [endpointId, options.status ?? null, options.before ?? null, options.limit],
    );
    return rows.map((row) => ({
      id: row.delivery_id,
      messageId: row.message_id,
      eventType: row.event_type,
      orderingKey: row.ordering_key,
      position: row.position,
      status: row.status,
      waitingForEarlier: row.waiting,
      attempts: row.attempts,
      queuedAt: row.queued_at.toISOString(),
      lastAttemptAt: row.last_attempt_at?.toISOString() ?? null,
      lastStatusCode: row.last_status_code,
      lastError: row.last_error,
      nextAttemptAt: row.status === 'pending' ? row.next_attempt_at.toISOString() : null,
      deliveredAt: row.delivered_at?.toISOString() ?? null,
    }));
  }

  /**
   * Puts dead deliveries of an endpoint back in the queue, due now, with a fresh schedule: all of
   * them, or those named. Answers the ids replayed.
   */
  async replay(endpointId: string, deliveryIds: readonly string[] | undefined, now: Date): Promise<string[]> {
    const { rows } = await this.pool.query<{ delivery_id: string }>(
      `update ${this.s}.webhook_deliveries
          set status = 'pending', attempts = 0, next_attempt_at = $3
        where endpoint_id = $1 and status = 'dead' and ($2::bigint[] is null or delivery_id = any($2::bigint[]))
        returning delivery_id::text as delivery_id`,
      [endpointId, deliveryIds ?? null, now],
    );
    return rows.map((row) => row.delivery_id).sort((a, b) => Number(BigInt(a) - BigInt(b)));
  }

  /** Forgets deliveries delivered before `before` (the list keeps the recent past). */
  async pruneDelivered(before: Date): Promise<number> {
    const result = await this.pool.query(
      `delete from ${this.s}.webhook_deliveries where status = 'delivered' and delivered_at < $1`,
      [before],
    );
    return result.rowCount ?? 0;
  }

  private async activeSecretsOf(endpointIds: readonly string[], now: Date): Promise<Map<string, string[]>> {
    const { rows } = await this.pool.query<SecretRow>(
      `select * from ${this.s}.webhook_secrets where endpoint_id = any($1::uuid[])
          and (expires_at is null or expires_at > $2)`,
      [endpointIds, now],
    );
    const byEndpoint = new Map<string, string[]>();
    for (const id of endpointIds) {
      const own = rows.filter((row) => row.endpoint_id === id);
      const active = activeSecrets(
        own.map((row) => ({
          secretId: row.secret_id,
          createdAt: row.created_at,
          expiresAt: row.expires_at,
          row,
        })),
        now,
      );
      byEndpoint.set(
        id,
        active.map((secret) => secret.row.secret),
      );
    }
    return byEndpoint;
  }

  private async withSecrets(
    rows: readonly EndpointRow[],
    now: Date,
    db: Queryable = this.pool,
  ): Promise<WebhookEndpoint[]> {
    if (rows.length === 0) return [];
    const { rows: secrets } = await db.query<SecretRow>(
      `select secret_id, endpoint_id, created_at, expires_at from ${this.s}.webhook_secrets
        where endpoint_id = any($1::uuid[])`,
      [rows.map((row) => row.endpoint_id)],
    );
    return rows.map((row) => ({
      id: row.endpoint_id,
      agencyCode: row.agency_code,
      url: row.url,
      eventTypes: row.event_types,
      description: row.description,
      status: row.status,
      createdBy: row.created_by,
      createdAt: row.created_at.toISOString(),
      disabledAt: row.disabled_at?.toISOString() ?? null,
      secrets: activeSecrets(
        secrets
          .filter((secret) => secret.endpoint_id === row.endpoint_id)
          .map((secret) => ({
            secretId: secret.secret_id,
            createdAt: secret.created_at,
            expiresAt: secret.expires_at,
          })),
        now,
      ).map((secret) => ({
        id: secret.secretId,
        createdAt: secret.createdAt.toISOString(),
        expiresAt: secret.expiresAt?.toISOString() ?? null,
      })),
    }));
  }
}
