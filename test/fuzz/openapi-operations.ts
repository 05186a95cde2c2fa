/** The parts of an OpenAPI 3 document the fuzzer reads: every operation, its parameters and bodies. */
export interface OpenApiDocument {
  readonly paths: Record<string, Record<string, OpenApiOperation>>;
  readonly components?: { readonly schemas?: Record<string, Schema> };
}

interface OpenApiOperation {
  readonly parameters?: readonly {
    readonly name: string;
    readonly in: 'path' | 'query' | 'header' | 'cookie';
    readonly schema?: Schema;
  }[];
  readonly requestBody?: { readonly content?: Record<string, { readonly schema?: Schema }> };
}

export interface Schema {
  readonly type?: string;
  readonly format?: string;
  readonly enum?: readonly unknown[];
  readonly properties?: Record<string, Schema>;
  readonly required?: readonly string[];
  readonly items?: Schema;
  readonly allOf?: readonly Schema[];
  readonly $ref?: string;
}

export interface Parameter {
  readonly name: string;
  readonly schema: Schema;
}

export interface Operation {
  readonly method: string;
  /** The path template, `/tasks/{taskId}/progress`. */
  readonly path: string;
  readonly pathParams: readonly string[];
  readonly query: readonly Parameter[];
  readonly headers: readonly Parameter[];
  /** Media type → schema (with every $ref resolved); empty for an operation without a body. */
  readonly bodies: readonly { readonly contentType: string; readonly schema: Schema }[];
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

/** Every operation of the document, with its schemas resolved. */
export function operationsOf(document: OpenApiDocument): Operation[] {
  const operations: Operation[] = [];
  for (const [path, item] of Object.entries(document.paths)) {
    for (const [method, operation] of Object.entries(item)) {
      if (!METHODS.includes(method)) continue;
      const parameters = operation.parameters ?? [];
      operations.push({
        method: method.toUpperCase(),
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        query: parameters
          .filter((p) => p.in === 'query')
          .map((p) => ({ name: p.name, schema: resolveSchema(document, p.schema ?? {}) })),
        headers: parameters
          .filter((p) => p.in === 'header')
          .map((p) => ({ name: p.name, schema: resolveSchema(document, p.schema ?? {}) })),
        bodies: Object.entries(operation.requestBody?.content ?? {}).map(([contentType, media]) => ({
          contentType,
          schema: resolveSchema(document, media.schema ?? {}),
        })),
      });
    }
  }
  return operations;
}

/** The schema with its $refs and single-member allOfs replaced by what they name. */
export function resolveSchema(document: OpenApiDocument, schema: Schema, depth = 0): Schema {
  if (depth > 20) return {};
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return resolveSchema(document, document.components?.schemas?.[name] ?? {}, depth + 1);
  }
  if (schema.allOf && schema.allOf.length === 1) {
    const [only] = schema.allOf;
    return resolveSchema(document, only!, depth + 1);
  }
  return {
    ...schema,
    ...(schema.properties
      ? {
          properties: Object.fromEntries(
            Object.entries(schema.properties).map(([key, value]) => [
              key,
              resolveSchema(document, value, depth + 1),
            ]),
          ),
        }
      : {}),
    ...(schema.items ? { items: resolveSchema(document, schema.items, depth + 1) } : {}),
  };
}
