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
