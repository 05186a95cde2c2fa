import { DataSource, type EntityManager } from 'typeorm';
import { assertSchemaName } from '#libs/event-store';

/** The schema a projection DataSource was created for (its `schema` option). */
export function projectionSchema(source: DataSource | EntityManager): string {
  const dataSource = source instanceof DataSource ? source : source.dataSource;
  const schema = (dataSource.options as { schema?: string }).schema;
  return assertSchemaName(schema ?? 'coord');
}
