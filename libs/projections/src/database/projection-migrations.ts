import type { DataSource } from 'typeorm';
import { projectionSchema } from './schema.js';

/**
 * The projection tables, as explicit SQL applied in order at start-up (same approach as the event
 * store's migrations). Applied migrations are never edited: a change is a new entry. A migration
 * that changes what a projection stores also bumps that projection's `version`, so its rows are
 * rebuilt from the log. Bookkeeping lives in `projection_migrations`, apart from the event store's
 * `schema_migrations`, because both usually share one schema.
 */
export interface ProjectionMigration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

export const PROJECTION_MIGRATIONS: readonly ProjectionMigration[] = [
  {
    version: 1,
    name: 'checkpoints, task states, plans, tasks, responsibilities, outstanding tasks, trails, plan progress',
    sql: (s) => `
      create table ${s}.projection_checkpoints (
        projection_name text primary key,
        version integer not null,
        transaction_id bigint not null,
        global_position bigint not null,
        updated_at timestamptz not null default now()
      );

      create table ${s}.projection_task_states (
        task_id text primary key,
        stream_version integer not null,
        state jsonb not null
      );

      create table ${s}.plans (
        plan_id text primary key,
        number text,
        document_type text not null,
        title text not null,
        issuer_agency_code text not null,
        jurisdiction text not null,
        issued_on date,
        period_from_year integer not null,
        period_to_year integer not null,
        content_hash text not null,
        source_file_name text,
        issued_by_person_id text not null,
        issued_by_agency_code text not null,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null,
        global_position bigint not null
      );

      create table ${s}.tasks (
        task_id text primary key,
        plan_id text not null,
        title text not null,
        duty text not null,
        source_clause jsonb not null,
        kind text not null,
        report_year integer,
        due_date date not null,
        status text not null,
        issuer_agency_code text not null,
        responsible_agency text,
        assignees jsonb not null,
        handoffs jsonb not null,
        extensions jsonb not null,
        assigned_at timestamptz not null,
        updated_at timestamptz not null,
        stream_version integer not null
      );
      create index tasks_plan on ${s}.tasks (plan_id, task_id);

      create table ${s}.responsibilities (
        agency_code text not null,
        task_id text not null,
        plan_id text not null,
        role text not null,
        title text not null,
        due_date date not null,
        task_status text not null,
        assignment_status text not null,
        since timestamptz not null,
        primary key (agency_code, task_id)
      );
      create index responsibilities_task on ${s}.responsibilities (task_id);

      create table ${s}.outstanding_tasks (
        agency_code text not null,
        task_id text not null,
        plan_id text not null,
        title text not null,
        role text not null,
        due_date date not null,
        state text not null,
        state_rank smallint not null,
        primary key (agency_code, task_id)
      );
      create index outstanding_tasks_task on ${s}.outstanding_tasks (task_id);
      create index outstanding_tasks_due on ${s}.outstanding_tasks (agency_code, due_date);

      create table ${s}.task_trail (
        global_position bigint primary key,
        event_id uuid not null,
        task_id text not null,
        plan_id text not null,
        stream_version integer not null,
        type text not null,
        actor_person_id text not null,
        actor_agency_code text not null,
        agency_code text,
        to_agency_code text,
        concerned_agencies jsonb not null,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null,
        reason text,
        summary text not null,
        responsible_agency text,
        data jsonb not null
      );
      create index task_trail_task on ${s}.task_trail (task_id, global_position);

      create table ${s}.plan_progress (
        plan_id text not null,
        agency_code text not null,
        task_id text not null,
        role text not null,
        due_date date not null,
        task_status text not null,
        state text not null,
        primary key (plan_id, agency_code, task_id)
      );
      create index plan_progress_task on ${s}.plan_progress (task_id);
    `,
  },
  {
    version: 2,
    name: 'agency tasks: the tasks each agency is or was a party to (past states)',
    sql: (s) => `
      create table ${s}.agency_tasks (
        agency_code text not null,
        task_id text not null,
        plan_id text not null,
        primary key (agency_code, task_id, plan_id)
      );
      create index agency_tasks_task on ${s}.agency_tasks (task_id);
    `,
  },
  {
    version: 3,
    name: 'deadline timers, deadline notices, task outcomes',
    sql: (s) => `
      create table ${s}.deadline_timers (
        timer_id text primary key,
        task_id text not null,
        plan_id text not null,
        kind text not null,
        due_date date not null,
        fire_at timestamptz not null,
        days integer not null,
        level integer,
        escalate_to text,
        task jsonb not null,
        source_version integer not null,
        fired_at timestamptz,
        outcome text
      );
      create index deadline_timers_waiting on ${s}.deadline_timers (fire_at, timer_id) where fired_at is null;
      create index deadline_timers_task on ${s}.deadline_timers (task_id);

      create table ${s}.deadline_notices (
        event_id uuid primary key,
        timer_id text not null,
        task_id text not null,
        plan_id text not null,
        type text not null,
        due_date date not null,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null,
        responsible_agency text,
        data jsonb not null
      );
      create index deadline_notices_task on ${s}.deadline_notices (task_id, due_date);
      create index deadline_notices_agency on ${s}.deadline_notices (responsible_agency, occurred_at);

      create table ${s}.task_outcomes (
        task_id text primary key,
        plan_id text not null,
        kind text not null,
        report_year integer,
        issuer_agency_code text not null,
        assigned_at timestamptz not null,
        due_date date not null,
        status text not null,
        responsible_agency text,
        closed_at timestamptz
      );
      create index task_outcomes_agency on ${s}.task_outcomes (responsible_agency, due_date);
    `,
  },
  {
    version: 4,
    name: 'plan indicators',
    sql: (s) => `
      alter table ${s}.plans add column indicators jsonb not null default '[]'::jsonb;
      create index task_trail_plan_progress on ${s}.task_trail (plan_id, occurred_at) where type = 'ProgressReported';
    `,
  },
  {
    version: 5,
    name: 'agency intervals: the rows of each agency and task over intervals of both time axes (past states)',
    sql: (s) => `
      create table ${s}.agency_intervals (
        task_id text not null,
        axis text not null,
        agency_code text not null,
        from_at timestamptz not null,
        until_at timestamptz,
        responsibilities jsonb not null,
        outstanding jsonb not null,
        primary key (task_id, axis, agency_code, from_at)
      );
      create index agency_intervals_at on ${s}.agency_intervals (agency_code, axis, from_at);

      create table ${s}.agency_interval_events (
        task_id text not null,
        stream_version integer not null,
        event jsonb not null,
        primary key (task_id, stream_version)
      );
    `,
  },
  {
    version: 6,
    name: 'deadline policies per plan, holiday amendments, reporting cycles',
    sql: (s) => `
      alter table ${s}.deadline_timers add column counting text;
      create table ${s}.deadline_plans (
        plan_id text primary key,
        policy jsonb not null
      );
      create table ${s}.deadline_holiday_amendments (
        event_id uuid primary key,
        global_position bigint not null,
        amendment jsonb not null
      );
      alter table ${s}.task_outcomes add column reports_to text;
      create index task_outcomes_plan_year on ${s}.task_outcomes (plan_id, report_year) where kind = 'report';
      alter table ${s}.plans add column deadline_policy jsonb, add column reporting jsonb;
    `,
  },
  {
    version: 7,
    name: 'keyset pages: indexes that hold each list filter and its whole sort key, task id last',
    // A page after a cursor reads from the cursor's key on, in order, and stops after the page:
    // each list's index starts with what it is filtered by and ends with its sort key.
    sql: (s) => `
      drop index ${s}.outstanding_tasks_due;
      create index outstanding_tasks_due on ${s}.outstanding_tasks (agency_code, due_date, task_id);
      create index outstanding_tasks_state on ${s}.outstanding_tasks (agency_code, state_rank, due_date, task_id);
      create index responsibilities_due on ${s}.responsibilities (agency_code, due_date, task_id);
      drop index ${s}.tasks_plan;
      create index tasks_plan on ${s}.tasks (plan_id, due_date, task_id);
    `,
  },
  {
    version: 8,
    name: 'agency intervals folded on from where each task stands, not refolded from its whole stream',
    // No rebuild: a task without a row here is refolded from its stored events once, which writes it.
    sql: (s) => `
      create table ${s}.agency_interval_tasks (
        task_id text primary key,
        stream_version integer not null,
        known_until timestamptz not null,
        valid_until timestamptz not null,
        state jsonb not null,
        responsibilities jsonb not null
      );
      create index agency_intervals_open on ${s}.agency_intervals (task_id, axis) where until_at is null;
    `,
  },
  {
    version: 9,
    name: "keyset pages of an agency's lapses: agency, when each lapsed, task id, event id",
    // The accountability report's lapses, a page at a time (lapsesPage): filter and whole sort key.
    sql: (s) => `
      create index deadline_notices_lapses on ${s}.deadline_notices (responsible_agency, occurred_at, task_id, event_id)
        where type = 'DeadlineLapsed';
    `,
  },
];

/**
 * Applies pending projection migrations in one transaction, under an advisory lock so that an
 * API and a worker starting together agree. Returns the versions it applied.
 */
export async function migrateProjections(
  dataSource: DataSource,
  migrations: readonly ProjectionMigration[] = PROJECTION_MIGRATIONS,
): Promise<number[]> {
  const schema = projectionSchema(dataSource);
  return dataSource.transaction(async (manager) => {
    await manager.query('select pg_advisory_xact_lock(hashtext($1))', [
      `coord-projection-migrations:${schema}`,
    ]);
    await manager.query(`create schema if not exists ${schema}`);
    await manager.query(
      `create table if not exists ${schema}.projection_migrations (
         version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const rows = await manager.query<{ version: number }[]>(
      `select version from ${schema}.projection_migrations`,
    );
    const applied = new Set(rows.map((row) => row.version));
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await manager.query(migration.sql(schema));
      await manager.query(`insert into ${schema}.projection_migrations (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      newlyApplied.push(migration.version);
    }
    return newlyApplied;
  });
}
