import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

/**
 * The authorization matrix of reads: every role x every read endpoint x an object of the caller's
 * own agency, of another agency of its province, and of another province. The expectations are
 * the policy as docs/read-policy.md writes it, spelled out here (not asked of the policy code):
 * a read outside it is 404 (tasks, plans: as for nothing) or 403 (agency work, the audit of
 * reads), never data; a read inside it is 200.
 */

const LC_ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LSC_ISSUER = 'demo.issuer.lsc-ubnd-thanh-pho';
const OWN = 'lc-so-ldtbxh';
const OTHER = 'lc-so-y-te';
const OTHER_PROVINCE = 'lsc-phong-ldtbxh';

type Target = 'own' | 'otherAgency' | 'otherProvince';
const TARGETS: readonly Target[] = ['own', 'otherAgency', 'otherProvince'];

/** Who reads: each role, as the demo tokens give it (the officer acts for OWN). */
const READERS = {
  officer: `demo.officer.${OWN}`,
  issuer: LC_ISSUER,
  auditor: 'demo.auditor.lc-ubnd-tinh',
  inspector: 'demo.inspector.lc-ubnd-tinh',
  operator: 'demo.operator.lc-ubnd-tinh',
  'national auditor': 'demo.auditor.national',
  'national inspector': 'demo.inspector.national',
} as const;
type ReaderName = keyof typeof READERS;

type Kind = 'task' | 'plan' | 'agency' | 'directory' | 'audit';

/** The policy, for this world: may `reader` read an object of `kind` that is `target`? */
function allowed(reader: ReaderName, kind: Kind, target: Target): boolean {
  if (kind === 'directory') return true; // the directory and heads: public to every signed-in caller
  if (kind === 'audit') return reader !== 'officer' && reader !== 'issuer' && reader !== 'operator';
  switch (reader) {
    case 'national auditor':
    case 'national inspector':
      return true;
    case 'operator':
      return false;
    case 'auditor':
    case 'inspector':
    case 'issuer':
      return target !== 'otherProvince';
    case 'officer':
      return target === 'own';
  }
}

