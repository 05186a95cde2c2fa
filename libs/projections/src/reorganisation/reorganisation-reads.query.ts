import type { EntityManager } from 'typeorm';
import { projectionSchema } from '../database/schema.js';

/**
 * What a reorganisation draft starts from (libs/application ReorganisationReads): the open tasks
 * on which some agencies hold an assignment or are offered a handoff (the outstanding list has
 * both), and the plans they issued. The task streams are read again before anything moves.
 */
export async function openTaskIdsConcerning(
  manager: EntityManager,
  agencyCodes: readonly string[],
): Promise<string[]> {
  if (agencyCodes.length === 0) return [];
  const s = projectionSchema(manager);
  const rows = await manager.query<{ task_id: string }[]>(
    `select distinct task_id from ${s}.outstanding_tasks where agency_code = any($1::text[])`,
    [agencyCodes],
  );
  return rows.map((row) => row.task_id);
}

export async function plansIssuedBy(
  manager: EntityManager,
  agencyCodes: readonly string[],
): Promise<{ planId: string; title: string; issuerAgencyCode: string }[]> {
  if (agencyCodes.length === 0) return [];
  const s = projectionSchema(manager);
  const rows = await manager.query<{ plan_id: string; title: string; issuer_agency_code: string }[]>(
    `select plan_id, title, issuer_agency_code from ${s}.plans where issuer_agency_code = any($1::text[]) order by plan_id`,
    [agencyCodes],
  );
  return rows.map((row) => ({
    planId: row.plan_id,
    title: row.title,
    issuerAgencyCode: row.issuer_agency_code,
  }));
}

/**
 * The yearly reporting cycles not opened yet (their `cycle` timer still waits: ADR 0028) whose
 * report tasks some of the agencies owe or receive as the focal agency. The plan streams are
 * read again: this only finds them.
 */
export async function pendingCyclesConcerning(
  manager: EntityManager,
  agencyCodes: readonly string[],
): Promise<{ planId: string; year: number }[]> {
  if (agencyCodes.length === 0) return [];
  const s = projectionSchema(manager);
  const rows = await manager.query<{ plan_id: string; year: number }[]>(
    `select distinct t.plan_id, (t.task->>'year')::int as year
       from ${s}.deadline_timers t
      where t.kind = 'cycle' and t.fired_at is null
        and exists (
          select 1 from jsonb_array_elements(t.task->'tasks') x
           where x->>'reportsTo' = any($1::text[])
              or exists (select 1 from jsonb_array_elements(x->'assignees') a
                          where a->>'agencyCode' = any($1::text[])))
      order by t.plan_id, year`,
    [agencyCodes],
  );
  return rows.map((row) => ({ planId: row.plan_id, year: Number(row.year) }));
}
