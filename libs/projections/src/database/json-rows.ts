import type { EntityManager, EntityTarget, ObjectLiteral } from 'typeorm';

type ColumnMetadata = ReturnType<EntityManager['connection']['getMetadata']>['columns'][number];

export interface WriteRowsOptions<Row> {
  /** The properties of the unique key that decides whether a row is already there. */
  readonly conflict: readonly (keyof Row & string)[];
  /** What to do with a row already there: replace its other columns (upsert) or keep it. */
  readonly onConflict: 'update' | 'ignore';
}

/**
 * Inserts rows, or updates those already there, in statements with ONE parameter: the rows as a
 * JSON array (of at most WRITE_TEXT_CHUNK characters, so a large write takes a few statements, in
 * order), spread into the table's columns by `jsonb_populate_recordset`. TypeORM's
 * `upsert` binds every value as its own parameter and rewrites the SQL text once per parameter,
 * which made up most of the projection worker's CPU; this keeps TypeORM's entity metadata (table,
 * column names, value transformers, column defaults) and skips its query builder.
 *
 * As TypeORM's `upsert` / `insert ... orIgnore`: a column no row sets is left out (an insert takes
 * its default, an update leaves it alone); a row that leaves a written column undefined gets the
 * column's default, or NULL. Unlike TypeORM, an explicit null in a column with a default also
 * gets the default (no projection writes one). Generated, create/update-date and version columns
 * are refused: TypeORM fills them itself, this does not.
 */
export async function writeRows<Row extends ObjectLiteral>(
  manager: EntityManager,
  entity: EntityTarget<Row>,
  rows: readonly Row[],
  options: WriteRowsOptions<Row>,
): Promise<void> {
  if (rows.length === 0) return;
  const metadata = manager.connection.getMetadata(entity);
  const quote = (name: string) => manager.connection.driver.escape(name);
  const table = metadata.schema
    ? `${quote(metadata.schema)}.${quote(metadata.tableName)}`
    : quote(metadata.tableName);
  const special = metadata.columns.find(
    (c) => c.isGenerated || c.isCreateDate || c.isUpdateDate || c.isVersion || c.isDeleteDate,
  );
  if (special) {
    throw new Error(
      `writeRows: ${metadata.name}.${special.propertyName} is filled by TypeORM; use its own writes`,
    );
  }
  const columns = metadata.columns.filter(
    (column) => !column.isVirtual && rows.some((row) => column.getEntityValue(row, true) !== undefined),
  );
  const keys = options.conflict.map((property) => {
    const column = metadata.findColumnWithPropertyName(property);
    if (!column) throw new Error(`${metadata.name} has no column for property ${property}`);
    return column.databaseName;
  });

  const payload = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const column of columns) {
      const value: unknown = column.getEntityValue(row, true);
      if (value !== undefined) record[column.databaseName] = value;
    }
    return record;
  });

  const names = columns.map((column) => quote(column.databaseName));
  const values = columns.map((column) => {
    const value = `r.${quote(column.databaseName)}`;
    const fallback = defaultSql(column);
    return fallback === undefined ? value : `coalesce(${value}, ${fallback})`;
  });
  const updated = columns.filter((column) => !keys.includes(column.databaseName));
  const action =
    options.onConflict === 'update' && updated.length > 0
      ? `do update set ${updated.map((c) => `${quote(c.databaseName)} = excluded.${quote(c.databaseName)}`).join(', ')}`
      : 'do nothing';

  const sql = `insert into ${table} (${names.join(', ')})
     select ${values.join(', ')} from jsonb_populate_recordset(null::${table}, $1::jsonb) as r
     on conflict (${keys.map(quote).join(', ')}) ${action}`;
  for (const part of jsonArrays(payload, WRITE_TEXT_CHUNK)) await manager.query(sql, [part]);
}

/**
 * Characters of JSON per statement. The embedded database's socket server gathers a message by
 * concatenating each chunk it receives to what it holds, so its work grows with the square of a
 * statement's size: a rebuild's batch of 20,000 events wrote statements of several megabytes and
 * spent more time copying them than executing them. A few hundred kilobytes cost PostgreSQL no
 * more than one statement would.
 */
export const WRITE_TEXT_CHUNK = 256 * 1024;

/**
 * The rows as JSON arrays of about `maxChars` characters each (a row longer than that alone), in
 * order: their concatenation holds exactly the rows of `JSON.stringify(rows)`.
 */
export function jsonArrays(rows: readonly Record<string, unknown>[], maxChars: number): string[] {
  const arrays: string[] = [];
  let part: string[] = [];
  let length = 0;
  for (const row of rows) {
    const text = jsonText(row);
    if (part.length > 0 && length + text.length > maxChars) {
      arrays.push(`[${part.join(',')}]`);
      part = [];
      length = 0;
    }
    part.push(text);
    length += text.length + 1;
  }
  if (part.length > 0) arrays.push(`[${part.join(',')}]`);
  return arrays;
}

/**
 * JSON text of the rows, bigints as strings. A replacer function takes JSON.stringify off its
 * fast path (it was the largest cost of writing rows), so it is used only for rows that do hold a
 * bigint: without one, both give the same text.
 */
export function jsonText(payload: unknown): string {
  try {
    return JSON.stringify(payload);
  } catch (error) {
    if (!(error instanceof TypeError)) throw error;
    return JSON.stringify(payload, (_key, value: unknown) =>
      typeof value === 'bigint' ? value.toString() : value,
    );
  }
}

/** The SQL of a column's default, for rows that leave it undefined. */
function defaultSql(column: ColumnMetadata): string | undefined {
  const value: unknown = column.default;
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'function') return String((value as () => unknown)());
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return `'${value.replace(/'/g, "''")}'`;
  throw new Error(`Column ${column.propertyPath}: unsupported default ${JSON.stringify(value)}`);
}