describe.each<Backend>(['pglite', 'postgres'])('who may read what (%s)', (backend) => {
  let api: ApiHarness;
  const tasks: Record<Target, string> = {
    own: randomUUID(),
    otherAgency: randomUUID(),
    otherProvince: randomUUID(),
  };
  const agencies: Record<Target, string> = { own: OWN, otherAgency: OTHER, otherProvince: OTHER_PROVINCE };
  const plans = {} as Record<Target, string>;

  beforeAll(async () => {
    api = await startApi(backend);
    const lcPlan = await api.plan(LC_ISSUER);
    const lcPlanOfOthers = await issueSecondPlan();
    const lscPlan = await api.plan(LSC_ISSUER);
    plans.own = lcPlan;
    plans.otherAgency = lcPlanOfOthers;
    plans.otherProvince = lscPlan;
    const assign = async (issuer: string, planId: string, taskId: string, agency: string) => {
      const response = await api.request(
        'POST',
        '/tasks',
        issuer,
        assignmentBody(planId, taskId, [{ agencyCode: agency, role: 'lead' }]),
      );
      expect(response.status).toBe(201);
      return response.body.position as string;
    };
    await assign(LC_ISSUER, lcPlan, tasks.own, OWN);
    await assign(LC_ISSUER, lcPlanOfOthers, tasks.otherAgency, OTHER);
    const last = await assign(LSC_ISSUER, lscPlan, tasks.otherProvince, OTHER_PROVINCE);
    expect(
      (await api.request('GET', `/tasks/${tasks.otherProvince}?minPosition=${last}`, LSC_ISSUER)).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await api?.close();
  });

  /** A second Lai Châu plan, whose only task is another agency's: OWN has no part in it. */
  async function issueSecondPlan(): Promise<string> {
    const { issueTestPlan } = await import('../../../test/support/plans.js');
    return issueTestPlan(api, LC_ISSUER);
  }

  const endpoints: readonly { kind: Kind; path: (target: Target) => string }[] = [
    { kind: 'task', path: (t) => `/tasks/${tasks[t]}` },
    { kind: 'task', path: (t) => `/tasks/${tasks[t]}/trail` },
    { kind: 'task', path: (t) => `/tasks/${tasks[t]}?validAt=2100-01-01T00:00:00Z` },
    { kind: 'task', path: (t) => `/tasks/${tasks[t]}/trail?knownAt=2100-01-01T00:00:00Z` },
    { kind: 'plan', path: (t) => `/plans/${plans[t]}` },
    { kind: 'plan', path: (t) => `/plans/${plans[t]}/tasks` },
    { kind: 'plan', path: (t) => `/plans/${plans[t]}/progress` },
    { kind: 'plan', path: (t) => `/plans/${plans[t]}/progress?knownAt=2100-01-01T00:00:00Z` },
    { kind: 'agency', path: (t) => `/agencies/${agencies[t]}/responsibilities?status=all` },
    { kind: 'agency', path: (t) => `/agencies/${agencies[t]}/outstanding` },
    { kind: 'agency', path: (t) => `/agencies/${agencies[t]}/responsibilities?validAt=2100-01-01T00:00:00Z` },
    { kind: 'agency', path: (t) => `/agencies/${agencies[t]}/outstanding?knownAt=2100-01-01T00:00:00Z` },
    { kind: 'agency', path: (t) => `/agencies/${agencies[t]}/feed` },
    { kind: 'directory', path: (t) => `/agencies/${agencies[t]}/heads` },
    { kind: 'directory', path: (t) => `/agencies/${agencies[t]}/heads?knownAt=2100-01-01T00:00:00Z` },
    { kind: 'audit', path: (t) => `/audit/reads?resource=${agencies[t]}` },
  ];

  it('serves every read inside the policy and none outside it', async () => {
    const outside: string[] = [];
    const deniedInside: string[] = [];
    let checked = 0;
    for (const [reader, token] of Object.entries(READERS) as [ReaderName, string][]) {
      for (const endpoint of endpoints) {
        for (const target of TARGETS) {
          const path = endpoint.path(target);
          const { status, text, json } = await read(path, token);
          checked += 1;
          const expected = allowed(reader, endpoint.kind, target);
          const label = `${reader} ${target} ${path}: ${status}`;
          if (expected && status !== 200) deniedInside.push(label);
          if (!expected) {
            const refusal = endpoint.kind === 'task' || endpoint.kind === 'plan' ? 404 : 403;
            // A refusal names no object of another scope (no task id, plan id or party) beyond
            // `instance`, the caller's own URL.
            const { instance: _own, ...problem } = (json ?? {}) as Record<string, unknown>;
            const leaks = [tasks[target], plans[target]].some((id) => JSON.stringify(problem).includes(id));
            if (status !== refusal || leaks) outside.push(`${label} ${text.slice(0, 200)}`);
          }
        }
      }
    }
    expect(checked).toBe(Object.keys(READERS).length * endpoints.length * TARGETS.length);
    expect(outside).toEqual([]);
    expect(deniedInside).toEqual([]);
  });

  it("lists only the plans within the reader's scope", async () => {
    const listed = async (token: string) =>
      ((await read('/plans', token)).json as { items: { planId: string }[] }).items.map(
        (plan) => plan.planId,
      );
    expect(await listed(READERS.auditor)).not.toContain(plans.otherProvince);
    expect(await listed(READERS.auditor)).toEqual(expect.arrayContaining([plans.own, plans.otherAgency]));
    expect(await listed(READERS['national inspector'])).toEqual(
      expect.arrayContaining([plans.own, plans.otherAgency, plans.otherProvince]),
    );
    expect(await listed(READERS.officer)).toEqual([plans.own]);
    expect(await listed(READERS.operator)).toEqual([]);
  });

  /** One read; an event stream (the feed) is closed as soon as its status is known. */
  async function read(path: string, token: string): Promise<{ status: number; text: string; json: unknown }> {
    const controller = new AbortController();
    const response = await fetch(`${api.url}${path}`, {
      headers: { authorization: `Bearer ${token}` },
      signal: controller.signal,
    });
    if ((response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      controller.abort();
      return { status: response.status, text: '', json: null };
    }
    const text = await response.text();
    return { status: response.status, text, json: text ? (JSON.parse(text) as unknown) : null };
  }
});
