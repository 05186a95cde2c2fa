/**
 * A JSON Schema (2020-12, the dialect of OpenAPI 3.1) written as a plain object. The answers'
 * shapes are TypeScript interfaces, which the document generator cannot see: each feature writes
 * them once as schemas next to its controller (<feature>.schemas.ts, docs/adr/0035).
 */
export type JsonSchema = { readonly [keyword: string]: unknown };

export type JsonSchemas = Readonly<Record<string, JsonSchema>>;

/** A reference to a component of the document (see contract.schemas.ts for the names). */
export function schemaRef(name: string): JsonSchema {
  return { $ref: `#/components/schemas/${name}` };
}
