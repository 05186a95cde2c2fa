import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import fc from 'fast-check';
import type { Database } from '#libs/event-store';
import { DATABASE, DEADLINE_ACTOR } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../support/api-harness.js';
import { ContractValidator } from '../support/contract.js';
import { assignmentBody } from '../support/task-bodies.js';
import { FIXTURES, requestFor, unknownRoutes, type Fixture, type FuzzCase } from './hostile-requests.js';
import { operationsOf, type OpenApiDocument, type Operation } from './openapi-operations.js';

/**
 * Hostile input against every route the OpenAPI document describes (issue #14): requests with
 * odd ids, queries, headers, tokens and mutated bodies, one after another on one booted API.
 * Each answer must be below 500; each 4xx a problem+json with type, title, status and code, having
 * changed nothing; and no request may block the event loop for 200 ms or more.
 *
 * Bounded by FUZZ_RUNS (default 100,000) and FUZZ_SECONDS (default 60). FUZZ_SEED (and FUZZ_PATH,
 * a case's index) replay a run. FUZZ_BACKEND=postgres fuzzes the PostgreSQL deployment instead of
 * the embedded database. See test/fuzz/README.md.
 */
const RUNS = Number(process.env.FUZZ_RUNS ?? 100_000);
const SECONDS = Number(process.env.FUZZ_SECONDS ?? 60);
const SEED = Number(process.env.FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
const PATH = process.env.FUZZ_PATH;
const BACKEND = (process.env.FUZZ_BACKEND ?? 'pglite') as Backend;
const STALL_LIMIT_MS = 200;
const REQUEST_TIMEOUT_MS = 20_000;
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LEAD = 'demo.officer.lc-so-ldtbxh';

interface Answer {
  readonly status: number;
  readonly contentType: string;
  /** Every header of the answer, for the contract's required ones (a 201's Location). */
  readonly headers: Headers;
  readonly body: unknown;
}

interface Violation {
  readonly path: number;
  readonly route: string;
  readonly rule: string;
  readonly request: string;
  readonly status?: number;
  readonly answer?: unknown;
}

/** The state a refusal must leave as it was: the event log's head and the stored plan drafts. */
interface State {
  readonly head: bigint;
  readonly drafts: number;
}

describe('hostile input on every route', () => {
  let api: ApiHarness;
  let fixtures: Record<Fixture, string>;
  let operations: Operation[];
  let contract: ContractValidator;

  beforeAll(async () => {
    api = await startApi(BACKEND);
    const planId = await api.plan(ISSUER);
    const taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(planId, taskId, [
        { agencyCode: 'lc-so-ldtbxh', role: 'lead' },
        { agencyCode: 'lc-so-y-te', role: 'support' },
      ]),
    );
    expect(assigned.status).toBe(201);
    const handoff = await api.request('POST', `/tasks/${taskId}/handoffs`, 'demo.officer.lc-so-y-te', {
      reason: 'Chuyển cho Sở Giáo dục',
      toAgency: 'lc-so-gddt',
    });
    const extension = await api.request('POST', `/tasks/${taskId}/extensions`, LEAD, {
      reason: 'Cần thêm thời gian',
      dueDate: '2025-12-31',
    });
    const imported = await fetch(`${api.url}/plans/import?dryRun=false`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ISSUER}`, 'content-type': 'text/plain' },
      body: planText(),
    });
    const draft = (await imported.json()) as { draftId?: string };
    fixtures = {
      $planId: planId,
      $taskId: taskId,
      $handoffId: (handoff.body as { handoffId?: string })?.handoffId ?? randomUUID(),
      $extensionId: (extension.body as { extensionId?: string })?.extensionId ?? randomUUID(),
      $draftId: draft.draftId ?? randomUUID(),
    };
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as OpenApiDocument;
    operations = operationsOf(document);
    contract = new ContractValidator(document);
  });

  afterAll(async () => {
    await api?.close();
  });

  it(
    'answers no 5xx, a problem+json on each 4xx, changes nothing on refusal and never stalls the event loop',
    async () => {
      // Every route of the document is fuzzed (the health routes belong to their own suite).
      expect(operations.length).toBeGreaterThan(20);
      const cases = fc.oneof(
        ...operations.map((operation) => ({ weight: 10, arbitrary: requestFor(operation) })),
        { weight: 2, arbitrary: unknownRoutes },
      );
      const database = api.app.get<Database>(DATABASE);
      const schema = api.schema ?? 'coord';
      // The log's head, leaving out what the service records by itself meanwhile: the deadline
      // timers fire on their own (as DEADLINE_ACTOR), whatever request is being refused.
      const stateOf = async (): Promise<State> => {
        const { rows } = await database.pool.query<{ head: string | null; drafts: string }>(
          `select (select max(global_position) from ${schema}.events
                    where metadata->'actor'->>'personId' <> $1)::text as head,
                  (select count(*) from ${schema}.plan_drafts)::text as drafts`,
          [DEADLINE_ACTOR],
        );
        return { head: BigInt(rows[0]!.head ?? 0), drafts: Number(rows[0]!.drafts) };
      };

      const loop = monitorEventLoopDelay({ resolution: 10 });
      loop.enable();
      const violations: Violation[] = [];
      const statuses = new Map<number, number>();
      const codes = new Map<string, number>();
      const routes = new Set<string>();
      let tried = 0;
      let clientErrors = 0;
      let specific = 0;
      let maxStallMs = 0;
      let index = 0;
      const startedAt = Date.now();
      console.log(
        `fuzz: seed ${SEED}${PATH ? `, path ${PATH}` : ''}, up to ${RUNS} cases in ${SECONDS} s on ${BACKEND} ` +
          `(replay: FUZZ_SEED=${SEED} FUZZ_PATH=<case> npm test -- test/fuzz/api-fuzz.e2e.spec.ts)`,
      );

      await fc.check(
        fc.asyncProperty(cases, async (request) => {
          const path = PATH ? Number(PATH.split(':')[0]) : index;
          index += 1;
          const before = await stateOf();
          const prepared = prepare(request, fixtures);
          loop.reset();
          let answer: Answer;
          try {
            answer = await send(api.url, prepared);
          } catch (error) {
            if (error instanceof TypeError && /header|ByteString/i.test(String(error.message))) return true;
            violations.push({
              path,
              route: request.route,
              rule: 'no answer',
              request: summarise(request),
              answer: String(error),
            });
            return true;
          }
          let stallMs = loop.max / 1e6;
          // A request that blocks the loop does so each time; one that only met a busy host (CPU
          // taken by other processes) does not. A refusal changes nothing and a GET reads, so
          // either is sent again before the stall counts: the least of the tries is the stall.
          for (let retry = 0; retry < 2 && stallMs >= STALL_LIMIT_MS; retry++) {
            if (request.method !== 'GET' && answer.status < 400) break;
            loop.reset();
            await send(api.url, prepared).catch(() => undefined);
            stallMs = Math.min(stallMs, loop.max / 1e6);
          }
          // Every answer, however odd the request, is one the OpenAPI document describes (ADR 0035).
          try {
            contract.check(prepared.method, prepared.url, {
              status: answer.status,
              headers: answer.headers,
              body: answer.body,
            });
          } catch (error) {
            violations.push({
              path,
              route: request.route,
              rule: 'off the contract',
              request: summarise(request),
              status: answer.status,
              answer: (error as Error).message,
            });
          }
          tried += 1;
          routes.add(request.route);
          statuses.set(answer.status, (statuses.get(answer.status) ?? 0) + 1);
          if (stallMs > maxStallMs) maxStallMs = stallMs;
          if (stallMs >= STALL_LIMIT_MS)
            violations.push({
              path,
              route: request.route,
              rule: `event loop blocked ${Math.round(stallMs)} ms`,
              request: summarise(request),
            });
          if (answer.status >= 500)
            violations.push({
              path,
              route: request.route,
              rule: '5xx',
              request: summarise(request),
              status: answer.status,
              answer: answer.body,
            });
          if (answer.status >= 400 && answer.status < 500) {
            clientErrors += 1;
            const problem = answer.body as Record<string, unknown> | null;
            const isProblem =
              answer.contentType.startsWith('application/problem+json') &&
              typeof problem?.type === 'string' &&
              typeof problem.title === 'string' &&
              problem.status === answer.status &&
              typeof problem.code === 'string';
            if (isProblem) {
              specific += 1;
              codes.set(problem.code as string, (codes.get(problem.code as string) ?? 0) + 1);
            } else
              violations.push({
                path,
                route: request.route,
                rule: '4xx without problem+json',
                request: summarise(request),
                status: answer.status,
                answer: { contentType: answer.contentType, body: answer.body },
              });
            const after = await stateOf();
            if (after.head !== before.head || after.drafts !== before.drafts)
              violations.push({
                path,
                route: request.route,
                rule: `state changed on refusal (head ${before.head}→${after.head}, drafts ${before.drafts}→${after.drafts})`,
                request: summarise(request),
                status: answer.status,
                answer: answer.body,
              });
          }
          return true;
        }),
        {
          seed: SEED,
          numRuns: PATH ? 1 : RUNS,
          ...(PATH ? { path: PATH } : {}),
          interruptAfterTimeLimit: SECONDS * 1_000,
          markInterruptAsFailure: false,
        },
      );
      loop.disable();

      const refusals = violations.filter((v) => v.rule.startsWith('state changed')).length;
      const serverErrors = violations.filter((v) => v.rule === '5xx').length;
      console.log(
        [
          `fuzz summary (seed ${SEED}, ${BACKEND}, ${Math.round((Date.now() - startedAt) / 1000)} s)`,
          `  cases tried: ${tried} over ${routes.size} routes (of ${operations.length} operations + unknown routes)`,
          `  statuses: ${[...statuses]
            .sort(([a], [b]) => a - b)
            .map(([s, n]) => `${s}×${n}`)
            .join(' ')}`,
          `  4xx that are specific problem+json: ${clientErrors === 0 ? 100 : ((100 * specific) / clientErrors).toFixed(2)}% (${specific}/${clientErrors})`,
          `  problem codes: ${[...codes]
            .sort(([, a], [, b]) => b - a)
            .map(([c, n]) => `${c}×${n}`)
            .join(' ')}`,
          `  5xx: ${serverErrors}`,
          `  state changes on refusal: ${refusals}`,
          `  max event-loop stall: ${Math.round(maxStallMs)} ms (limit ${STALL_LIMIT_MS} ms)`,
        ].join('\n'),
      );

      // One example per kind of violation (rule, status, route, code), with how to replay it.
      const kinds = new Map<string, { count: number; example: Violation & { replay: string } }>();
      for (const violation of violations) {
        const kind = `${violation.rule} ${violation.status ?? ''} ${codeOf(violation.answer)}`;
        const known = kinds.get(kind);
        if (known) known.count += 1;
        else
          kinds.set(kind, {
            count: 1,
            example: { ...violation, replay: `FUZZ_SEED=${SEED} FUZZ_PATH=${violation.path}` },
          });
      }
      if (kinds.size > 0)
        console.log(
          `fuzz violations by kind:\n${[...kinds].map(([kind, { count, example }]) => `  ${count}× ${kind}\n     e.g. ${example.replay}: ${example.request.slice(0, 200)} → ${JSON.stringify(example.answer)?.slice(0, 300)}`).join('\n')}`,
        );
      expect({
        violations: violations.length,
        kinds: [...kinds.values()].slice(0, 15).map(({ count, example }) => ({ count, ...example })),
      }).toEqual({ violations: 0, kinds: [] });
      // The run did try every route.
      if (!PATH) expect(routes.size).toBeGreaterThan(operations.length * 0.9);
    },
    (SECONDS + 180) * 1_000,
  );
});

function codeOf(answer: unknown): string {
  const body = (answer as { body?: unknown } | null)?.body ?? answer;
  const record = body as Record<string, unknown> | null;
  return typeof record?.code === 'string'
    ? record.code
    : typeof record?.message === 'string'
      ? record.message.slice(0, 60)
      : '';
}

interface Prepared {
  readonly method: string;
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body: string | Buffer | undefined;
}

/** The request with the placeholders of the instance's plan, task, draft... filled in. */
function prepare(request: FuzzCase, fixtures: Record<Fixture, string>): Prepared {
  const fill = (text: string) => FIXTURES.reduce((out, name) => out.split(name).join(fixtures[name]), text);
  const body = request.body;
  return {
    method: request.method,
    url: fill(request.target),
    headers: request.headers,
    body:
      body === undefined
        ? undefined
        : 'json' in body
          ? fill(JSON.stringify(body.json) ?? 'null')
          : 'text' in body
            ? fill(body.text)
            : Buffer.from(body.hex, 'hex'),
  };
}

async function send(base: string, request: Prepared): Promise<Answer> {
  const response = await fetch(`${base}${request.url}`, {
    method: request.method,
    headers: request.headers,
    ...(request.body !== undefined && request.method !== 'GET' ? { body: request.body } : {}),
    signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    redirect: 'manual',
  });
  const contentType = response.headers.get('content-type') ?? '';
  if (contentType.startsWith('text/event-stream')) {
    // A feed stays open: its headers are the answer.
    await response.body?.cancel();
    return { status: response.status, contentType, headers: response.headers, body: null };
  }
  const text = await response.text();
  let body: unknown = text;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    // Not JSON: kept as text, which a 4xx must not be.
  }
  return { status: response.status, contentType, headers: response.headers, body };
}

/** A short, printable description of a case for the failure message. */
function summarise(request: FuzzCase): string {
  const body =
    request.body === undefined
      ? ''
      : ` body ${JSON.stringify('json' in request.body ? request.body.json : 'text' in request.body ? request.body.text : `hex:${request.body.hex}`)?.slice(0, 300)}`;
  return `${request.method} ${request.target.slice(0, 300)} headers ${JSON.stringify(request.headers).slice(0, 300)}${body}`;
}

/** A small plan document of the Lai Châu People's Committee, for a draft to confirm. */
function planText(): string {
  return [
    'ỦY BAN NHÂN DÂN',
    'TỈNH LAI CHÂU',
    '',
    'Số: 4242/KH-UBND',
    '',
    'Lai Châu, ngày 3 tháng 6 năm 2024',
    '',
    'KẾ HOẠCH',
    '',
    'Phối hợp bảo vệ trẻ em năm 2024 (kiểm thử fuzz)',
    '',
    'I. TỔ CHỨC THỰC HIỆN',
    '',
    '1. Sở Lao động - Thương binh và Xã hội',
    '',
    '- Chủ trì rà soát trẻ em có hoàn cảnh đặc biệt, hoàn thành trước ngày 30/11/2024.',
    '',
  ].join('\n');
}
