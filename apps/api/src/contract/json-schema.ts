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

/** An object schema as the answers write them: its fields, those always present, nothing else. */
export interface ObjectSchema extends JsonSchema {
  readonly properties: Readonly<Record<string, unknown>>;
  readonly required: readonly string[];
}

export function objectSchema(
  properties: Readonly<Record<string, unknown>>,
  required: readonly string[],
): ObjectSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

/**
 * The same answer at a past instant (`knownAt=`/`validAt=`): its fields plus `pastState`, the
 * instant answered. Written once here so a field added to the current answer is in both.
 */
export function withPastState(schema: ObjectSchema): ObjectSchema {
  return objectSchema({ ...schema.properties, pastState: schemaRef('AnsweredInstant') }, [
    ...schema.required,
    'pastState',
  ]);
}

/**
 * One page of a list (docs/adr/0034): its items, the cursor of the next page (null on the last),
 * the `total` only when asked for with `count=true` (unless the list cannot count), and any fields
 * the list adds.
 */
export function pageOf(
  itemSchema: string,
  extra: {
    readonly properties?: Readonly<Record<string, unknown>>;
    readonly required?: readonly string[];
    readonly countable?: boolean;
  } = {},
): ObjectSchema {
  return objectSchema(
    {
      items: { type: 'array', items: schemaRef(itemSchema) },
      ...(extra.countable === false ? {} : { total: { type: 'integer' } }),
      next: { type: ['string', 'null'] },
      ...extra.properties,
    },
    ['items', 'next', ...(extra.required ?? [])],
  );
}

/** The full name of every agency an answer names, by code (in the answer's language). */
export const AGENCY_NAMES: JsonSchema = {
  type: 'object',
  additionalProperties: { type: 'string' },
  description: 'The full name of every agency the answer names, by code',
};
