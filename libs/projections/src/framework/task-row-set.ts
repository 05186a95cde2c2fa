import { In, type EntityManager, type FindOptionsWhere, type ObjectLiteral } from 'typeorm';
import { chunks, WRITE_CHUNK } from '../database/columns.js';
import { writeRows } from '../database/json-rows.js';
import type { TaskChange } from './projection.js';

/**
 * A projection whose rows are grouped by task: each task owns a set of rows (one per agency, or
 * just one), and a pure `evolve` turns the task's rows before an event into its rows after it.
 */
export interface TaskRowSet<Row extends ObjectLiteral & { taskId: string }> {
  readonly entity: new () => Row;
  /** The properties that identify a row within the table (its primary key). */
  readonly key: readonly (keyof Row & string)[];
  /** Pure: the task's rows before the change (in no particular order) -> its rows after it. */
  evolve(rows: readonly Row[], change: TaskChange): Row[];
}

/**
 * Applies task changes to a row set: loads every row of the touched tasks in one query, folds the
 * changes in memory, then deletes the rows that disappeared and upserts the rows that changed.
 */
export async function applyTaskRowSet<Row extends ObjectLiteral & { taskId: string }>(
  set: TaskRowSet<Row>,
  changes: readonly TaskChange[],
  manager: EntityManager,
): Promise<void> {
  if (changes.length === 0) return;
  const taskIds = [...new Set(changes.map((change) => taskIdOf(change)))];
  const loaded = await manager.find(set.entity, {
    where: { taskId: In(taskIds) } as FindOptionsWhere<Row>,
  });

  const metadata = manager.dataSource.getMetadata(set.entity);
  const columns = metadata.columns.map((column) => column.propertyName);
  const keyOf = (row: Row): string => JSON.stringify(set.key.map((property) => row[property] as unknown));
  const unchanged = (previous: Row, row: Row): boolean =>
    columns.every((property) => sameJson(previous[property] as unknown, row[property] as unknown));

  const before = new Map<string, Row>(loaded.map((row) => [keyOf(row), row]));
  const byTask = new Map<string, Row[]>();
  for (const row of loaded) byTask.set(row.taskId, [...(byTask.get(row.taskId) ?? []), row]);
  for (const change of changes) {
    const taskId = taskIdOf(change);
    byTask.set(taskId, set.evolve(byTask.get(taskId) ?? [], change));
  }

  const after = new Map<string, Row>();
  for (const rows of byTask.values()) for (const row of rows) after.set(keyOf(row), row);

  const removed = [...before.entries()].filter(([key]) => !after.has(key)).map(([, row]) => row);
  const written = [...after.entries()]
    .filter(([key, row]) => {
      const previous = before.get(key);
      return !previous || !unchanged(previous, row);
    })
    .map(([, row]) => row);

  for (const part of chunks(removed, WRITE_CHUNK)) {
    const criteria = part.map(
      (row) =>
        Object.fromEntries(set.key.map((property) => [property, row[property]])) as FindOptionsWhere<Row>,
    );
    await manager.delete(set.entity, criteria);
  }
  await writeRows(manager, set.entity, written, { conflict: set.key, onConflict: 'update' });
}

/**
 * True only when both values give the same JSON text with object keys sorted (jsonb hands objects
 * back with its own key order), without building that text: serialising each row with a sorting
 * replacer was the costliest part of finding the unchanged rows. A few pairs that would give the
 * same text answer false (a Date and its ISO text, a function): such a row is written again,
 * unchanged, which is only slower.
 */
export function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (isDate(a) || isDate(b)) return isDate(a) && isDate(b) && a.getTime() === b.getTime();
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    // JSON writes an undefined element (or a hole, which `every` would skip) as null.
    for (let index = 0; index < a.length; index++) {
      if (!sameJson(a[index] ?? null, b[index] ?? null)) return false;
    }
    return true;
  }
  if (typeof (a as { toJSON?: unknown }).toJSON === 'function') return false;
  if (typeof (b as { toJSON?: unknown }).toJSON === 'function') return false;
  const written = (object: object) => Object.entries(object).filter(([, value]) => value !== undefined);
  const left = written(a);
  const right = new Map(written(b));
  if (left.length !== right.size) return false;
  return left.every(
    ([key, value]) => typeof value !== 'function' && right.has(key) && sameJson(value, right.get(key)),
  );
}

/** A Date, from this realm or another (what `instanceof` would miss). */
function isDate(value: object): value is Date {
  return Object.prototype.toString.call(value) === '[object Date]';
}

function taskIdOf(change: TaskChange): string {
  return change.event.data.taskId;
}
