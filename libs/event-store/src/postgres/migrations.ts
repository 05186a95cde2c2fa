import type { Pool, PoolClient } from 'pg';

/**
 * Schema migrations of the event store, applied in order at start-up. Applied migrations are
 * never edited: a change is a new entry. The same SQL runs on PostgreSQL and on embedded PGlite.
 */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: (schema: string) => string;
}

export const EVENT_STORE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'events, streams and subscription checkpoints',
    sql: (s) => `
      create table ${s}.streams (
        stream_id text primary key,
        version integer not null
      );

      create table ${s}.events (
        global_position bigint generated always as identity primary key,
        event_id uuid not null,
        stream_id text not null,
        stream_version integer not null,
        type text not null,
        schema_version integer not null,
        data jsonb not null,
        metadata jsonb not null,
        occurred_at timestamptz not null,
        recorded_at timestamptz not null default now(),
        -- The writing transaction: readers only read transactions older than every running one,
        -- so an event whose position was taken early but committed late is never skipped.
        transaction_id xid8 not null default pg_current_xact_id(),
        constraint events_event_id_unique unique (event_id),
        constraint events_stream_version_unique unique (stream_id, stream_version)
      );
      create index events_log_order on ${s}.events (transaction_id, global_position);

      create table ${s}.subscriptions (
        subscription_id text primary key,
        transaction_id xid8 not null,
        global_position bigint not null,
        updated_at timestamptz not null default now()
      );

      -- One round trip per append: lock the stream row, recognise a retry, check the expected
      -- version, insert the events and move the stream version, all in the caller's transaction.
      create function ${s}.append_events(p_stream_id text, p_expected_kind text, p_expected_version integer, p_events jsonb)
      returns table (status text, stream_version integer, positions bigint[])
      language plpgsql as $fn$
      declare
        v_current integer;
        v_count integer := jsonb_array_length(p_events);
        v_ids uuid[] := array(select (e->>'id')::uuid from jsonb_array_elements(p_events) e);
        v_found integer;
        v_found_in_stream integer;
        v_positions bigint[];
      begin
        insert into ${s}.streams as st (stream_id, version) values (p_stream_id, 0)
          on conflict (stream_id) do update set version = st.version
          returning st.version into v_current;

        select count(*), count(*) filter (where ev.stream_id = p_stream_id)
          into v_found, v_found_in_stream
          from ${s}.events ev where ev.event_id = any(v_ids);
        if v_found > 0 then
          if v_found = v_count and v_found_in_stream = v_count then
            return query select 'duplicate'::text, v_current,
              array(select ev.global_position from ${s}.events ev where ev.event_id = any(v_ids) order by ev.stream_version);
          else
            return query select 'duplicate-conflict'::text, v_current, array[]::bigint[];
          end if;
          return;
        end if;

        if (p_expected_kind = 'no-stream' and v_current <> 0)
           or (p_expected_kind = 'exact' and v_current <> p_expected_version) then
          return query select 'conflict'::text, v_current, array[]::bigint[];
          return;
        end if;

        with inserted as (
          insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
          select e.id, p_stream_id, v_current + e.ord::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
          from rows from (jsonb_to_recordset(p_events)
                 as (id uuid, type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz))
               with ordinality as e(id, type, schema_version, data, metadata, occurred_at, ord)
          order by e.ord
          returning ${s}.events.global_position, ${s}.events.stream_version
        )
        select array_agg(i.global_position order by i.stream_version) into v_positions from inserted i;

        update ${s}.streams set version = v_current + v_count where streams.stream_id = p_stream_id;
        return query select 'ok'::text, v_current + v_count, v_positions;
      end
      $fn$;
    `,
  },
  {
    version: 2,
    name: 'appends keep transaction order within a stream',
    sql: (s) => `
      -- Version 2 also refuses to append behind a newer transaction (see the check below).
      -- One round trip per append: lock the stream row, recognise a retry, check the expected
      -- version, insert the events and move the stream version, all in the caller's transaction.
      create or replace function ${s}.append_events(p_stream_id text, p_expected_kind text, p_expected_version integer, p_events jsonb)
      returns table (status text, stream_version integer, positions bigint[])
      language plpgsql as $fn$
      declare
        v_current integer;
        v_count integer := jsonb_array_length(p_events);
        v_ids uuid[] := array(select (e->>'id')::uuid from jsonb_array_elements(p_events) e);
        v_found integer;
        v_found_in_stream integer;
        v_positions bigint[];
      begin
        insert into ${s}.streams as st (stream_id, version) values (p_stream_id, 0)
          on conflict (stream_id) do update set version = st.version
          returning st.version into v_current;

        select count(*), count(*) filter (where ev.stream_id = p_stream_id)
          into v_found, v_found_in_stream
          from ${s}.events ev where ev.event_id = any(v_ids);
        if v_found > 0 then
          if v_found = v_count and v_found_in_stream = v_count then
            return query select 'duplicate'::text, v_current,
              array(select ev.global_position from ${s}.events ev where ev.event_id = any(v_ids) order by ev.stream_version);
          else
            return query select 'duplicate-conflict'::text, v_current, array[]::bigint[];
          end if;
          return;
        end if;

        -- The log is read in transaction order. A transaction that took its id before the one that
        -- wrote this stream's last event would be read before it: refuse, the writer retries.
        if v_current > 0 and exists (
          select 1 from ${s}.events ev
          where ev.stream_id = p_stream_id and ev.stream_version = v_current
            and ev.transaction_id > pg_current_xact_id()) then
          return query select 'out-of-order'::text, v_current, array[]::bigint[];
          return;
        end if;

        if (p_expected_kind = 'no-stream' and v_current <> 0)
           or (p_expected_kind = 'exact' and v_current <> p_expected_version) then
          return query select 'conflict'::text, v_current, array[]::bigint[];
          return;
        end if;

        with inserted as (
          insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
          select e.id, p_stream_id, v_current + e.ord::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
          from rows from (jsonb_to_recordset(p_events)
                 as (id uuid, type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz))
               with ordinality as e(id, type, schema_version, data, metadata, occurred_at, ord)
          order by e.ord
          returning ${s}.events.global_position, ${s}.events.stream_version
        )
        select array_agg(i.global_position order by i.stream_version) into v_positions from inserted i;

        update ${s}.streams set version = v_current + v_count where streams.stream_id = p_stream_id;
        return query select 'ok'::text, v_current + v_count, v_positions;
      end
      $fn$;
    `,
  },
  {
    version: 3,
    name: 'append_events: the stream row remembers its last writer; the event_id index finds retries',
    sql: (s) => `
      drop function ${s}.append_events(text, text, integer, jsonb);
alter table ${s}.streams add column if not exists last_transaction_id xid8;
update ${s}.streams st set last_transaction_id = ev.transaction_id
  from ${s}.events ev where ev.stream_id = st.stream_id and ev.stream_version = st.version;
create function ${s}.append_events(p_stream_id text, p_expected_kind text, p_expected_version integer, p_events jsonb,
  out status text, out stream_version integer, out positions bigint[])
language plpgsql
-- Plans are cached per connection; made while the tables are still small, they must not scan them.
set enable_seqscan = off
as $fn$
declare
  v_count integer := jsonb_array_length(p_events);
  v_current integer;
  v_last_writer xid8;
  v_inserted integer;
  v_ids uuid[];
  v_found integer;
  v_found_in_stream integer;
begin
  -- Lock the stream row, creating it at version 0 when new.
  select st.version, st.last_transaction_id into v_current, v_last_writer
    from ${s}.streams st where st.stream_id = p_stream_id for update;
  if not found then
    insert into ${s}.streams (stream_id, version) values (p_stream_id, 0) on conflict do nothing;
    if found then
      v_current := 0;
    else -- created by a concurrent append, which has committed meanwhile
      select st.version, st.last_transaction_id into v_current, v_last_writer
        from ${s}.streams st where st.stream_id = p_stream_id for update;
    end if;
  end if;

  -- The log is read in transaction order: a transaction older than the stream's last writer
  -- would be read before it, so it is refused and the writer retries.
  if v_last_writer > pg_current_xact_id() then
    status := 'out-of-order';
  elsif (p_expected_kind = 'no-stream' and v_current <> 0)
     or (p_expected_kind = 'exact' and v_current <> p_expected_version) then
    status := 'conflict';
  else
    -- The unique index on event_id finds ids already stored: no separate look-up on the common path.
    with inserted as (
      insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      select e.id, p_stream_id, v_current + e.ord::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
      from rows from (jsonb_to_recordset(p_events)
             as (id uuid, type text, schema_version integer, data jsonb, metadata jsonb, occurred_at timestamptz))
           with ordinality as e(id, type, schema_version, data, metadata, occurred_at, ord)
      order by e.ord
      on conflict (event_id) do nothing
      returning ${s}.events.global_position, ${s}.events.stream_version
    )
    select count(*), array_agg(i.global_position order by i.stream_version) into v_inserted, positions from inserted i;
    if v_inserted = v_count then
      update ${s}.streams st set version = v_current + v_count, last_transaction_id = pg_current_xact_id()
        where st.stream_id = p_stream_id;
      status := 'ok';
      stream_version := v_current + v_count;
      return;
    end if;
    -- Some ids are stored already: take back this append's rows, then tell a retry from a reuse.
    if v_inserted > 0 then
      delete from ${s}.events ev where ev.global_position = any(positions);
    end if;
    status := 'ids';
  end if;

  -- Refused (rare). As in version 2, a retry of an append already stored wins over any refusal.
  v_ids := array(select (e->>'id')::uuid from jsonb_array_elements(p_events) e);
  select count(*), count(*) filter (where ev.stream_id = p_stream_id),
         array(select x.global_position from ${s}.events x where x.event_id = any(v_ids) order by x.stream_version)
    into v_found, v_found_in_stream, positions
    from ${s}.events ev where ev.event_id = any(v_ids);
  stream_version := v_current;
  if v_found = v_count and v_found_in_stream = v_count then
    status := 'duplicate';
    return;
  end if;
  positions := array[]::bigint[];
  if v_found > 0 then
    status := 'duplicate-conflict';
  elsif status = 'ids' then
    raise exception 'append_events: ids of % were stored and then gone', p_stream_id;
  end if;
end
$fn$;
    `,
  },
  {
    version: 4,
    name: 'append_events_batch: many independent appends in one statement and one transaction',
    sql: (s) => `
-- Group commit: the caller sends appends to distinct or repeated streams, ordered by stream id so
-- that concurrent batches lock stream rows in the same order. Each append keeps its own expected
-- version and its own outcome (one refused append does not undo the others); they all commit
-- together, paying for one transaction and one WAL flush.
create function ${s}.append_events_batch(p_appends jsonb)
returns table (ord integer, status text, stream_version integer, positions bigint[])
language plpgsql as $fn$
declare
  a record;
begin
  for a in select x.value as item, x.ordinality::integer as n
             from jsonb_array_elements(p_appends) with ordinality x order by x.ordinality loop
    ord := a.n;
    select r.status, r.stream_version, r.positions into status, stream_version, positions
      from ${s}.append_events(a.item->>'stream_id', a.item->>'expected_kind',
                              (a.item->>'expected_version')::integer, a.item->'events') r;
    return next;
  end loop;
end
$fn$;
    `,
  },
  {
    version: 5,
    name: 'events keep their JSON text; appends arrive as arrays, data and metadata one element per event',
    sql: (s) => `
-- Data and metadata are stored as the JSON text the writer sent (json, not jsonb): PostgreSQL
-- checks it but does not take it apart, sort its keys and build it again, which was most of an
-- append's cost; nothing queries inside an event. The store refuses, before writing, text that
-- jsonb could not hold (NUL, unpaired surrogates), so every stored event can still be projected.
alter table ${s}.events alter column data type json using data::json,
                        alter column metadata type json using metadata::json;
drop function ${s}.append_events_batch(jsonb);
drop function ${s}.append_events(text, text, integer, jsonb);

-- One or many appends in one statement (group commit, ADR 0004). Append i is stream
-- p_stream_ids[i] with its expected version, and owns the next p_event_counts[i] elements of the
-- event arrays. Each append keeps its own outcome; as in version 3, for each append: lock the
-- stream row, refuse one that would be read before the stream's last writer, check the expected
-- version, insert, and recognise a retry of an append already stored.
create function ${s}.append_events(
  p_stream_ids text[], p_expected_kinds text[], p_expected_versions integer[], p_event_counts integer[],
  p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data json[], p_metadata json[],
  p_occurred_at timestamptz[])
returns table (ord integer, status text, stream_version integer, positions bigint[])
language plpgsql
-- Plans are cached per connection; made while the tables are still small, they must not scan them.
set enable_seqscan = off
as $fn$
declare
  v_first integer := 1;
  v_last integer;
  v_count integer;
  v_stream text;
  v_current integer;
  v_last_writer xid8;
  v_inserted integer;
  v_ids uuid[];
  v_found integer;
  v_found_in_stream integer;
begin
  for i in 1 .. coalesce(array_length(p_stream_ids, 1), 0) loop
    ord := i;
    v_stream := p_stream_ids[i];
    v_count := p_event_counts[i];
    v_last := v_first + v_count - 1;
    status := null;
    positions := null;
    stream_version := null;

    -- Lock the stream row, creating it at version 0 when new.
    select st.version, st.last_transaction_id into v_current, v_last_writer
      from ${s}.streams st where st.stream_id = v_stream for update;
    if not found then
      insert into ${s}.streams (stream_id, version) values (v_stream, 0) on conflict do nothing;
      if found then
        v_current := 0;
        v_last_writer := null;
      else -- created by a concurrent append, which has committed meanwhile
        select st.version, st.last_transaction_id into v_current, v_last_writer
          from ${s}.streams st where st.stream_id = v_stream for update;
      end if;
    end if;

    -- The log is read in transaction order: a transaction older than the stream's last writer
    -- would be read before it, so it is refused and the writer retries.
    if v_last_writer > pg_current_xact_id() then
      status := 'out-of-order';
    elsif (p_expected_kinds[i] = 'no-stream' and v_current <> 0)
       or (p_expected_kinds[i] = 'exact' and v_current <> p_expected_versions[i]) then
      status := 'conflict';
    else
      -- The unique index on event_id finds ids already stored: no separate look-up on the common path.
      with inserted as (
        insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        select e.id, v_stream, v_current + e.n::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
        from unnest(p_event_ids[v_first:v_last], p_types[v_first:v_last], p_schema_versions[v_first:v_last],
                    p_data[v_first:v_last], p_metadata[v_first:v_last], p_occurred_at[v_first:v_last])
             with ordinality as e(id, type, schema_version, data, metadata, occurred_at, n)
        order by e.n
        on conflict (event_id) do nothing
        returning ${s}.events.global_position, ${s}.events.stream_version
      )
      select count(*), array_agg(x.global_position order by x.stream_version) into v_inserted, positions
        from inserted x;
      if v_inserted = v_count then
        update ${s}.streams st set version = v_current + v_count, last_transaction_id = pg_current_xact_id()
          where st.stream_id = v_stream;
        status := 'ok';
        stream_version := v_current + v_count;
      else
        -- Some ids are stored already: take back this append's rows, then tell a retry from a reuse.
        if v_inserted > 0 then
          delete from ${s}.events ev where ev.global_position = any(positions);
        end if;
        status := 'ids';
      end if;
    end if;

    if status <> 'ok' then
      -- Refused (rare). A retry of an append already stored wins over any refusal.
      v_ids := p_event_ids[v_first:v_last];
      select count(*), count(*) filter (where ev.stream_id = v_stream),
             array(select x.global_position from ${s}.events x where x.event_id = any(v_ids) order by x.stream_version)
        into v_found, v_found_in_stream, positions
        from ${s}.events ev where ev.event_id = any(v_ids);
      stream_version := v_current;
      if v_found = v_count and v_found_in_stream = v_count then
        status := 'duplicate';
      else
        positions := array[]::bigint[];
        if v_found > 0 then
          status := 'duplicate-conflict';
        elsif status = 'ids' then
          raise exception 'append_events: ids of % were stored and then gone', v_stream;
        end if;
      end if;
    end if;

    return next;
    v_first := v_last + 1;
  end loop;
end
$fn$;
    `,
  },
  {
    version: 6,
    name: 'append_events looks ids up before a plain insert instead of ON CONFLICT',
    sql: (s) => `
-- As version 5, but an append's ids are looked up before its events are inserted, and the insert
-- has no ON CONFLICT clause (measured in ADR 0004).
create or replace function ${s}.append_events(
  p_stream_ids text[], p_expected_kinds text[], p_expected_versions integer[], p_event_counts integer[],
  p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data json[], p_metadata json[],
  p_occurred_at timestamptz[])
returns table (ord integer, status text, stream_version integer, positions bigint[])
language plpgsql
-- Plans are cached per connection; made while the tables are still small, they must not scan them.
set enable_seqscan = off
as $fn$
declare
  v_first integer := 1;
  v_last integer;
  v_count integer;
  v_stream text;
  v_current integer;
  v_last_writer xid8;
  v_ids uuid[];
  v_found integer;
  v_found_in_stream integer;
begin
  for i in 1 .. coalesce(array_length(p_stream_ids, 1), 0) loop
    ord := i;
    v_stream := p_stream_ids[i];
    v_count := p_event_counts[i];
    v_last := v_first + v_count - 1;
    status := null;
    positions := null;
    stream_version := null;

    -- Lock the stream row, creating it at version 0 when new.
    select st.version, st.last_transaction_id into v_current, v_last_writer
      from ${s}.streams st where st.stream_id = v_stream for update;
    if not found then
      insert into ${s}.streams (stream_id, version) values (v_stream, 0) on conflict do nothing;
      if found then
        v_current := 0;
        v_last_writer := null;
      else -- created by a concurrent append, which has committed meanwhile
        select st.version, st.last_transaction_id into v_current, v_last_writer
          from ${s}.streams st where st.stream_id = v_stream for update;
      end if;
    end if;

    -- The log is read in transaction order: a transaction older than the stream's last writer
    -- would be read before it, so it is refused and the writer retries.
    if v_last_writer > pg_current_xact_id() then
      status := 'out-of-order';
    elsif (p_expected_kinds[i] = 'no-stream' and v_current <> 0)
       or (p_expected_kinds[i] = 'exact' and v_current <> p_expected_versions[i]) then
      status := 'conflict';
    else
      -- Ids already stored (a retry, or an id reused) are looked up before inserting, so the insert
      -- is a plain one: no speculative insertion and confirmation per row as ON CONFLICT makes. An
      -- id inserted meanwhile by a transaction still running trips the unique index instead, and
      -- the caller writes the append again alone (ADR 0004).
      if exists (select 1 from ${s}.events ev where ev.event_id = any(p_event_ids[v_first:v_last])) then
        status := 'ids';
      else
        with inserted as (
          insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
          select e.id, v_stream, v_current + e.n::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
          from unnest(p_event_ids[v_first:v_last], p_types[v_first:v_last], p_schema_versions[v_first:v_last],
                      p_data[v_first:v_last], p_metadata[v_first:v_last], p_occurred_at[v_first:v_last])
               with ordinality as e(id, type, schema_version, data, metadata, occurred_at, n)
          order by e.n
          returning ${s}.events.global_position, ${s}.events.stream_version
        )
        select array_agg(x.global_position order by x.stream_version) into positions from inserted x;
        update ${s}.streams st set version = v_current + v_count, last_transaction_id = pg_current_xact_id()
          where st.stream_id = v_stream;
        status := 'ok';
        stream_version := v_current + v_count;
      end if;
    end if;

    if status <> 'ok' then
      -- Refused (rare). A retry of an append already stored wins over any refusal.
      v_ids := p_event_ids[v_first:v_last];
      select count(*), count(*) filter (where ev.stream_id = v_stream),
             array(select x.global_position from ${s}.events x where x.event_id = any(v_ids) order by x.stream_version)
        into v_found, v_found_in_stream, positions
        from ${s}.events ev where ev.event_id = any(v_ids);
      stream_version := v_current;
      if v_found = v_count and v_found_in_stream = v_count then
        status := 'duplicate';
      else
        positions := array[]::bigint[];
        if v_found > 0 then
          status := 'duplicate-conflict';
        elsif status = 'ids' then
          raise exception 'append_events: ids of % were stored and then gone', v_stream;
        end if;
      end if;
    end if;

    return next;
    v_first := v_last + 1;
  end loop;
end
$fn$;
    `,
  },
  {
    version: 7,
    name: 'appends check the expected version against the (stream, version) index; no stream rows',
    sql: (s) => `
-- A stream's version is its last event's, found by the (stream_id, stream_version) unique index,
-- which also refuses a concurrent write of the same version: no stream row to lock and update on
-- every append (two more heap tuples and WAL records, and dead rows to vacuum). The table becomes
-- a view, for readers of the previous version during a rolling upgrade.
drop table ${s}.streams;
create view ${s}.streams as
  select e.stream_id, max(e.stream_version) as version from ${s}.events e group by e.stream_id;

-- Same arguments and answers as version 6. When every append goes to its own stream, is at its
-- expected version, comes after its stream's last writer and brings only new ids (the common
-- case), all are checked in one statement and inserted in another. Otherwise each append is
-- checked and written in turn, as in version 6. Without a lock, a concurrent append to the same
-- stream that wins the race makes this insert fail on events_stream_version_unique (the caller
-- writes the append again; it then sees the other's events), as a concurrent reuse of an id fails
-- on events_event_id_unique.
create or replace function ${s}.append_events(
  p_stream_ids text[], p_expected_kinds text[], p_expected_versions integer[], p_event_counts integer[],
  p_event_ids uuid[], p_types text[], p_schema_versions integer[], p_data json[], p_metadata json[],
  p_occurred_at timestamptz[])
returns table (ord integer, status text, stream_version integer, positions bigint[])
language plpgsql
-- Plans are cached per connection; made while the tables are still small, they must not scan them.
set enable_seqscan = off
-- The planner cannot know how many appends and events come: its guess (1,000 x 1,000 rows) would
-- compile the statement to machine code, taking half a second, for a few rows.
set jit = off
as $fn$
declare
  v_currents integer[];
  v_ok boolean;
  v_first integer := 1;
  v_last integer;
  v_count integer;
  v_stream text;
  v_current integer;
  v_last_writer xid8;
  v_ids uuid[];
  v_found integer;
  v_found_in_stream integer;
begin
  select array_agg(c.cur order by c.i),
         count(distinct c.sid) = count(*)
           and coalesce(bool_and(not coalesce(c.writer > pg_current_xact_id(), false)
                                 and not (c.kind = 'no-stream' and c.cur <> 0)
                                 and not (c.kind = 'exact' and c.cur is distinct from c.expected)), true)
           and not exists (select 1 from ${s}.events ev where ev.event_id = any(p_event_ids))
    into v_currents, v_ok
    from (
      select a.i, a.sid, a.kind, a.expected, coalesce(l.stream_version, 0) as cur, l.transaction_id as writer
        from (select i, p_stream_ids[i] as sid, p_expected_kinds[i] as kind, p_expected_versions[i] as expected
                from generate_subscripts(p_stream_ids, 1) as i) a
        left join lateral (
          select ev.stream_version, ev.transaction_id from ${s}.events ev
           where ev.stream_id = a.sid order by ev.stream_version desc limit 1) l on true
    ) c;

  if v_ok then
    -- Event n belongs to append a (the counts say where each append's events start) and takes
    -- the version after its stream's last; events go in in order, so positions follow versions.
    return query
    with placed as (
      select a.i, a.sid, a.off + k.k as n, v_currents[a.i] + k.k as version
        from (select i, p_stream_ids[i] as sid,
                     (sum(p_event_counts[i]) over (order by i) - p_event_counts[i])::integer as off
                from generate_subscripts(p_stream_ids, 1) as i) a,
             generate_series(1, p_event_counts[a.i]) as k(k)
    ), inserted as (
      insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      select p_event_ids[p.n], p.sid, p.version, p_types[p.n], p_schema_versions[p.n], p_data[p.n],
             p_metadata[p.n], p_occurred_at[p.n]
        from placed p
       order by p.n
      returning ${s}.events.stream_id, ${s}.events.stream_version, ${s}.events.global_position
    )
    select p.i, 'ok'::text, max(x.stream_version), array_agg(x.global_position order by x.stream_version)
      from inserted x join placed p on p.sid = x.stream_id and p.version = x.stream_version
     group by p.i
     order by p.i;
    return;
  end if;

  for i in 1 .. coalesce(array_length(p_stream_ids, 1), 0) loop
    ord := i;
    v_stream := p_stream_ids[i];
    v_count := p_event_counts[i];
    v_last := v_first + v_count - 1;
    status := null;
    positions := null;
    stream_version := null;

    select ev.stream_version, ev.transaction_id into v_current, v_last_writer
      from ${s}.events ev where ev.stream_id = v_stream order by ev.stream_version desc limit 1;
    if not found then
      v_current := 0;
      v_last_writer := null;
    end if;

    -- The log is read in transaction order: a transaction older than the stream's last writer
    -- would be read before it, so it is refused and the writer retries.
    if v_last_writer > pg_current_xact_id() then
      status := 'out-of-order';
    elsif (p_expected_kinds[i] = 'no-stream' and v_current <> 0)
       or (p_expected_kinds[i] = 'exact' and v_current <> p_expected_versions[i]) then
      status := 'conflict';
    elsif exists (select 1 from ${s}.events ev where ev.event_id = any(p_event_ids[v_first:v_last])) then
      status := 'ids';
    else
      with inserted as (
        insert into ${s}.events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
        select e.id, v_stream, v_current + e.n::integer, e.type, e.schema_version, e.data, e.metadata, e.occurred_at
        from unnest(p_event_ids[v_first:v_last], p_types[v_first:v_last], p_schema_versions[v_first:v_last],
                    p_data[v_first:v_last], p_metadata[v_first:v_last], p_occurred_at[v_first:v_last])
             with ordinality as e(id, type, schema_version, data, metadata, occurred_at, n)
        order by e.n
        returning ${s}.events.global_position, ${s}.events.stream_version
      )
      select array_agg(x.global_position order by x.stream_version) into positions from inserted x;
      status := 'ok';
      stream_version := v_current + v_count;
    end if;

    if status <> 'ok' then
      -- Refused (rare). A retry of an append already stored wins over any refusal.
      v_ids := p_event_ids[v_first:v_last];
      select count(*), count(*) filter (where ev.stream_id = v_stream),
             array(select x.global_position from ${s}.events x where x.event_id = any(v_ids) order by x.stream_version)
        into v_found, v_found_in_stream, positions
        from ${s}.events ev where ev.event_id = any(v_ids);
      stream_version := v_current;
      if v_found = v_count and v_found_in_stream = v_count then
        status := 'duplicate';
      else
        positions := array[]::bigint[];
        if v_found > 0 then
          status := 'duplicate-conflict';
        elsif status = 'ids' then
          raise exception 'append_events: ids of % were stored and then gone', v_stream;
        end if;
      end if;
    end if;

    return next;
    v_first := v_last + 1;
  end loop;
end
$fn$;
    `,
  },
];

