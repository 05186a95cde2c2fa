import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const NATIONAL = 'demo.auditor.national';
const officer = (agency: string) => `demo.officer.${agency}`;
const LEAD = 'lc-so-ldtbxh';
const SUPPORT = 'lc-so-tu-phap';
/** Few due dates for many tasks: ties on the due date are broken by the task id. */
const DUE_DATES = ['2025-09-30', '2025-10-15', '2025-10-15', '2025-11-30', '2026-01-10'];
const TASKS = 23;

interface Item {
  readonly taskId?: string;
  readonly code?: string;
  readonly seq?: string;
}

/**
 * Every list is read a keyset page at a time (docs/adr/0034-keyset-pages.md): following `next`
 * from the first page gives every item once, in the list's order, and ends with next null; `total`
 * comes only with count=true; a cursor that is not the `next` of a page of that list and order, or
 * a wrong limit, is refused with a 422 that names the parameter.
 */
describe.each<Backend>(['pglite', 'postgres'])('paging through the lists by cursor (%s)', (backend) => {
  let api: ApiHarness;
  let planId: string;
  let position = '0';
  const taskIds: string[] = [];

  beforeAll(async () => {
    api = await startApi(backend);
    planId = await api.plan();
    for (let n = 0; n < TASKS; n++) {
      const taskId = randomUUID();
      taskIds.push(taskId);
      const assignees = [
        { agencyCode: LEAD, role: 'lead' as const },
        ...(n % 3 === 0 ? [{ agencyCode: SUPPORT, role: 'support' as const }] : []),
      ];
      const body = assignmentBody(planId, taskId, assignees, { dueDate: DUE_DATES[n % DUE_DATES.length] });
      const assigned = await api.request('POST', '/tasks', ISSUER, body);
      expect(assigned.status).toBe(201);
      position = assigned.body.position as string;
      if (n % 4 === 0) {
        // Acknowledged: in progress, so that the 'state' order has more than one state.
        const acknowledged = await api.request('POST', `/tasks/${taskId}/acknowledge`, officer(LEAD), {});
        expect(acknowledged.status).toBe(200);
        position = acknowledged.body.position as string;
      }
    }
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Reads after the commands above (minPosition), where the list is a projection's. */
  const get = async (path: string, token: string) => {
    if (path.startsWith('/agencies?') || path.startsWith('/audit/')) return api.request('GET', path, token);
    const separator = path.includes('?') ? '&' : '?';
    return api.request('GET', `${path}${separator}minPosition=${position}`, token);
  };

  /** Follows `next` from the first page to the end; every page but the last is full. */
  async function readByPages(path: string, token: string, limit: number): Promise<Item[]> {
    const items: Item[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 200; page++) {
      const separator = path.includes('?') ? '&' : '?';
      const answer = await get(
        `${path}${separator}limit=${limit}${cursor === null ? '' : `&cursor=${encodeURIComponent(cursor)}`}`,
        token,
      );
      expect(answer.status).toBe(200);
      expect(answer.body).not.toHaveProperty('total');
      items.push(...(answer.body.items as Item[]));
      cursor = answer.body.next as string | null;
      if (cursor === null) return items;
      expect(answer.body.items).toHaveLength(limit);
    }
    throw new Error(`${path}: no end after 200 pages`);
  }

  /** The whole list in one page (with its total), to compare the pages with. */
  async function readAtOnce(path: string, token: string): Promise<{ items: Item[]; total: number }> {
    const separator = path.includes('?') ? '&' : '?';
    const answer = await get(`${path}${separator}limit=500&count=true`, token);
    expect(answer.status).toBe(200);
    expect(answer.body.next).toBeNull();
    return { items: answer.body.items as Item[], total: answer.body.total as number };
  }

  async function expectPagesToGiveTheList(path: string, token: string, limit: number, key: keyof Item) {
    const whole = await readAtOnce(path, token);
    expect(whole.total).toBe(whole.items.length);
    const paged = await readByPages(path, token, limit);
    expect(paged.map((item) => item[key])).toEqual(whole.items.map((item) => item[key]));
    expect(new Set(paged.map((item) => item[key])).size).toBe(paged.length);
    return whole.items;
  }

  const byDue = (a: { dueDate: string; taskId: string }, b: { dueDate: string; taskId: string }) =>
    a.dueDate === b.dueDate ? (a.taskId < b.taskId ? -1 : 1) : a.dueDate < b.dueDate ? -1 : 1;

  it.each(['dueDate', '-dueDate', 'state'])(
    "gives an agency's outstanding tasks sorted by %s, each once, page after page",
    async (sort) => {
      const items = (await expectPagesToGiveTheList(
        `/agencies/${LEAD}/outstanding?sort=${sort}`,
        officer(LEAD),
        4,
        'taskId',
      )) as unknown as { taskId: string; dueDate: string; state: string }[];
      expect(new Set(items.map((item) => item.taskId))).toEqual(new Set(taskIds));
      const dueDates = items.map((item) => item.dueDate);
      if (sort === 'dueDate') expect(dueDates).toEqual([...dueDates].sort());
      if (sort === '-dueDate') expect(dueDates).toEqual([...dueDates].sort().reverse());
      if (sort === 'state') {
        // not-acknowledged sorts before in-progress (OUTSTANDING_STATES order).
        expect(items[0]!.state).toBe('not-acknowledged');
        expect(items.filter((item) => item.state === 'in-progress')).toHaveLength(Math.ceil(TASKS / 4));
      }
    },
  );

  it('pages the outstanding tasks with filters, and at a past instant', async () => {
    await expectPagesToGiveTheList(
      `/agencies/${LEAD}/outstanding?state=not-acknowledged`,
      officer(LEAD),
      5,
      'taskId',
    );
    await expectPagesToGiveTheList(`/agencies/${SUPPORT}/outstanding`, officer(SUPPORT), 2, 'taskId');
    const now = new Date().toISOString();
    const past = await expectPagesToGiveTheList(
      `/agencies/${LEAD}/outstanding?knownAt=${now}`,
      officer(LEAD),
      6,
      'taskId',
    );
    expect(past).toHaveLength(TASKS);
  });

  it("gives an agency's responsibilities page after page, by due date then task id", async () => {
    const items = (await expectPagesToGiveTheList(
      `/agencies/${LEAD}/responsibilities?status=all`,
      officer(LEAD),
      5,
      'taskId',
    )) as unknown as { taskId: string; dueDate: string }[];
    expect(items).toEqual([...items].sort(byDue));
    expect(items).toHaveLength(TASKS);
    await expectPagesToGiveTheList(`/agencies/${SUPPORT}/responsibilities`, officer(SUPPORT), 3, 'taskId');
  });

  it("gives a plan's tasks page after page: all of them to its issuer, its own to an agency", async () => {
    const all = (await expectPagesToGiveTheList(
      `/plans/${planId}/tasks`,
      ISSUER,
      4,
      'taskId',
    )) as unknown as { taskId: string; dueDate: string }[];
    expect(all).toHaveLength(TASKS);
    expect(all).toEqual([...all].sort(byDue));
    // The support agency reads its own tasks of the plan: pages stay full though others are left out.
    const own = await expectPagesToGiveTheList(`/plans/${planId}/tasks`, officer(SUPPORT), 3, 'taskId');
    expect(own).toHaveLength(Math.ceil(TASKS / 3));
  });

  it('gives the agencies of the directory and of a search page after page', async () => {
    await expectPagesToGiveTheList('/agencies?jurisdiction=lang-son-city', officer(LEAD), 3, 'code');
    await expectPagesToGiveTheList(`/agencies?q=${encodeURIComponent('sở')}`, officer(LEAD), 4, 'code');
  });

  it('gives the audit of reads page after page, oldest first', async () => {
    const until = new Date().toISOString();
    const items = await expectPagesToGiveTheList(
      `/audit/reads?resource=/agencies/${LEAD}&to=${until}`,
      NATIONAL,
      3,
      'seq',
    );
    const seqs = items.map((item) => Number(item.seq));
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs.length).toBeGreaterThan(3);
  });

  it('still skips by offset for callers written before cursors, and gives next from there', async () => {
    const whole = (await readAtOnce(`/agencies/${LEAD}/outstanding`, officer(LEAD))).items;
    const skipped = await get(`/agencies/${LEAD}/outstanding?offset=2&limit=3`, officer(LEAD));
    expect(skipped.status).toBe(200);
    expect(skipped.body.items).toEqual(whole.slice(2, 5));
    const after = await get(
      `/agencies/${LEAD}/outstanding?limit=3&cursor=${skipped.body.next as string}`,
      officer(LEAD),
    );
    expect(after.body.items).toEqual(whole.slice(5, 8));
  });

  it('refuses a cursor that is not the next of a page of that list and order, naming cursor', async () => {
    const first = await get(`/agencies/${LEAD}/outstanding?limit=2`, officer(LEAD));
    const outstandingCursor = first.body.next as string;
    const agencies = await get('/agencies?limit=2', officer(LEAD));
    const agencyCursor = agencies.body.next as string;
    const foreign = Buffer.from(JSON.stringify(['outstanding:dueDate', 'not a date', 'x'])).toString(
      'base64url',
    );
    const refused = [
      [`/agencies/${LEAD}/outstanding?cursor=not*a*cursor`, officer(LEAD)],
      [`/agencies/${LEAD}/outstanding?cursor=${foreign}`, officer(LEAD)],
      [`/agencies/${LEAD}/outstanding?sort=state&cursor=${outstandingCursor}`, officer(LEAD)],
      [`/agencies/${LEAD}/outstanding?knownAt=2030-01-01T00:00:00Z&cursor=${agencyCursor}`, officer(LEAD)],
      [`/agencies/${LEAD}/responsibilities?cursor=${outstandingCursor}`, officer(LEAD)],
      [`/agencies/${LEAD}/outstanding?offset=2&cursor=${outstandingCursor}`, officer(LEAD)],
      [`/plans/${planId}/tasks?cursor=${agencyCursor}`, ISSUER],
      [`/plans/${planId}/tasks?cursor=abc`, officer(SUPPORT)],
      [`/agencies?cursor=${outstandingCursor}`, officer(LEAD)],
      [
        `/agencies?jurisdiction=lai-chau&cursor=${Buffer.from('["agencies","no-such-agency"]').toString('base64url')}`,
        officer(LEAD),
      ],
      [`/audit/reads?cursor=${agencyCursor}`, NATIONAL],
    ] as const;
    for (const [path, token] of refused) {
      const answer = await get(path, token);
      expect({ path, status: answer.status }).toEqual({ path, status: 422 });
      expect(answer.headers.get('content-type')).toMatch(/^application\/problem\+json/);
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ pointer: '/cursor', parameter: 'cursor' }),
      ]);
    }
  });

  it('refuses a limit out of range, naming limit', async () => {
    for (const path of [
      `/agencies/${LEAD}/outstanding?limit=0`,
      `/agencies/${LEAD}/responsibilities?limit=501`,
      `/plans/${planId}/tasks?limit=x`,
      '/agencies?limit=501',
    ]) {
      const answer = await get(path, path.startsWith('/plans') ? ISSUER : officer(LEAD));
      expect({ path, status: answer.status }).toEqual({ path, status: 422 });
      expect(answer.body.errors).toEqual([
        expect.objectContaining({ pointer: '/limit', parameter: 'limit' }),
      ]);
    }
  });
});
