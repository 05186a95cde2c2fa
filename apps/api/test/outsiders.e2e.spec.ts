import { randomUUID } from 'node:crypto';
import {
  startApi,
  type ApiHarness,
  type ApiResponse,
  type Backend,
} from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const officer = (agency: string) => `demo.officer.${agency}`;
const LEAD = 'lc-so-ldtbxh';
const SUPPORT = 'lc-so-tu-phap';
const RECEIVER = 'lc-so-y-te';
/** Every agency the objects name: none of them may appear in an outsider's answer. */
const PARTIES = ['lc-ubnd-tinh', LEAD, SUPPORT, RECEIVER];

/** Callers with no right to Lai Châu's tasks, plans or drafts. */
const OUTSIDERS = {
  'an issuer of another province': 'demo.issuer.lsc-ubnd-thanh-pho',
  'an officer of another province': officer('lsc-phong-ldtbxh'),
  'an officer of the same province with no part in the task': officer('lc-so-gddt'),
};

/**
 * Issue #14, point 4: an outsider learns nothing. For every command and query route on a task (its
 * handoffs and extensions), a plan or a draft, an outsider gets the same answer whether the object
 * does not exist, is closed, or is open in another province: 404 with the same type, code, title
 * and detail, naming no party and not even the id they sent (only `instance`, their own URL,
 * differs). Only callers who may read the object learn why a command is refused.
 */
