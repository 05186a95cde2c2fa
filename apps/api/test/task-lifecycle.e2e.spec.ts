import { randomUUID } from 'node:crypto';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const officer = (agency: string) => `demo.officer.${agency}`;
const LEAD = 'lc-so-ldtbxh';
const SUPPORT = 'lc-so-tu-phap';
const DECLINER = 'lc-so-y-te';
const RECEIVER = 'lc-so-gddt';

describe.each<Backend>(['pglite', 'postgres'])(
  'a task walked through its lifecycle over HTTP (%s)',
  (backend) => {
    let api: ApiHarness;
    const taskId = randomUUID();
    const planId = randomUUID();
    let position = '0';

    beforeAll(async () => {
      api = await startApi(backend);
    });

    afterAll(async () => {
      await api.close();
    });

    /** Sends a command and remembers the position it answered. */
    async function command(token: string, path: string, body: unknown, expected = 200) {
      const response = await api.request('POST', path, token, body);
      expect({ path, status: response.status, body: response.body }).toMatchObject({ status: expected });
      if (response.body?.position) position = response.body.position as string;
      return response.body;
    }

    async function outstanding(agency: string) {
      const response = await api.request(
        'GET',
        `/agencies/${agency}/outstanding?minPosition=${position}&asOf=2025-11-01T00:00:00Z`,
        officer(agency),
      );
      expect(response.status).toBe(200);
      return (
        response.body.items as { taskId: string; state: string; dueDate: string; role: string }[]
      ).filter((item) => item.taskId === taskId);
    }

    async function responsibilities(agency: string, status = 'open') {
      const response = await api.request(
        'GET',
        `/agencies/${agency}/responsibilities?status=${status}&minPosition=${position}`,
        officer(agency),
      );
      expect(response.status).toBe(200);
      return (response.body.items as { taskId: string; role: string }[]).filter(
        (item) => item.taskId === taskId,
      );
    }

    it('walks assign -> acknowledge -> handoff declined -> handoff accepted -> progress -> extension -> completion returned -> accepted', async () => {
      // Assigned: the lead and the support agency owe it, not acknowledged yet.
      await command(
        ISSUER,
        '/tasks',
        {
          taskId,
          planId,
          title: 'Kiểm tra liên ngành về thực hiện quyền trẻ em',
          duty: 'Chủ trì, phối hợp với các sở, ban, ngành tăng cường công tác kiểm tra, thanh tra liên ngành.',
          sourceClause: { section: 'V.1', start: 100, end: 300 },
          dueDate: '2025-11-30',
          assignees: [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: SUPPORT, role: 'support' },
          ],
        },
        201,
      );
      expect(await outstanding(LEAD)).toEqual([
        expect.objectContaining({ state: 'not-acknowledged', role: 'lead' }),
      ]);
      expect(await responsibilities(SUPPORT)).toEqual([expect.objectContaining({ role: 'support' })]);

      await command(officer(LEAD), `/tasks/${taskId}/acknowledge`, {});
      expect(await outstanding(LEAD)).toEqual([expect.objectContaining({ state: 'in-progress' })]);

      // Handoff to Health, declined: the lead keeps it.
      const declined = randomUUID();
      await command(
        officer(LEAD),
        `/tasks/${taskId}/handoffs`,
        { handoffId: declined, toAgency: DECLINER, reason: 'Thuộc lĩnh vực y tế' },
        201,
      );
      expect(await outstanding(LEAD)).toEqual([expect.objectContaining({ state: 'handoff-pending' })]);
      await command(officer(DECLINER), `/tasks/${taskId}/handoffs/${declined}/decline`, {
        reason: 'Không thuộc chức năng của Sở Y tế',
      });
      expect(await responsibilities(LEAD)).toEqual([expect.objectContaining({ role: 'lead' })]);
      expect(await responsibilities(DECLINER)).toEqual([]);

      // A stale handoff cannot be accepted afterwards.
      const stale = await api.request(
        'POST',
        `/tasks/${taskId}/handoffs/${declined}/accept`,
        officer(DECLINER),
        {},
      );
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'handoff.stale' });

      // Handoff to Education, accepted: responsibility moves.
      const accepted = randomUUID();
      await command(
        officer(LEAD),
        `/tasks/${taskId}/handoffs`,
        { handoffId: accepted, toAgency: RECEIVER, reason: 'Sở GD&ĐT chủ trì kiểm tra trường học' },
        201,
      );
      await command(officer(RECEIVER), `/tasks/${taskId}/handoffs/${accepted}/accept`, {
        reason: 'Đồng ý tiếp nhận',
      });
      expect(await responsibilities(LEAD)).toEqual([]);
      expect(await responsibilities(RECEIVER)).toEqual([expect.objectContaining({ role: 'lead' })]);
      expect(await outstanding(RECEIVER)).toEqual([expect.objectContaining({ role: 'lead' })]);
      expect(await outstanding(LEAD)).toEqual([]);

      await command(officer(RECEIVER), `/tasks/${taskId}/progress`, {
        text: 'Đã kiểm tra 12 trường học',
        indicatorValues: [{ indicator: 'Số trường được kiểm tra', value: 12 }],
      });

      // Extension requested and granted: the due date moves.
      const extension = randomUUID();
      await command(
        officer(RECEIVER),
        `/tasks/${taskId}/extensions`,
        { extensionId: extension, dueDate: '2025-12-31', reason: 'Chờ số liệu cấp huyện' },
        201,
      );
      expect(await outstanding(RECEIVER)).toEqual([expect.objectContaining({ state: 'extension-pending' })]);
      await command(ISSUER, `/tasks/${taskId}/extensions/${extension}/grant`, { reason: 'Đồng ý gia hạn' });
      expect(await outstanding(RECEIVER)).toEqual([expect.objectContaining({ dueDate: '2025-12-31' })]);

      // Completion submitted, returned, resubmitted, accepted.
      await command(officer(RECEIVER), `/tasks/${taskId}/completion`, { report: 'Báo cáo kết quả kiểm tra' });
      expect(await outstanding(RECEIVER)).toEqual([
        expect.objectContaining({ state: 'completion-submitted' }),
      ]);
      await command(ISSUER, `/tasks/${taskId}/completion/return`, {
        agencyCode: RECEIVER,
        reason: 'Thiếu số liệu cấp xã',
      });
      expect(await outstanding(RECEIVER)).toEqual([
        expect.objectContaining({ state: 'completion-returned' }),
      ]);
      await command(officer(RECEIVER), `/tasks/${taskId}/completion`, {
        report: 'Báo cáo bổ sung số liệu cấp xã',
      });
      await command(ISSUER, `/tasks/${taskId}/completion/accept`, {
        agencyCode: RECEIVER,
        reason: 'Đạt yêu cầu',
      });
      expect(await outstanding(RECEIVER)).toEqual([]);
      expect(await responsibilities(RECEIVER, 'closed')).toEqual([expect.objectContaining({ role: 'lead' })]);

      const task = await api.request('GET', `/tasks/${taskId}?minPosition=${position}`, officer(RECEIVER));
      expect(task.body).toMatchObject({
        status: 'completed',
        dueDate: '2025-12-31',
        responsibleAgency: RECEIVER,
      });
    });

    it('lists every step in the trail with its actor, reason and the agency responsible at that moment', async () => {
      const trail = await api.request(
        'GET',
        `/tasks/${taskId}/trail?minPosition=${position}`,
        officer(RECEIVER),
      );
      expect(trail.status).toBe(200);
      const steps = (trail.body.entries as Record<string, unknown>[]).map((entry) => [
        entry.type,
        entry.actorAgencyCode,
        entry.reason,
        entry.responsibleAgency,
      ]);
      expect(steps).toEqual([
        ['TaskAssigned', 'lc-ubnd-tinh', null, LEAD],
        ['TaskAcknowledged', LEAD, null, LEAD],
        ['HandoffRequested', LEAD, 'Thuộc lĩnh vực y tế', LEAD],
        ['HandoffDeclined', DECLINER, 'Không thuộc chức năng của Sở Y tế', LEAD],
        ['HandoffRequested', LEAD, 'Sở GD&ĐT chủ trì kiểm tra trường học', LEAD],
        ['HandoffAccepted', RECEIVER, 'Đồng ý tiếp nhận', RECEIVER],
        ['ProgressReported', RECEIVER, null, RECEIVER],
        ['ExtensionRequested', RECEIVER, 'Chờ số liệu cấp huyện', RECEIVER],
        ['ExtensionGranted', 'lc-ubnd-tinh', 'Đồng ý gia hạn', RECEIVER],
        ['CompletionSubmitted', RECEIVER, null, RECEIVER],
        ['CompletionReturned', 'lc-ubnd-tinh', 'Thiếu số liệu cấp xã', RECEIVER],
        ['CompletionSubmitted', RECEIVER, null, RECEIVER],
        ['CompletionAccepted', 'lc-ubnd-tinh', 'Đạt yêu cầu', RECEIVER],
        ['TaskCompleted', 'lc-ubnd-tinh', null, RECEIVER],
      ]);
      for (const entry of trail.body.entries as {
        actorPersonId: string;
        occurredAt: string;
        recordedAt: string;
      }[]) {
        expect(entry.actorPersonId).toMatch(/^demo-/);
        expect(Date.parse(entry.occurredAt)).not.toBeNaN();
        expect(Date.parse(entry.recordedAt)).not.toBeNaN();
      }
    });

    describe('refusals record nothing', () => {
      async function head(): Promise<bigint> {
        return api.app.get<EventStore>(EVENT_STORE).headPosition();
      }

      it('refuses an officer acting for another agency with 403', async () => {
        const other = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          {
            taskId: other,
            planId,
            title: 'Báo cáo năm 2025',
            duty: 'Báo cáo',
            sourceClause: { section: 'VI', start: 0, end: 10 },
            dueDate: '2025-11-30',
            assignees: [{ agencyCode: LEAD, role: 'lead' }],
          },
          201,
        );
        const before = await head();
        const response = await api.request('POST', `/tasks/${other}/acknowledge`, officer(DECLINER), {
          agencyCode: LEAD,
        });
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'task.forbidden' });
        expect(await head()).toBe(before);
      });

      it('refuses to complete a cancelled task with 409', async () => {
        const cancelled = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          {
            taskId: cancelled,
            planId,
            title: 'Tuyên truyền',
            duty: 'Tuyên truyền',
            sourceClause: { section: 'V.3', start: 0, end: 10 },
            dueDate: '2025-11-30',
            assignees: [{ agencyCode: LEAD, role: 'lead' }],
          },
          201,
        );
        await command(ISSUER, `/tasks/${cancelled}/cancel`, { reason: 'Trùng với nhiệm vụ khác' });
        const before = await head();
        const response = await api.request('POST', `/tasks/${cancelled}/completion`, officer(LEAD), {
          report: 'Xong',
        });
        expect(response.status).toBe(409);
        expect(response.body).toMatchObject({ code: 'task.closed' });
        expect(await head()).toBe(before);
      });

      it('refuses an officer issuing a task with 403', async () => {
        const before = await head();
        const response = await api.request('POST', '/tasks', officer(LEAD), {
          planId,
          title: 'x',
          duty: 'x',
          sourceClause: { section: 'V', start: 0, end: 1 },
          dueDate: '2025-11-30',
          assignees: [{ agencyCode: LEAD, role: 'lead' }],
        });
        expect(response.status).toBe(403);
        expect(await head()).toBe(before);
      });
    });

    describe('with an Idempotency-Key', () => {
      it('answers a retry with the first answer and refuses the key for another body', async () => {
        const body = {
          planId,
          title: 'Truyền thông',
          duty: 'Truyền thông',
          sourceClause: { section: 'V.4', start: 0, end: 10 },
          dueDate: '2025-11-30',
          assignees: [{ agencyCode: LEAD, role: 'lead' }],
        };
        const key = { 'idempotency-key': randomUUID() };
        const first = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          { ...body, taskId: '5b0f7c1e-0000-4000-8000-000000000001' },
          key,
        );
        const retry = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          { ...body, taskId: '5b0f7c1e-0000-4000-8000-000000000001' },
          key,
        );
        expect(first.status).toBe(201);
        expect(retry.body).toEqual(first.body);
        const other = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          { ...body, title: 'Khác', taskId: '5b0f7c1e-0000-4000-8000-000000000001' },
          key,
        );
        expect(other.status).toBe(422);
        expect(other.body).toMatchObject({ code: 'idempotency-key-reused' });
      });
    });

    it('answers 503 with Retry-After when the projections have not reached a position', async () => {
      const response = await api.request(
        'GET',
        `/agencies/${LEAD}/outstanding?minPosition=999999999999`,
        officer(LEAD),
      );
      expect(response.status).toBe(503);
      expect(response.headers.get('retry-after')).toBe('1');
      expect(response.body).toMatchObject({ code: 'projection-behind' });
    });

    it('answers 422 with a pointer for a bad query parameter', async () => {
      const response = await api.request('GET', `/agencies/${LEAD}/outstanding?sort=sideways`, officer(LEAD));
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/sort' })]);
    });
  },
);
