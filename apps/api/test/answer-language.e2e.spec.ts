import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

/**
 * Answers people can read: Accept-Language chooses Vietnamese (the default) or English for trail
 * summaries and problems, agencies are named with their codes, and a duty read from a plan is
 * titled by its own words. Codes, pointers and the recorded data never change with the language.
 */
const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const officer = (agency: string) => `demo.officer.${agency}`;
const LEAD = 'lc-so-ldtbxh';
const RECEIVER = 'lc-so-gddt';
const DECLINER = 'lc-so-y-te';

describe('answers in Vietnamese or English (Accept-Language)', () => {
  let api: ApiHarness;
  const taskId = randomUUID();
  const declined = randomUUID();
  let position = '0';

  /** A request as a client that says nothing of its language (the harness asks for English). */
  async function ask(method: string, path: string, token: string, body?: unknown, language?: string) {
    const response = await fetch(`${api.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(language === undefined ? {} : { 'accept-language': language }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await response.text();
    const answer = {
      status: response.status,
      headers: response.headers,
      body: text ? JSON.parse(text) : null,
    };
    if (typeof answer.body?.position === 'string') position = answer.body.position;
    return answer;
  }

  beforeAll(async () => {
    api = await startApi('pglite');
    // A duty as plan intake records it: titled by its clause and party heading.
    const assigned = await ask('POST', '/tasks', ISSUER, {
      taskId,
      planId: await api.plan(),
      title: 'V.1 — Sở Lao động - Thương binh và Xã hội',
      duty: 'Chủ trì rà soát trẻ em có hoàn cảnh đặc biệt trên địa bàn tỉnh; báo cáo UBND tỉnh.\nTổng hợp kết quả.',
      sourceClause: { section: 'V.1', start: 0, end: 120 },
      dueDate: '2025-11-30',
      assignees: [{ agencyCode: LEAD, role: 'lead' }],
    });
    expect(assigned.status).toBe(201);
    expect((await ask('POST', `/tasks/${taskId}/acknowledge`, officer(LEAD), {})).status).toBe(200);
    const offered = await ask('POST', `/tasks/${taskId}/handoffs`, officer(LEAD), {
      handoffId: declined,
      toAgency: DECLINER,
      reason: 'Thuộc lĩnh vực y tế',
    });
    expect(offered.status).toBe(201);
    expect(
      (
        await ask('POST', `/tasks/${taskId}/handoffs/${declined}/decline`, officer(DECLINER), {
          reason: 'Không thuộc chức năng của Sở Y tế',
        })
      ).status,
    ).toBe(200);
  });

  afterAll(async () => {
    await api.close();
  });

  describe('a trail', () => {
    it('is in Vietnamese when no language is asked for, agencies by name and code', async () => {
      const trail = await ask('GET', `/tasks/${taskId}/trail?minPosition=${position}`, officer(LEAD));
      expect(trail.status).toBe(200);
      expect(trail.headers.get('content-language')).toBe('vi');
      expect(trail.headers.get('vary')).toMatch(/accept-language/i);
      expect(trail.body.entries.map((entry: { summary: string }) => entry.summary)).toEqual([
        'Giao cho Sở LĐTBXH (lc-so-ldtbxh) (chủ trì), hạn 30/11/2025',
        'Sở LĐTBXH (lc-so-ldtbxh) đã xác nhận nhận nhiệm vụ',
        'Sở LĐTBXH (lc-so-ldtbxh) đề nghị chuyển vai trò chủ trì cho Sở Y tế (lc-so-y-te)',
        'Sở Y tế (lc-so-y-te) từ chối nhận vai trò chủ trì do Sở LĐTBXH (lc-so-ldtbxh) chuyển',
      ]);
      for (const entry of trail.body.entries as { summary: string }[])
        expect(entry.summary).toBe(entry.summary.normalize('NFC'));
      expect(trail.body.agencyNames).toMatchObject({
        [LEAD]: 'Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu',
        [DECLINER]: 'Sở Y tế tỉnh Lai Châu',
        'lc-ubnd-tinh': 'Ủy ban nhân dân tỉnh Lai Châu',
      });
    });

    it('is in English when asked, the entries otherwise the same', async () => {
      const path = `/tasks/${taskId}/trail?minPosition=${position}`;
      const english = await ask('GET', path, officer(LEAD), undefined, 'en-GB, en;q=0.9, vi;q=0.5');
      const vietnamese = await ask('GET', path, officer(LEAD), undefined, 'vi');
      expect(english.headers.get('content-language')).toBe('en');
      expect(vietnamese.headers.get('content-language')).toBe('vi');
      expect(english.body.entries.map((entry: { summary: string }) => entry.summary)).toEqual([
        'Assigned to Sở LĐTBXH (lc-so-ldtbxh) (lead), due 2025-11-30',
        'Sở LĐTBXH (lc-so-ldtbxh) acknowledged the task',
        'Sở LĐTBXH (lc-so-ldtbxh) asked to hand its lead role to Sở Y tế (lc-so-y-te)',
        'Sở Y tế (lc-so-y-te) declined the lead role offered by Sở LĐTBXH (lc-so-ldtbxh)',
      ]);
      const withoutSummaries = (body: { entries: Record<string, unknown>[] }) =>
        body.entries.map(({ summary: _summary, ...entry }) => entry);
      expect(withoutSummaries(english.body)).toEqual(withoutSummaries(vietnamese.body));
      expect(english.body.agencyNames).toEqual(vietnamese.body.agencyNames);
    });

    it('follows q-values, and gives Vietnamese for a language it does not speak', async () => {
      const path = `/tasks/${taskId}/trail?minPosition=${position}`;
      const preferred = await ask('GET', path, officer(LEAD), undefined, 'vi;q=0.2, en;q=0.8');
      expect(preferred.headers.get('content-language')).toBe('en');
      const unknown = await ask('GET', path, officer(LEAD), undefined, 'fr, de;q=0.5');
      expect(unknown.headers.get('content-language')).toBe('vi');
      expect(unknown.body.entries[1].summary).toContain('đã xác nhận nhận nhiệm vụ');
    });
  });

  describe('a 422', () => {
    const progress = () => `/tasks/${taskId}/progress`;

    it('is in Vietnamese by default: title, detail and each field, the code and pointer unchanged', async () => {
      const refused = await ask('POST', progress(), officer(LEAD), {});
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.headers.get('content-language')).toBe('vi');
      expect(refused.headers.get('vary')).toMatch(/accept-language/i);
      expect(refused.body).toMatchObject({
        status: 422,
        code: 'validation',
        type: '/problems/validation',
        title: 'Yêu cầu không hợp lệ',
        detail: 'Một số trường bị thiếu hoặc sai; xem errors.',
      });
      const text = (refused.body.errors as { pointer: string; detail: string }[]).filter(
        (e) => e.pointer === '/text',
      );
      expect(text.length).toBeGreaterThan(0);
      for (const error of text) expect(error.detail).toMatch(/^Trường text /);
    });

    it('is in English when asked', async () => {
      const refused = await ask('POST', progress(), officer(LEAD), {}, 'en');
      expect(refused.status).toBe(422);
      expect(refused.headers.get('content-language')).toBe('en');
      expect(refused.body).toMatchObject({
        code: 'validation',
        title: 'The request is not valid',
        detail: 'Some fields are missing or wrong; see errors.',
      });
      const text = (refused.body.errors as { pointer: string; detail: string }[]).filter(
        (e) => e.pointer === '/text',
      );
      expect(text.map((error) => error.detail).join(' ')).toMatch(/text/);
      expect(text.map((error) => error.detail).join(' ')).not.toMatch(/Trường/);
    });
  });

  describe('a 409', () => {
    const accept = () => `/tasks/${taskId}/handoffs/${declined}/accept`;

    it('is in Vietnamese by default, its code unchanged', async () => {
      const refused = await ask('POST', accept(), officer(DECLINER), { reason: 'Tiếp nhận' });
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-language')).toBe('vi');
      expect(refused.body).toMatchObject({
        status: 409,
        code: 'handoff.stale',
        type: '/problems/handoff.stale',
        title: 'Xung đột với trạng thái hiện tại',
        detail: 'Đề nghị chuyển giao này không còn chờ xử lý.',
      });
    });

    it('is in English when asked', async () => {
      const refused = await ask('POST', accept(), officer(DECLINER), { reason: 'Tiếp nhận' }, 'en');
      expect(refused.status).toBe(409);
      expect(refused.headers.get('content-language')).toBe('en');
      expect(refused.body).toMatchObject({
        code: 'handoff.stale',
        title: 'Conflict with the current state',
      });
      expect(refused.body.detail).toMatch(/handoff/i);
    });
  });

  describe('a duty read from a plan', () => {
    it('is titled by its own words, the clause and party heading beside it', async () => {
      const task = await ask('GET', `/tasks/${taskId}?minPosition=${position}`, officer(LEAD));
      expect(task.status).toBe(200);
      expect(task.body).toMatchObject({
        title: 'Chủ trì rà soát trẻ em có hoàn cảnh đặc biệt trên địa bàn tỉnh',
        clause: 'V.1',
        partyHeading: 'Sở Lao động - Thương binh và Xã hội',
        agencyNames: { [LEAD]: 'Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu' },
      });
    });

    it('keeps its title after a handoff, and the new holder sees it so', async () => {
      const handoffId = randomUUID();
      const offered = await ask('POST', `/tasks/${taskId}/handoffs`, officer(LEAD), {
        handoffId,
        toAgency: RECEIVER,
        reason: 'Sở GD&ĐT chủ trì rà soát trong trường học',
      });
      expect(offered.status).toBe(201);
      const accepted = await ask('POST', `/tasks/${taskId}/handoffs/${handoffId}/accept`, officer(RECEIVER), {
        reason: 'Đồng ý tiếp nhận',
      });
      expect(accepted.status).toBe(200);
      const title = 'Chủ trì rà soát trẻ em có hoàn cảnh đặc biệt trên địa bàn tỉnh';
      const task = await ask('GET', `/tasks/${taskId}?minPosition=${position}`, officer(RECEIVER));
      expect(task.body).toMatchObject({ title, responsibleAgency: RECEIVER });
      expect(task.body.title).not.toContain('Lao động');
      const outstanding = await ask(
        'GET',
        `/agencies/${RECEIVER}/outstanding?minPosition=${position}&asOf=2025-11-01T00:00:00Z`,
        officer(RECEIVER),
      );
      expect(outstanding.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ taskId, title })]),
      );
      const responsibilities = await ask(
        'GET',
        `/agencies/${RECEIVER}/responsibilities?minPosition=${position}`,
        officer(RECEIVER),
      );
      expect(responsibilities.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ taskId, title })]),
      );
      const planTasks = await ask('GET', `/plans/${await api.plan()}/tasks?minPosition=${position}`, ISSUER);
      expect(planTasks.body.items).toEqual(
        expect.arrayContaining([expect.objectContaining({ taskId, title, clause: 'V.1' })]),
      );
    });
  });
});
