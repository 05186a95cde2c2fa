import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractValidator } from '../support/contract.js';
import { freePort, startAppProcess, waitForHealth, type AppProcess } from '../support/processes.js';
import {
  asWritten,
  expand,
  matchesExample,
  parseWalkthrough,
  valueAt,
  type WalkthroughStep,
} from '../support/readme-walkthrough.js';

/**
 * The README's walkthrough, step by step, against the API as `npm start` runs it: the built
 * process on the embedded database, seeded, in a fresh data directory, with nothing else set.
 * Each step must answer the status written under it and an answer the contract describes, and
 * each body must be the example the contract gives for its operation.
 */
describe("the README's walkthrough", () => {
  let dataDir: string;
  let api: AppProcess;
  let url: string;
  let contract: ContractValidator;
  let steps: WalkthroughStep[];

  beforeAll(async () => {
    steps = parseWalkthrough(await readFile('README.md', 'utf8'));
    dataDir = await mkdtemp(join(tmpdir(), 'coord-walkthrough-'));
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    // The embedded default: no database, broker or identity provider configured.
    api = startAppProcess('dist/apps/api/src/main.js', {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      DATA_DIR: dataDir,
      PORT: String(port),
      LOG_LEVEL: 'warn',
    });
    await waitForHealth(url, api, 120_000);
    const document = await fetch(`${url}/docs-json`).then((response) => response.json());
    contract = new ContractValidator(document as ConstructorParameters<typeof ContractValidator>[0]);
  });

  afterAll(async () => {
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('sends, for every command, the body the contract gives as its example', () => {
    const sent = new Set<string>();
    for (const step of steps) {
      const path = asWritten(step.url).replace(/^\$API/, '');
      const found = contract.operation(step.method, path);
      if (!found) throw new Error(`README line ${step.line}: no operation ${step.method} ${path}`);
      if (!step.body) continue;
      const examples = Object.values(
        found.operation.requestBody?.content?.['application/json']?.examples ?? {},
      ).map((example) => example.value);
      const written: unknown = JSON.parse(asWritten(step.body));
      if (!examples.some((example) => matchesExample(written, example))) {
        throw new Error(
          `README line ${step.line}: the body of ${step.method} ${found.template} is none of the contract's examples:\n${JSON.stringify(written)}\nexamples: ${JSON.stringify(examples)}`,
        );
      }
      sent.add(`${step.method} ${found.template}`);
    }
    // The other way round: every command whose contract shows the walkthrough's body is in it.
    const shown = contract
      .operations()
      .filter(
        ({ operation }) => operation.requestBody?.content?.['application/json']?.examples?.['walkthrough'],
      )
      .map(({ method, template }) => `${method.toUpperCase()} ${template}`);
    expect(shown.length).toBeGreaterThan(0);
    expect([...sent].sort()).toEqual([...shown].sort());
  });

  it('runs step by step, each answering its status and a body the contract describes', async () => {
    const variables = new Map<string, string>([['API', url]]);
    for (const step of steps) {
      const target = expand(step.url, variables, step.line);
      const headers = new Headers();
      for (const header of step.headers) {
        const text = expand(header, variables, step.line);
        const colon = text.indexOf(':');
        headers.append(text.slice(0, colon).trim(), text.slice(colon + 1).trim());
      }
      const body = step.body && expand(step.body, variables, step.line);
      // What curl sends with -d when no type is named.
      if (body !== undefined && !headers.has('content-type')) {
        headers.set('content-type', 'application/x-www-form-urlencoded');
      }
      const response = await fetch(target, { method: step.method, headers, body: body ?? null });
      const text = await response.text();
      const type = response.headers.get('content-type') ?? '';
      const answer: unknown = /json/.test(type) && text !== '' ? JSON.parse(text) : text;
      const request = `README line ${step.line}: ${step.method} ${target.slice(url.length)}`;
      if (response.status !== step.status) {
        throw new Error(`${request} answered ${response.status}, not ${step.status}: ${text.slice(0, 800)}`);
      }
      contract.check(step.method, target.slice(url.length), {
        status: response.status,
        headers: response.headers,
        body: answer,
      });
      for (const { path, name } of step.keep) {
        const value = valueAt(answer, path);
        if (typeof value !== 'string' && typeof value !== 'number') {
          throw new Error(`${request}: the answer has no ${path} to keep as ${name}: ${text.slice(0, 800)}`);
        }
        variables.set(name, String(value));
      }
    }
    // The walkthrough ends with the task done: it has left the agency's outstanding tasks.
    const task = await fetch(`${url}/tasks/${variables.get('TASK_ID')}`, {
      headers: { authorization: 'Bearer demo.issuer.lc-ubnd-tinh' },
    }).then((response) => response.json());
    expect(task).toMatchObject({ taskId: variables.get('TASK_ID'), status: 'completed' });
  });
});
