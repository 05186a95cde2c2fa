import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type pg from 'pg';
import {
  connectTestPostgres,
  dropSchema,
  TEST_DATABASE_URL,
  uniqueSchema,
} from '../../../test/support/postgres.js';

/**
 * A read's garbage dies in the young generation (ADR 0047). The built API is booted in a child
 * process on PostgreSQL and asked for a page of an agency's outstanding list 3,000 times over HTTP;
 * V8's own trace of each scavenge (`--trace-gc-nvp`) says how much it promoted to the old
 * generation. A second run with V8_PRETENURING=true (the flag left alone) shows that the workload
 * still sets pretenuring off: the first run's figure is the flag's doing, not the workload's.
 */
describe("the API's garbage", () => {
  const requests = 3000;
  const schemas: string[] = [];
  let pool: pg.Pool;

  beforeAll(async () => {
    pool = await connectTestPostgres(2);
  });

  afterAll(async () => {
    for (const schema of schemas) await dropSchema(pool, schema);
    await pool.end();
  });

  /** KB promoted per request by the API in a child process, with V8's pretenuring off or on. */
  function promotedPerRequest(pretenuring: 'off' | 'on'): number {
    const dist = (path: string) => pathToFileURL(resolve('dist', path)).href;
    // As bench:outstanding: 5,000 open tasks of one agency, written straight into the projection's
    // table, read a page of 50 at a time over a keep-alive connection.
    const script = `
      import 'reflect-metadata';
      import http from 'node:http';
      import { writeSync } from 'node:fs';
      import { loadConfig, PROJECTION_DATA_SOURCE } from '${dist('libs/platform/src/index.js')}';
      import { OUTSTANDING_STATES, projectionSchema } from '${dist('libs/projections/src/index.js')}';
      import { createApiApplication } from '${dist('apps/api/src/bootstrap.js')}';
      const config = loadConfig({
        LOG_LEVEL: 'warn', SEED_PLANS: 'false',
        DATABASE_URL: process.env.YOUNG_TEST_DATABASE_URL, DATABASE_SCHEMA: process.env.YOUNG_TEST_SCHEMA,
        DEMO_TOKENS: 'true', RATE_LIMIT_PER_PRINCIPAL: '1000000', RATE_LIMIT_PER_IP: '1000000',
        V8_PRETENURING: process.env.YOUNG_TEST_PRETENURING === 'on' ? 'true' : 'false',
      });
      const app = await createApiApplication(config);
      await app.listen(0, '127.0.0.1');
      const projections = app.get(PROJECTION_DATA_SOURCE);
      const states = OUTSTANDING_STATES.map((state) => "'" + state + "'").join(',');
      await projections.query(
        'insert into ' + projectionSchema(projections) + '.outstanding_tasks' +
        ' (agency_code, task_id, plan_id, title, role, due_date, state, state_rank)' +
        " select 'lc-so-ldtbxh', 'task-' || lpad(i::text, 7, '0'), 'plan-' || (i % 40)," +
        " 'Rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt số ' || i, 'lead'," +
        " date '2025-01-01' + (i * 7919 % 730), (array[" + states + "])[1 + i % " + OUTSTANDING_STATES.length + "]," +
        ' i % ' + OUTSTANDING_STATES.length + ' from generate_series(1, 5000) i',
      );
      const url = (await app.getUrl()) + '/agencies/lc-so-ldtbxh/outstanding?limit=50';
      const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
      const headers = { authorization: 'Bearer demo.officer.lc-so-ldtbxh' };
      // node:http rather than fetch: undici's own bookkeeping outlives the young generation.
      const read = () => new Promise((done, fail) => {
        http.get(url, { agent, headers }, (answer) => {
          const chunks = [];
          answer.on('data', (chunk) => chunks.push(chunk));
          answer.on('end', () => {
            const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            if (answer.statusCode === 200 && body.items.length === 50) done();
            else fail(new Error('answer ' + answer.statusCode));
          });
        }).on('error', fail);
      });
      for (let i = 0; i < 500; i += 1) await read();
      writeSync(1, 'MEASURED-FROM\\n');
      for (let i = 0; i < ${requests}; i += 1) await read();
      writeSync(1, 'MEASURED-TO\\n');
      agent.destroy();
      await app.close();
      process.exit(0);
    `;
    const schema = uniqueSchema('young');
    schemas.push(schema);
    const child = spawnSync(process.execPath, ['--trace-gc-nvp', '--input-type=module', '-e', script], {
      env: {
        ...process.env,
        YOUNG_TEST_DATABASE_URL: TEST_DATABASE_URL,
        YOUNG_TEST_SCHEMA: schema,
        YOUNG_TEST_PRETENURING: pretenuring,
      },
      encoding: 'utf8',
      timeout: 120_000,
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(child.error).toBeUndefined();
    expect(child.stderr).toBe('');
    expect(child.status).toBe(0);
    const lines = child.stdout.split('\n');
    const measured = lines.slice(lines.indexOf('MEASURED-FROM'), lines.indexOf('MEASURED-TO'));
    const scavenges = measured.filter((line) => line.includes(' gc=s '));
    const promoted = scavenges.map((line) => Number(/ promoted=(\d+)/.exec(line)?.[1] ?? NaN));
    expect(scavenges.length).toBeGreaterThan(3);
    expect(promoted.every(Number.isFinite)).toBe(true);
    return promoted.reduce((sum, bytes) => sum + bytes, 0) / requests / 1024;
  }

  it('is not promoted out of the young generation, request after request', () => {
    const young = promotedPerRequest('off');
    const pretenured = promotedPerRequest('on');
    // Measured: 2.6-4.0 KB a request, and 22.9 KB with pretenuring on.
    expect(young).toBeLessThan(8);
    expect(pretenured).toBeGreaterThan(2 * young + 4);
  });
});