describe.each<Backend>(['pglite', 'postgres'])('outsiders learn nothing (issue #14, %s)', (backend) => {
  let api: ApiHarness;
  let position = '0';
  /** An open task with a pending handoff and a pending extension. */
  const open = { taskId: randomUUID(), handoffId: randomUUID(), extensionId: randomUUID() };
  /** A cancelled task whose handoff and extension lapsed with it. */
  const closed = { taskId: randomUUID(), handoffId: randomUUID(), extensionId: randomUUID() };
  /** Nothing at all. */
  const missing = { taskId: randomUUID(), handoffId: randomUUID(), extensionId: randomUUID() };
  let planId: string;
  let draftId: string;

  async function command(token: string, path: string, body: unknown, expected: number): Promise<void> {
    const response = await api.request('POST', path, token, body);
    expect({ path, status: response.status, body: response.body }).toMatchObject({ status: expected });
    if (typeof response.body?.position === 'string') position = response.body.position;
  }

  async function taskWithHandoffAndExtension(ids: typeof open): Promise<void> {
    await command(
      ISSUER,
      '/tasks',
      assignmentBody(planId, ids.taskId, [
        { agencyCode: LEAD, role: 'lead' },
        { agencyCode: SUPPORT, role: 'support' },
      ]),
      201,
    );
    await command(
      officer(SUPPORT),
      `/tasks/${ids.taskId}/handoffs`,
      { handoffId: ids.handoffId, toAgency: RECEIVER, reason: 'Thuộc chức năng của Sở Y tế' },
      201,
    );
    await command(
      officer(LEAD),
      `/tasks/${ids.taskId}/extensions`,
      { extensionId: ids.extensionId, dueDate: '2025-12-31', reason: 'Chờ số liệu' },
      201,
    );
  }

  beforeAll(async () => {
    api = await startApi(backend);
    planId = await api.plan();
    await taskWithHandoffAndExtension(open);
    await taskWithHandoffAndExtension(closed);
    await command(ISSUER, `/tasks/${closed.taskId}/cancel`, { reason: 'Trùng nhiệm vụ khác' }, 200);
    const imported = await api.request('POST', '/plans/import', ISSUER, {
      fileName: 'kh.txt',
      contentBase64: Buffer.from('KẾ HOẠCH\n\nBảo vệ trẻ em năm 2025\n', 'utf8').toString('base64'),
    });
    expect(imported.status).toBe(201);
    draftId = imported.body.draftId as string;
  });

  afterAll(async () => {
    await api.close();
  });

  type Ids = typeof open;
  /** Every command and query route on a task, with a body its DTO accepts. */
  const taskRoutes: readonly [
    name: string,
    method: 'GET' | 'POST',
    path: (ids: Ids) => string,
    body?: unknown,
  ][] = [
    ['GET /tasks/{id}', 'GET', (t) => `/tasks/${t.taskId}?minPosition=${position}`],
    ['GET /tasks/{id}/trail', 'GET', (t) => `/tasks/${t.taskId}/trail?minPosition=${position}`],
    ['acknowledge', 'POST', (t) => `/tasks/${t.taskId}/acknowledge`, {}],
    ['progress', 'POST', (t) => `/tasks/${t.taskId}/progress`, { text: 'Đang thực hiện' }],
    ['handoffs', 'POST', (t) => `/tasks/${t.taskId}/handoffs`, { toAgency: 'lc-so-khdt', reason: 'Chuyển' }],
    [
      'handoff accept',
      'POST',
      (t) => `/tasks/${t.taskId}/handoffs/${t.handoffId}/accept`,
      { reason: 'Nhận' },
    ],
    [
      'handoff decline',
      'POST',
      (t) => `/tasks/${t.taskId}/handoffs/${t.handoffId}/decline`,
      { reason: 'Không' },
    ],
    [
      'handoff withdraw',
      'POST',
      (t) => `/tasks/${t.taskId}/handoffs/${t.handoffId}/withdraw`,
      { reason: 'Rút' },
    ],
    [
      'reassign',
      'POST',
      (t) => `/tasks/${t.taskId}/reassign`,
      { fromAgency: LEAD, toAgency: 'lc-so-khdt', reason: 'Điều chỉnh' },
    ],
    ['extensions', 'POST', (t) => `/tasks/${t.taskId}/extensions`, { dueDate: '2026-01-31', reason: 'Chờ' }],
    [
      'extension grant',
      'POST',
      (t) => `/tasks/${t.taskId}/extensions/${t.extensionId}/grant`,
      { reason: 'Đồng ý' },
    ],
    [
      'extension deny',
      'POST',
      (t) => `/tasks/${t.taskId}/extensions/${t.extensionId}/deny`,
      { reason: 'Không' },
    ],
    ['completion', 'POST', (t) => `/tasks/${t.taskId}/completion`, { report: 'Đã xong' }],
    [
      'completion accept',
      'POST',
      (t) => `/tasks/${t.taskId}/completion/accept`,
      { agencyCode: LEAD, reason: 'Đạt' },
    ],
    [
      'completion return',
      'POST',
      (t) => `/tasks/${t.taskId}/completion/return`,
      { agencyCode: LEAD, reason: 'Chưa đạt' },
    ],
    ['cancel', 'POST', (t) => `/tasks/${t.taskId}/cancel`, { reason: 'Không phù hợp' }],
  ];

  /** The answer without `instance` (the caller's own URL), and what it must not contain. */
  function expectNothingLearnt(response: ApiResponse, ids: readonly string[]): Record<string, unknown> {
    const { instance: _instance, ...problem } = response.body as Record<string, unknown>;
    const text = JSON.stringify(problem);
    for (const word of [...PARTIES, ...ids]) expect(text).not.toContain(word);
    expect(response.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    return problem;
  }

  describe.each(Object.entries(OUTSIDERS))('%s', (_who, token) => {
    it.each(taskRoutes.map((route) => [route[0], route] as const))(
      '%s: the same 404 for a missing, a closed and an open task',
      async (_name, [, method, path, body]) => {
        const answers = [];
        for (const ids of [missing, closed, open]) {
          const response = await api.request(method, path(ids), token, body);
          expect({ status: response.status, code: response.body?.code }).toEqual({
            status: 404,
            code: 'task.not-found',
          });
          answers.push(expectNothingLearnt(response, Object.values(ids)));
        }
        expect(answers[1]).toEqual(answers[0]);
        expect(answers[2]).toEqual(answers[0]);
      },
    );

    it('plans: the same 404 for a missing plan and for this one, and the list leaves it out', async () => {
      for (const suffix of ['', '/tasks', '/progress']) {
        const answers = [];
        for (const id of [randomUUID(), planId]) {
          const response = await api.request('GET', `/plans/${id}${suffix}?minPosition=${position}`, token);
          expect({ suffix, status: response.status, code: response.body.code }).toEqual({
            suffix,
            status: 404,
            code: 'plan.not-found',
          });
          answers.push(expectNothingLearnt(response, [id]));
        }
        expect(answers[1]).toEqual(answers[0]);
      }
      const list = await api.request('GET', `/plans?minPosition=${position}`, token);
      expect(list.body.items.map((plan: { planId: string }) => plan.planId)).not.toContain(planId);
    });
  });

  it.each(Object.entries(OUTSIDERS))(
    "%s may not read the lead's responsibilities or outstanding tasks: 403, naming no task",
    async (_who, token) => {
      for (const list of ['responsibilities?status=all', 'outstanding']) {
        const response = await api.request('GET', `/agencies/${LEAD}/${list}`, token);
        expect({ list, status: response.status, code: response.body.code }).toEqual({
          list,
          status: 403,
          code: 'agency.forbidden',
        });
        expectNothingLearnt(response, [open.taskId, closed.taskId]);
      }
    },
  );

  it("drafts: another committee's issuer gets the same 404 for a missing draft and for this one", async () => {
    const elsewhere = OUTSIDERS['an issuer of another province'];
    for (const [method, suffix, body] of [
      ['GET', '', undefined],
      ['POST', '/confirm', {}],
    ] as const) {
      const answers = [];
      for (const id of [randomUUID(), draftId]) {
        const response = await api.request(method, `/plans/drafts/${id}${suffix}`, elsewhere, body);
        expect({ suffix, status: response.status, code: response.body.code }).toEqual({
          suffix,
          status: 404,
          code: 'draft.not-found',
        });
        answers.push(expectNothingLearnt(response, [id]));
      }
      expect(answers[1]).toEqual(answers[0]);
    }
    expect((await api.request('GET', `/plans/drafts/${draftId}`, ISSUER)).status).toBe(200);
  });

  describe('those who may read the object', () => {
    it('read what outsiders cannot: the task, its trail, the plan (the test above could fail)', async () => {
      for (const token of [ISSUER, officer(LEAD), officer(RECEIVER), 'demo.auditor.lc-ubnd-tinh']) {
        for (const path of [`/tasks/${open.taskId}`, `/tasks/${closed.taskId}/trail`, `/plans/${planId}`]) {
          const response = await api.request('GET', `${path}?minPosition=${position}`, token);
          expect({ token, path, status: response.status }).toEqual({ token, path, status: 200 });
        }
      }
    });

    it('learn why a command is refused: 409 task.closed, 403 task.not-assignee', async () => {
      const closedTask = await api.request('POST', `/tasks/${closed.taskId}/progress`, officer(LEAD), {
        text: 'Đang thực hiện',
      });
      expect(closedTask.body).toMatchObject({ status: 409, code: 'task.closed' });
      const formerParty = await api.request('POST', `/tasks/${open.taskId}/progress`, officer(RECEIVER), {
        text: 'Đang thực hiện',
      });
      expect(formerParty.body).toMatchObject({ status: 403, code: 'task.not-assignee' });
    });

    it('get 403s that name no committee and no other party', async () => {
      const refusals = await Promise.all([
        // The lead may read the task, but the handoff is the receiver's to accept.
        api.request('POST', `/tasks/${open.taskId}/handoffs/${open.handoffId}/accept`, officer(LEAD), {
          reason: 'Nhận',
        }),
        // An auditor reads everything and decides nothing.
        api.request('POST', `/tasks/${open.taskId}/cancel`, 'demo.auditor.lc-ubnd-tinh', { reason: 'Hủy' }),
        // The lead may not grant its own extension.
        api.request('POST', `/tasks/${open.taskId}/extensions/${open.extensionId}/grant`, officer(LEAD), {
          reason: 'Đồng ý',
        }),
      ]);
      for (const refusal of refusals) {
        expect(refusal.body).toMatchObject({ status: 403, code: 'task.forbidden' });
        for (const party of PARTIES) expect(JSON.stringify(refusal.body)).not.toContain(party);
      }
    });
  });
});
