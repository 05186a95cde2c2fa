import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication, INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { loadConfig } from '#libs/platform';
import { createApiApplication } from '../../apps/api/src/bootstrap.js';
import { WorkerModule } from '../../apps/worker/src/worker.module.js';
import { expectContract } from './contract.js';
import { issueTestPlan } from './plans.js';
import { TEST_DATABASE_URL, connectTestPostgres, dropSchema, uniqueSchema } from './postgres.js';

export type Backend = 'pglite' | 'postgres';

/** Rate limits high enough that no test but the one about them ever meets them. */
export const UNLIMITED = { RATE_LIMIT_PER_PRINCIPAL: '1000000', RATE_LIMIT_PER_IP: '1000000' } as const;

/** A booted API (and, on PostgreSQL, a worker running the projections), reached over HTTP. */
export interface ApiHarness {
  readonly url: string;
  readonly app: INestApplication;
  /** The PostgreSQL schema of this instance (undefined on PGlite). */
  readonly schema?: string;
  request(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers?: Record<string, string>,
  ): Promise<ApiResponse>;
  /**
   * The id of a plan issued on this instance by `issuerToken`'s committee (default: the Lai Châu
   * People's Committee), issued on first use: `POST /tasks` only takes tasks of an issued plan.
   */
  plan(issuerToken?: string): Promise<string>;
  /** Starts the worker of a PostgreSQL instance started without one (see StartOptions). */
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

export interface ApiResponse {
  readonly status: number;
  readonly body: any;
  readonly headers: Headers;
}

export interface StartOptions {
  /** On PostgreSQL, start the worker with the API (default true); else call startWorker() later. */
  readonly worker?: boolean;
}

export async function startApi(
  backend: Backend,
  env: Record<string, string> = {},
  options: StartOptions = {},
): Promise<ApiHarness> {
  let worker: INestApplicationContext | undefined;
  let cleanup: () => Promise<void>;
  let settings: Record<string, string>;
  let schema: string | undefined;
  if (backend === 'pglite') {
    const dataDir = await mkdtemp(join(tmpdir(), 'coord-api-'));
    settings = { DATA_DIR: dataDir };
    cleanup = () => rm(dataDir, { recursive: true, force: true });
  } else {
    const name = uniqueSchema('api');
    schema = name;
    settings = { DATABASE_URL: TEST_DATABASE_URL, DATABASE_SCHEMA: name, DEMO_TOKENS: 'true' };
    cleanup = async () => {
      const pool = await connectTestPostgres(1);
      await dropSchema(pool, name);
      await pool.end();
    };
  }
  const config = loadConfig({
    LOG_LEVEL: 'silent',
    SEED_PLANS: 'false',
    // Suites fire thousands of requests from one address and a few people; the limits have
    // their own suite (apps/api/test/edges.e2e.spec.ts), which sets them through `env`.
    ...UNLIMITED,
    ...settings,
    ...env,
  });
  const app = await createApiApplication(config);
  await app.listen(0, '127.0.0.1');
  const startWorker = async () => {
    if (backend !== 'postgres' || worker) return;
    worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: false });
    await worker.init();
  };
  if (options.worker !== false) await startWorker();
  const url = await app.getUrl();
  const plans = new Map<string, Promise<string>>();
  const harness: ApiHarness = {
    url,
    startWorker,
    plan(issuerToken = 'demo.issuer.lc-ubnd-tinh') {
      let plan = plans.get(issuerToken);
      if (!plan) {
        plan = issueTestPlan(harness, issuerToken);
        plans.set(issuerToken, plan);
        // A failed attempt is not kept: the next call tries again.
        plan.catch(() => plans.delete(issuerToken));
      }
      return plan;
    },
    app,
    ...(schema ? { schema } : {}),
    request: (method, path, token, body, headers = {}) => requestApi(url, method, path, token, body, headers),
    async close() {
      await worker?.close();
      await app.close();
      await cleanup();
    },
  };
  return harness;
}

/**
 * One request to the API at `url` as the bearer of `token`, with a JSON body if given. The answer
 * must be one the API's OpenAPI document describes (test/support/contract.ts), or this throws.
 */
export async function requestApi(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): Promise<ApiResponse> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      // The suites read English details; the API answers in Vietnamese unless asked (README).
      'accept-language': 'en',
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...headers,
    },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  const answer = { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : null };
  await expectContract(url, method, path, answer);
  return answer;
}
