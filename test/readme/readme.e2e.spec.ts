import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ContractValidator } from '../support/contract.js';
import { freePort, startAppProcess, waitForHealth, type AppProcess } from '../support/processes.js';
import { randomUUID } from 'node:crypto';
import {
  asWritten,
  expand,
  matchesExample,
  parseRoleTable,
  parseWalkthrough,
  valueAt,
  type RoleRow,
  type WalkthroughStep,
} from '../support/readme.js';

/**
 * The README as a guide, against the API as `npm start` runs it: the built process on the
 * embedded database, seeded, in a fresh data directory, with nothing else set. The walkthrough
 * runs step by step: each step must answer the status written under it and an answer the
 * contract describes, and each body must be the example the contract gives for its operation.
 * The table of who may call what is called cell by cell with each role's demo token.
 */
describe('the README as a guide', () => {
  let dataDir: string;
  let api: AppProcess;
  let url: string;
  let contract: ContractValidator;
  let steps: WalkthroughStep[];
  let table: { roles: string[]; rows: RoleRow[] };

  beforeAll(async () => {
    const readme = await readFile('README.md', 'utf8');
    steps = parseWalkthrough(readme);
    table = parseRoleTable(readme);
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
    // Seeding the two plans on first start takes a while on a busy host.
    await waitForHealth(url, api, 240_000);
    const document = await fetch(`${url}/docs-json`).then((response) => response.json());
    contract = new ContractValidator(document as ConstructorParameters<typeof ContractValidator>[0]);
  }, 300_000);

  afterAll(async () => {
    if (api) {
      api.child.kill('SIGTERM');
      await api.exited;
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('walkthrough: sends, for every command, the body the contract gives as its example', () => {
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

  it('walkthrough: runs step by step, each answering its status and a body the contract describes', async () => {
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
  it('who may call what: the table names every operation that needs a token, once', () => {
    const named = table.rows.flatMap((row) => row.operations);
    const secured = contract
      .operations()
      .filter(({ operation }) => (operation.security ?? [{}]).length > 0)
      .map(({ method, template }) => `${method.toUpperCase()} ${template}`);
    expect(new Set(named).size).toBe(named.length);
    expect([...named].sort()).toEqual([...secured].sort());
    expect(table.roles).toEqual(Object.keys(TOKENS));
  });

  it("who may call what: each role's demo token is answered as its cell says, row by row", async () => {
    const issuer = TOKENS.issuer;
    const call = async (token: string, method: string, path: string, body?: unknown, type?: string) => {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = type ?? 'application/json';
      const response = await fetch(`${url}${path}`, {
        method,
        headers,
        body: body === undefined ? null : typeof body === 'string' ? body : JSON.stringify(body),
      });
      const text = await response.text();
      const answer: unknown =
        /json/.test(response.headers.get('content-type') ?? '') && text ? JSON.parse(text) : text;
      contract.check(method, path, { status: response.status, headers: response.headers, body: answer });
      return { status: response.status, body: answer as Record<string, any>, text };
    };
    const plans = await call(issuer, 'GET', '/plans?issuer=lc-ubnd-tinh&q=chi%20thi%2028');
    const planId = plans.body.items[0].planId as string;
    /** A fresh task of the plan, assigned by the issuer; its id and the answer's position. */
    const assign = async (assignees: { agencyCode: string; role: string }[]) => {
      const assigned = await call(issuer, 'POST', '/tasks', assignment(planId, assignees));
      if (assigned.status !== 201) throw new Error(`assigning answered ${assigned.status}: ${assigned.text}`);
      return { taskId: assigned.body.taskId as string, position: assigned.body.position as string };
    };
    const lead = { agencyCode: 'lc-so-ldtbxh', role: 'lead' };
    // One request per row (by its first operation), sent with each role's token on fresh state.
    const probes: Record<string, (token: string) => Promise<{ status: number; text: string }>> = {
      'GET /agencies/{code}': (token) => call(token, 'GET', '/agencies/lc-so-ldtbxh'),
      'POST /agencies/{code}/heads': (token) =>
        call(token, 'POST', '/agencies/lc-so-ldtbxh/heads', {
          personName: 'Nguyễn Văn An',
          title: 'Giám đốc',
          since: '2024-01-15',
          reason: 'Quyết định số 123/QĐ-UBND ngày 10/01/2024',
        }),
      'POST /calendar/holidays': (token) =>
        call(token, 'POST', '/calendar/holidays', {
          action: 'add',
          date: '2099-05-04',
          name: 'Nghỉ hoán đổi',
          reason: 'Công văn hoán đổi ngày làm việc',
        }),
      'GET /agencies/{code}/outstanding': (token) => call(token, 'GET', '/agencies/lc-so-ldtbxh/outstanding'),
      'GET /plans/{planId}': (token) => call(token, 'GET', `/plans/${planId}`),
      'POST /plans/import': (token) =>
        call(
          token,
          'POST',
          '/plans/import?dryRun=true',
          'KẾ HOẠCH\nThực hiện công tác bảo vệ trẻ em',
          'text/plain',
        ),
      'POST /plans/{planId}/registration': (token) =>
        call(token, 'POST', `/plans/${planId}/registration`, {
          number: '1601/KH-UBND',
          issuedOn: '2024-07-15',
        }),
      'POST /tasks': (token) => call(token, 'POST', '/tasks', assignment(planId, [lead])),
      'POST /tasks/{taskId}/acknowledge': async (token) => {
        // The committee itself supports: its issuer acts on that assignment.
        const { taskId } = await assign([lead, { agencyCode: 'lc-ubnd-tinh', role: 'support' }]);
        return call(token, 'POST', `/tasks/${taskId}/acknowledge`);
      },
      'POST /tasks/{taskId}/completion/accept': async (token) => {
        const { taskId } = await assign([lead, { agencyCode: 'lc-so-gddt', role: 'support' }]);
        const submitted = await call('demo.officer.lc-so-gddt', 'POST', `/tasks/${taskId}/completion`, {
          report: 'Đã hoàn thành phần việc phối hợp',
        });
        if (submitted.status !== 200)
          throw new Error(`submitting answered ${submitted.status}: ${submitted.text}`);
        return call(token, 'POST', `/tasks/${taskId}/completion/accept`, {
          agencyCode: 'lc-so-gddt',
          reason: 'Đạt yêu cầu',
        });
      },
      'GET /tasks/{taskId}': async (token) => {
        const { taskId, position } = await assign([lead]);
        return call(token, 'GET', `/tasks/${taskId}?minPosition=${position}`);
      },
      'GET /audit/reads': (token) => call(token, 'GET', '/audit/reads?limit=1'),
      'GET /events': (token) => call(token, 'GET', '/events?limit=1'),
      'POST /agencies/{code}/webhooks': (token) =>
        call(token, 'POST', '/agencies/lc-so-ldtbxh/webhooks', {
          url: 'https://hethong.ldtbxh.laichau.gov.vn/coord/webhooks',
          eventTypes: ['PlanRegistered'],
        }),
      'GET /agencies/{code}/webhooks': (token) => call(token, 'GET', '/agencies/lc-so-ldtbxh/webhooks'),
    };
    const wrong: string[] = [];
    for (const row of table.rows) {
      const probe = probes[row.operations[0]!];
      if (!probe) throw new Error(`README line ${row.line}: no request to try "${row.what}" with`);
      for (const role of table.roles) {
        const allowed = row.cells[role] !== '—';
        const { status, text } = await probe(TOKENS[role as keyof typeof TOKENS]);
        const refused = status === 403 || status === 404;
        if (status === 401 || status >= 500 || allowed === refused) {
          wrong.push(
            `README line ${row.line}, "${row.what}", ${role} (${row.cells[role]}): ${row.operations[0]} answered ${status} ${text.slice(0, 200)}`,
          );
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

/** The demo token of each role column, all of Lai Châu (its committee, Sở LĐTBXH). */
const TOKENS = {
  issuer: 'demo.issuer.lc-ubnd-tinh',
  officer: 'demo.officer.lc-so-ldtbxh',
  administrator: 'demo.administrator.lc-so-ldtbxh',
  auditor: 'demo.auditor.lc-ubnd-tinh',
  inspector: 'demo.inspector.lc-ubnd-tinh',
  'national auditor': 'demo.auditor.national',
  operator: 'demo.operator.lc-ubnd-tinh',
} as const;

function assignment(planId: string, assignees: readonly { agencyCode: string; role: string }[]) {
  return {
    taskId: randomUUID(),
    planId,
    title: 'Rà soát trẻ em có hoàn cảnh đặc biệt',
    duty: 'Chủ trì rà soát, cập nhật số liệu trẻ em có hoàn cảnh đặc biệt',
    sourceClause: { section: 'V.2', start: 0, end: 10 },
    dueDate: '2027-11-30',
    assignees,
  };
}
