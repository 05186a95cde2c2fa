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
  const contentOf = (row: Row): string => stableJson(columns.map((property) => row[property] as unknown));

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
      return !previous || contentOf(previous) !== contentOf(row);
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

/** JSON with object keys sorted: jsonb hands objects back with its own key order. */
function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) =>
    item !== null && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : item,
  );
}

function taskIdOf(change: TaskChange): string {
  return change.event.data.taskId;
}
