import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { annexedPlan } from '../../../libs/plan-intake/test/support/variants.js';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

/*
 * A 9 MB plan is read off the event loop: the API keeps answering /health while it is drafted, and
 * the answer does not repeat the document. The figures to watch are printed; the bound here is
 * generous (the host is shared), `npm run bench:intake` measures them in a process of their own.
 */
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LAI_CHAU = readFileSync(
  join(process.cwd(), 'libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt'),
  'utf8',
);

describe('a 9 MB plan document', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('pglite');
  });

  afterAll(async () => {
    await api.close();
  });

  it('is drafted while /health keeps answering, and the answer does not echo it', async () => {
    const document = Buffer.from(annexedPlan(LAI_CHAU, 9 * 1024 * 1024));
    let done = false;
    const started = performance.now();
    const imported = fetch(`${api.url}/plans/import?dryRun=true`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ISSUER}`, 'content-type': 'text/plain; charset=utf-8' },
      body: document,
    }).finally(() => (done = true));
    const latencies: number[] = [];
    while (!done) {
      const asked = performance.now();
      const health = await fetch(`${api.url}/health`);
      await health.arrayBuffer();
      latencies.push(performance.now() - asked);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    const answer = await imported;
    const took = performance.now() - started;
    const body = (await answer.json()) as {
      sourceText?: string;
      sourceTextLength: number;
      summary: { dutyTasks: number };
    };
    const max = Math.max(...latencies);
    console.log(
      `9 MB import: ${(took / 1000).toFixed(1)} s; /health during it: ${latencies.length} probes, max ${max.toFixed(0)} ms`,
    );
    expect(answer.status).toBe(200);
    expect(body.summary.dutyTasks).toBe(14);
    expect(body.sourceText).toBeUndefined();
    expect(body.sourceTextLength).toBeGreaterThan(7_000_000);
    expect(latencies.length).toBeGreaterThan(3);
    expect(max).toBeLessThan(2_000);
  });

  it('reads the same plan whether its length is declared or it comes chunked', async () => {
    // Each socket chunk's memory is freed once copied (body-parsers.ts): the copy must be whole.
    const document = Buffer.from(annexedPlan(LAI_CHAU, 3 * 1024 * 1024));
    const importAs = async (body: Buffer | ReadableStream<Uint8Array>): Promise<string> => {
      const answer = await fetch(`${api.url}/plans/import?dryRun=true`, {
        method: 'POST',
        headers: { authorization: `Bearer ${ISSUER}`, 'content-type': 'text/plain; charset=utf-8' },
        body,
        ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
      });
      expect(answer.status).toBe(200);
      return answer.text();
    };
    const declared = await importAs(document);
    const pieces = ReadableStream.from(
      Array.from({ length: Math.ceil(document.length / 50_000) }, (_, n) =>
        document.subarray(n * 50_000, (n + 1) * 50_000),
      ),
    );
    const chunked = await importAs(pieces);
    expect(chunked).toBe(declared);
    const draft = JSON.parse(declared) as { sourceTextLength: number; summary: { dutyTasks: number } };
    expect(draft.summary.dutyTasks).toBe(14);
    expect(draft.sourceTextLength).toBeGreaterThan(2_400_000); // 2.4 million characters in 3 MB
  });
});