/** Applies pending migrations under an advisory lock, so an API and a worker starting together agree. */
export async function migrate(
  pool: Pool,
  schema: string,
  migrations: readonly Migration[],
  /** Each component (event store, projections, API) keeps its own list of applied migrations. */
  table = 'schema_migrations',
): Promise<number[]> {
  const client = await pool.connect();
  try {
    await client.query('begin');
    assertSchemaName(table);
    await client.query('select pg_advisory_xact_lock(hashtext($1))', [`coord-migrations:${schema}`]);
    await client.query(`create schema if not exists ${schema}`);
    await client.query(
      `create table if not exists ${schema}.${table} (
         version integer primary key, name text not null, applied_at timestamptz not null default now())`,
    );
    const applied = await appliedVersions(client, schema, table);
    const newlyApplied: number[] = [];
    for (const migration of migrations) {
      if (applied.has(migration.version)) continue;
      await client.query(migration.sql(schema));
      await client.query(`insert into ${schema}.${table} (version, name) values ($1, $2)`, [
        migration.version,
        migration.name,
      ]);
      newlyApplied.push(migration.version);
    }
    await client.query('commit');
    return newlyApplied;
  } catch (error) {
    await client.query('rollback').catch(() => undefined);
    throw error;
  } finally {
    client.release();
  }
}

async function appliedVersions(client: PoolClient, schema: string, table: string): Promise<Set<number>> {
  const result = await client.query<{ version: number }>(`select version from ${schema}.${table}`);
  return new Set(result.rows.map((row) => row.version));
}

/** Schema names are interpolated into SQL, so only plain identifiers are accepted. */
export function assertSchemaName(schema: string): string {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`Invalid schema name "${schema}": use lowercase letters, digits and underscores`);
  }
  return schema;
}
