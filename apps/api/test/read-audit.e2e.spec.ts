import { randomUUID } from 'node:crypto';
import type { Database } from '#libs/event-store';
import { DATABASE, verifyReadChain } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const OWN = 'lc-so-ldtbxh';
const OFFICER = `demo.officer.${OWN}`;
const AUDITOR = 'demo.auditor.lc-ubnd-tinh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';
const NATIONAL = 'demo.auditor.national';

interface Listed {
  seq: string;
  recordedAt: string;
  actor: { personId: string; agencyCode: string; roles: string[] };
  kind: string;
  path: string;
  query: Record<string, string>;
  items: number;
  prevHash: string;
  hash: string;
  method: string;
  resourceIds: string[];
}

/** A scripted session of reads, then the audit of reads asked who read what. */
describe.each<Backend>(['pglite', 'postgres'])('the audit of reads (%s)', (backend) => {
  let api: ApiHarness;
  let database: Database;
  const taskId = randomUUID();
  let sessionStart: string;

  beforeAll(async () => {
    api = await startApi(backend);
    database = api.app.get<Database>(DATABASE);
    const planId = await api.plan();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(planId, taskId, [{ agencyCode: OWN, role: 'lead' }]),
    );
    expect(assigned.status).toBe(201);
    expect(
      (await api.request('GET', `/tasks/${taskId}?minPosition=${assigned.body.position}`, ISSUER)).status,
    ).toBe(200);
    sessionStart = new Date().toISOString();
  });

  afterAll(async () => {
    await api?.close();
  });

  const reads = async (query: string, token = NATIONAL) => {
    const response = await api.request('GET', `/audit/reads?${query}`, token);
    expect(response.status).toBe(200);
    return response.body as { items: Listed[]; next: string | null; total?: number };
  };

  it('lists every read of the session, who made it, what, with which query and how many items', async () => {
    const session: { token: string; path: string; personId: string; kind: string }[] = [
      { token: OFFICER, path: `/tasks/${taskId}`, personId: `demo-officer-${OWN}`, kind: 'task' },
      { token: OFFICER, path: `/tasks/${taskId}/trail`, personId: `demo-officer-${OWN}`, kind: 'task.trail' },
      {
        token: AUDITOR,
        path: `/tasks/${taskId}/trail?validAt=2100-01-01T00:00:00Z`,
        personId: 'demo-auditor-lc-ubnd-tinh',
        kind: 'task.trail',
      },
      {
        token: INSPECTOR,
        path: `/agencies/${OWN}/outstanding?limit=10`,
        personId: 'demo-inspector-lc-ubnd-tinh',
        kind: 'agency.outstanding',
      },
      {
        token: OFFICER,
        path: `/agencies/${OWN}/responsibilities?status=all`,
        personId: `demo-officer-${OWN}`,
        kind: 'agency.responsibilities',
      },
      {
        token: ISSUER,
        path: `/agencies/${OWN}/heads`,
        personId: 'demo-issuer-lc-ubnd-tinh',
        kind: 'agency.heads',
      },
    ];
    const answered: { path: string; items: number }[] = [];
    for (const read of session) {
      const response = await api.request('GET', read.path, read.token);
      expect({ path: read.path, status: response.status }).toEqual({ path: read.path, status: 200 });
      const body = response.body as Record<string, unknown>;
      const list = body.items ?? body.entries ?? body.heads;
      answered.push({ path: read.path, items: Array.isArray(list) ? list.length : 1 });
    }
    // Refusals read nothing and are not recorded.
    expect((await api.request('GET', `/tasks/${taskId}`, 'demo.officer.lc-so-y-te')).status).toBe(404);
    expect((await api.request('GET', `/agencies/${OWN}/outstanding`, 'demo.officer.lc-so-y-te')).status).toBe(
      403,
    );

    const listed = (await reads(`from=${sessionStart}&limit=500`)).items;
    expect(
      listed.map((read) => ({ personId: read.actor.personId, kind: read.kind, path: read.path })),
    ).toEqual(
      session.map((read) => ({ personId: read.personId, kind: read.kind, path: read.path.split('?')[0] })),
    );
    expect(listed.map((read) => read.items)).toEqual(answered.map((read) => read.items));
    expect(listed[2]?.query).toEqual({ validAt: '2100-01-01T00:00:00Z' });
    expect(listed[3]?.query).toEqual({ limit: '10' });
    expect(listed[3]?.actor).toEqual({
      personId: 'demo-inspector-lc-ubnd-tinh',
      agencyCode: 'lc-ubnd-tinh',
      roles: ['inspector'],
    });
    expect(listed.every((read) => read.method === 'GET' && read.recordedAt >= sessionStart)).toBe(true);

    // Filters: by who read, by what was read, by when.
    const byOfficer = await reads(`actor=demo-officer-${OWN}&from=${sessionStart}`);
    expect(byOfficer.items.map((read) => read.path)).toEqual([
      `/tasks/${taskId}`,
      `/tasks/${taskId}/trail`,
      `/agencies/${OWN}/responsibilities`,
    ]);
    const ofTask = await reads(`resource=${taskId}`);
    expect(ofTask.items.map((read) => read.path)).toEqual([
      `/tasks/${taskId}`, // the issuer's read in beforeAll
      `/tasks/${taskId}`,
      `/tasks/${taskId}/trail`,
      `/tasks/${taskId}/trail`,
    ]);
    expect((await reads(`resource=/agencies/${OWN}&from=${sessionStart}&count=true`)).total).toBe(3);
    expect(
      (
        await reads(`to=${sessionStart}&from=${new Date(Date.parse(sessionStart) - 60_000).toISOString()}`)
      ).items.every((read) => read.recordedAt <= sessionStart),
    ).toBe(true);
  });

  it('chains every record to the one before by its hash', async () => {
    const all = await reads('limit=500');
    expect(all.items.length).toBeGreaterThan(10);
    expect(all.items.map((read) => Number(read.seq))).toEqual(all.items.map((_, index) => index + 1));
    expect(verifyReadChain(all.items)).toBeNull();
    const tampered = all.items.map((read, index) =>
      index === 2 ? { ...read, items: read.items + 1 } : read,
    );
    expect(verifyReadChain(tampered)).toBe(all.items[2]?.seq);
    // The table refuses changes.
    await expect(
      database.pool.query(`update ${schemaOf()}.read_audit set items = items + 1`),
    ).rejects.toThrow(/append-only/);
  });

  it('exports the reads as CSV', async () => {
    const response = await fetch(
      `${api.url}/audit/reads?format=csv&from=${encodeURIComponent(sessionStart)}`,
      {
        headers: { authorization: `Bearer ${NATIONAL}` },
      },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = (await response.text()).trim().split('\n');
    expect(lines[0]).toBe(
      'seq,recordedAt,actorPersonId,actorAgencyCode,actorRoles,kind,method,path,query,items,prevHash,hash',
    );
    expect(lines.length).toBeGreaterThan(6);
    expect(
      lines.some((line) => line.includes(`/tasks/${taskId}/trail,validAt=2100-01-01T00%3A00%3A00Z`)),
    ).toBe(true);
  });

  it("shows a provincial auditor the reads of its province's people only, and refuses the others", async () => {
    const lsc = await reads(`from=${sessionStart}`, 'demo.auditor.lsc-ubnd-thanh-pho');
    expect(lsc.items.filter((read) => read.actor.agencyCode.startsWith('lc-'))).toEqual([]);
    const lc = await reads(`from=${sessionStart}`, AUDITOR);
    expect(lc.items.length).toBeGreaterThan(0);
    expect(lc.items.every((read) => read.actor.agencyCode.startsWith('lc-'))).toBe(true);
    for (const token of [OFFICER, ISSUER, 'demo.operator.lc-ubnd-tinh']) {
      expect((await api.request('GET', '/audit/reads', token)).status).toBe(403);
    }
  });

  it('refuses a read with 503 when its record cannot be written, and serves it again once it can', async () => {
    const table = `${schemaOf()}.read_audit`;
    await database.pool.query(`alter table ${table} add constraint refuse_all check (false) not valid`);
    try {
      const refused = await api.request('GET', `/tasks/${taskId}/trail`, OFFICER);
      expect(refused.status).toBe(503);
      expect(refused.body.code).toBe('read-audit-unavailable');
      expect(refused.headers.get('retry-after')).toBe('1');
      expect(JSON.stringify(refused.body)).not.toContain('TaskAssigned');
    } finally {
      await database.pool.query(`alter table ${table} drop constraint refuse_all`);
    }
    expect((await api.request('GET', `/tasks/${taskId}/trail`, OFFICER)).status).toBe(200);
  });

  const schemaOf = () => api.schema ?? 'coord';
});
