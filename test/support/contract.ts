import { Ajv2020, type ErrorObject, type ValidateFunction } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';

/**
 * The API's own OpenAPI document as a test oracle (docs/adr/0035-openapi-contract.md): every answer
 * a suite receives through the harness must be documented for its operation (status and media
 * type) and its JSON body must match the schema there, or the request fails with the operation,
 * the status and the JSON pointer of each mismatch. The document is the one the booted app serves
 * at /docs-json, read once per app, so it cannot drift from what the app does.
 */
export interface ContractAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly body: unknown;
}

export interface Operation {
  readonly operationId?: string;
  readonly security?: readonly object[];
  readonly requestBody?: {
    content?: Record<string, { examples?: Record<string, { value?: unknown }> }>;
  };
  readonly responses: Record<
    string,
    { content?: Record<string, { schema?: object }>; headers?: Record<string, { required?: boolean }> }
  >;
}

interface Route {
  readonly template: string;
  readonly pattern: RegExp;
  readonly parameters: number;
  readonly methods: Readonly<Record<string, Operation>>;
}

const BASE = 'https://coord.invalid/openapi.json';
const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
// ajv-formats is CommonJS with a default export; under NodeNext it arrives as the module object.
const addFormats = ((addFormatsModule as unknown as { default?: unknown }).default ??
  addFormatsModule) as unknown as (ajv: Ajv2020) => Ajv2020;

export class ContractValidator {
  private readonly ajv: Ajv2020;
  private readonly routes: readonly Route[];
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: {
    paths: Record<string, Record<string, unknown>>;
    components?: { schemas?: object };
  }) {
    this.ajv = new Ajv2020({ allErrors: true, strict: true, strictTypes: false, strictRequired: false });
    addFormats(this.ajv);
    // OpenAPI's annotations beside JSON Schema's own; they describe, they do not constrain.
    this.ajv.addVocabulary(['example', 'xml', 'externalDocs', 'discriminator']);
    this.ajv.addFormat('binary', true);
    this.ajv.addSchema({ $id: BASE, $defs: rewriteRefs(document.components?.schemas ?? {}) });
    this.routes = Object.entries(document.paths)
      .map(([template, item]) => ({
        template,
        // A parameter is one segment, except a trailing {path} (the tlog tiles' wildcard).
        pattern: new RegExp(
          `^${template
            .split(/(\{[^}]+\})/)
            .map((part) =>
              part === '{path}'
                ? '(.+)'
                : part.startsWith('{')
                  ? '([^/]+)'
                  : part.replace(/[.*+?^$()|[\]\\]/g, '\\$&'),
            )
            .join('')}$`,
        ),
        parameters: (template.match(/\{/g) ?? []).length,
        methods: Object.fromEntries(
          Object.entries(item).filter(([method]) => METHODS.includes(method)) as [string, Operation][],
        ),
      }))
      // Literal segments win, as in the router: /plans/import before /plans/{planId}.
      .sort((a, b) => a.parameters - b.parameters);
  }

  /** The operation that takes `method path` (a path with its query, as sent), if any. */
  operation(method: string, path: string): { template: string; operation: Operation } | undefined {
    // As fetch sends it (GET /plans/.. is GET /) and the router takes it (/tasks/ is /tasks).
    const pathOnly = new URL(path, 'http://contract.invalid').pathname.replace(/(.)\/$/, '$1');
    const lower = method.toLowerCase();
    const route = this.routes.find(
      (candidate) => candidate.pattern.test(pathOnly) && candidate.methods[lower],
    );
    return route && { template: route.template, operation: route.methods[lower]! };
  }

  /** Every operation of the document, by method and path template. */
  operations(): { method: string; template: string; operation: Operation }[] {
    return this.routes.flatMap((route) =>
      Object.entries(route.methods).map(([method, operation]) => ({
        method,
        template: route.template,
        operation,
      })),
    );
  }

  /** Throws when the answer to `method path` is not one the document describes. */
  check(method: string, path: string, answer: ContractAnswer): void {
    const pathOnly = new URL(path, 'http://contract.invalid').pathname.replace(/(.)\/$/, '$1');
    const found = this.operation(method, path);
    const mediaType = (answer.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (!found) {
      // A request no operation takes is refused before any handler (no such route or method, or
      // headers, URL or body refused by the server first): a problem, checked as such.
      if (answer.status >= 400 && answer.status < 500 && mediaType === 'application/problem+json') {
        this.validate(
          `${BASE}#/$defs/Problem`,
          { $ref: `${BASE}#/$defs/Problem` },
          answer.body,
          `${method} ${path}`,
          answer.status,
        );
        return;
      }
      // The dashboard's files (/, its assets) share the port; they are pages, not the API.
      if (answer.status < 400 && !/json/.test(mediaType) && mediaType !== '') return;
      throw new Error(
        `The contract has no operation ${method.toUpperCase()} ${pathOnly} (answered ${answer.status})`,
      );
    }
    const { template, operation } = found;
    const name = `${method.toUpperCase()} ${template} (${operation.operationId ?? 'no operationId'})`;
    const response =
      operation.responses[String(answer.status)] ??
      operation.responses[`${String(answer.status)[0]}XX`] ??
      operation.responses['default'];
    if (!response) {
      throw new Error(
        `${name} answered ${answer.status}, which the contract does not list (it lists ${Object.keys(operation.responses).join(', ')}); body: ${excerpt(answer.body)}`,
      );
    }
    for (const [header, about] of Object.entries(response.headers ?? {})) {
      if (about.required && !answer.headers.has(header))
        throw new Error(
          `${name} answered ${answer.status} without its ${header} header, which the contract requires`,
        );
    }
    const content = response.content ?? {};
    if (Object.keys(content).length === 0) {
      if (answer.body === null || answer.body === undefined || answer.body === '') return;
      throw new Error(
        `${name} answered ${answer.status} with a body the contract does not describe: ${excerpt(answer.body)}`,
      );
    }
    const media = content[mediaType];
    if (!media) {
      throw new Error(
        `${name} answered ${answer.status} as ${mediaType || 'no content type'}, which the contract does not list (it lists ${Object.keys(content).join(', ')})`,
      );
    }
    if (!/^application\/(.+\+)?json$/.test(mediaType) || !media.schema) return;
    this.validate(
      `${template} ${method.toLowerCase()} ${answer.status} ${mediaType}`,
      rewriteRefs(media.schema),
      answer.body,
      name,
      answer.status,
    );
  }

  private validate(key: string, schema: object, body: unknown, name: string, status: number): void {
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(schema);
      this.validators.set(key, validate);
    }
    if (validate(body)) return;
    throw new Error(
      `${name} answered ${status} with a body that does not match the contract:\n${describe(validate.errors ?? [])}\nbody: ${excerpt(body)}`,
    );
  }
}

const validators = new Map<string, Promise<ContractValidator>>();

/** The validator of the app at `url`, from the document it serves (read once). */
export function contractOf(url: string): Promise<ContractValidator> {
  let validator = validators.get(url);
  if (!validator) {
    validator = fetch(`${url}/docs-json`).then(async (response) => {
      if (!response.ok) throw new Error(`${url}/docs-json answered ${response.status}`);
      return new ContractValidator(
        (await response.json()) as ConstructorParameters<typeof ContractValidator>[0],
      );
    });
    validators.set(url, validator);
    validator.catch(() => validators.delete(url));
  }
  return validator;
}

/** Checks one answer of the app at `url` against its contract (for a suite that calls fetch itself). */
export async function expectContract(
  url: string,
  method: string,
  path: string,
  answer: ContractAnswer,
): Promise<void> {
  (await contractOf(url)).check(method, path, answer);
}

/** The document's refs (#/components/schemas/X) as refs into the schema registered under BASE. */
function rewriteRefs<T>(schema: T): T {
  return JSON.parse(JSON.stringify(schema).replaceAll('"#/components/schemas/', `"${BASE}#/$defs/`)) as T;
}

function describe(errors: readonly ErrorObject[]): string {
  return errors
    .slice(0, 10)
    .map((error) => {
      const extra =
        error.keyword === 'additionalProperties'
          ? ` (${String((error.params as { additionalProperty: string }).additionalProperty)})`
          : error.keyword === 'enum' || error.keyword === 'const'
            ? ` ${JSON.stringify(error.params)}`
            : '';
      return `  at ${error.instancePath || '/'}: ${error.message ?? error.keyword}${extra} [schema ${error.schemaPath.replace(`${BASE}#/$defs/`, '#/components/schemas/')}]`;
    })
    .join('\n');
}

function excerpt(body: unknown): string {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  return text === undefined ? 'none' : text.length > 600 ? `${text.slice(0, 600)}…` : text;
}
