import { randomUUID } from 'node:crypto';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

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

    /** Where one agency stands on this task: its outstanding entry and its open responsibility. */
    interface Standing {
      readonly state: string;
      readonly role: string;
      readonly dueDate?: string;
      /** False for a handoff offered: the agency owes an answer but is not responsible yet. */
      readonly responsible?: false;
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

    /**
     * After a step: every agency of the walk (null: owes nothing on this task) in both
     * projections, and the step at the end of the trail with its actor, reason and the agency
     * responsible after it.
     */
    async function expectAfterStep(
      standings: Record<string, Standing | null>,
      step: readonly [type: string, actorAgency: string, reason: string | null, responsible: string],
    ) {
      for (const [agency, standing] of Object.entries(standings)) {
        const seen = {
          agency,
          outstanding: await outstanding(agency),
          responsible: await responsibilities(agency),
        };
        expect(seen).toEqual({
          agency,
          outstanding:
            standing === null
              ? []
              : [
                  expect.objectContaining({
                    state: standing.state,
                    role: standing.role,
                    dueDate: standing.dueDate ?? '2025-11-30',
                  }),
                ],
          responsible:
            standing === null || standing.responsible === false
              ? []
              : [expect.objectContaining({ role: standing.role })],
        });
      }
      const trail = await api.request('GET', `/tasks/${taskId}/trail?minPosition=${position}`, officer(LEAD));
      expect(trail.status).toBe(200);
      const last = (trail.body.entries as Record<string, unknown>[]).at(-1)!;
      expect([last.type, last.actorAgencyCode, last.reason, last.responsibleAgency]).toEqual(step);
    }

    it('walks assign -> acknowledge -> handoff declined -> handoff accepted -> progress -> extension -> completion returned -> accepted', async () => {
      const store = api.app.get<EventStore>(EVENT_STORE);
      const UBND = 'lc-ubnd-tinh';
      const support = (state = 'not-acknowledged', dueDate?: string): Standing => ({
        state,
        role: 'support',
        ...(dueDate ? { dueDate } : {}),
      });
      const lead = (state: string, dueDate?: string): Standing => ({
        state,
        role: 'lead',
        ...(dueDate ? { dueDate } : {}),
      });
      const offeredLead: Standing = { state: 'handoff-offered', role: 'lead', responsible: false };

      // Assigned: the lead and the support agency owe it, not acknowledged yet.
      await command(
        ISSUER,
        '/tasks',
        {
          taskId,
          planId: await api.plan(),
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
      await expectAfterStep(
        { [LEAD]: lead('not-acknowledged'), [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: null },
        ['TaskAssigned', UBND, null, LEAD],
      );

      await command(officer(LEAD), `/tasks/${taskId}/acknowledge`, {});
      await expectAfterStep(
        { [LEAD]: lead('in-progress'), [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: null },
        ['TaskAcknowledged', LEAD, null, LEAD],
      );

      // Handoff to Health, declined: the lead keeps it.
      const declined = randomUUID();
      await command(
        officer(LEAD),
        `/tasks/${taskId}/handoffs`,
        { handoffId: declined, toAgency: DECLINER, reason: 'Thuộc lĩnh vực y tế' },
        201,
      );
      await expectAfterStep(
        { [LEAD]: lead('handoff-pending'), [SUPPORT]: support(), [DECLINER]: offeredLead, [RECEIVER]: null },
        ['HandoffRequested', LEAD, 'Thuộc lĩnh vực y tế', LEAD],
      );
      await command(officer(DECLINER), `/tasks/${taskId}/handoffs/${declined}/decline`, {
        reason: 'Không thuộc chức năng của Sở Y tế',
      });
      await expectAfterStep(
        { [LEAD]: lead('in-progress'), [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: null },
        ['HandoffDeclined', DECLINER, 'Không thuộc chức năng của Sở Y tế', LEAD],
      );

      // A stale handoff cannot be accepted afterwards, and the refusal records nothing.
      const beforeStale = await store.headPosition();
      const stale = await api.request(
        'POST',
        `/tasks/${taskId}/handoffs/${declined}/accept`,
        officer(DECLINER),
        { reason: 'Tiếp nhận' },
      );
      expect(stale.status).toBe(409);
      expect(stale.body).toMatchObject({ code: 'handoff.stale' });
      expect(await store.headPosition()).toBe(beforeStale);

      // Handoff to Education, accepted: responsibility moves.
      const accepted = randomUUID();
      await command(
        officer(LEAD),
        `/tasks/${taskId}/handoffs`,
        { handoffId: accepted, toAgency: RECEIVER, reason: 'Sở GD&ĐT chủ trì kiểm tra trường học' },
        201,
      );
      await expectAfterStep(
        { [LEAD]: lead('handoff-pending'), [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: offeredLead },
        ['HandoffRequested', LEAD, 'Sở GD&ĐT chủ trì kiểm tra trường học', LEAD],
      );
      // Every decision needs its reason: accepting without one is refused and records nothing.
      const beforeUnreasoned = await store.headPosition();
      const unreasoned = await api.request(
        'POST',
        `/tasks/${taskId}/handoffs/${accepted}/accept`,
        officer(RECEIVER),
        {},
      );
      expect(unreasoned.status).toBe(422);
      const pointers = (unreasoned.body.errors as { pointer: string }[]).map((error) => error.pointer);
      expect([...new Set(pointers)]).toEqual(['/reason']);
      expect(await store.headPosition()).toBe(beforeUnreasoned);
      await command(officer(RECEIVER), `/tasks/${taskId}/handoffs/${accepted}/accept`, {
        reason: 'Đồng ý tiếp nhận',
      });
      await expectAfterStep(
        { [LEAD]: null, [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: lead('in-progress') },
        ['HandoffAccepted', RECEIVER, 'Đồng ý tiếp nhận', RECEIVER],
      );

      await command(officer(RECEIVER), `/tasks/${taskId}/progress`, {
        text: 'Đã kiểm tra 12 trường học',
      });
      await expectAfterStep(
        { [LEAD]: null, [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: lead('in-progress') },
        ['ProgressReported', RECEIVER, null, RECEIVER],
      );

      // Extension requested and granted: the due date moves for every assignee.
      const extension = randomUUID();
      await command(
        officer(RECEIVER),
        `/tasks/${taskId}/extensions`,
        { extensionId: extension, dueDate: '2025-12-31', reason: 'Chờ số liệu cấp huyện' },
        201,
      );
      await expectAfterStep(
        { [LEAD]: null, [SUPPORT]: support(), [DECLINER]: null, [RECEIVER]: lead('extension-pending') },
        ['ExtensionRequested', RECEIVER, 'Chờ số liệu cấp huyện', RECEIVER],
      );
      await command(ISSUER, `/tasks/${taskId}/extensions/${extension}/grant`, { reason: 'Đồng ý gia hạn' });
      const extended = '2025-12-31';
      /** From here on only the receiver's state changes; the support agency has not acknowledged. */
      const receiverNow = (state: string) => ({
        [LEAD]: null,
        [SUPPORT]: support('not-acknowledged', extended),
        [DECLINER]: null,
        [RECEIVER]: lead(state, extended),
      });
      await expectAfterStep(receiverNow('in-progress'), [
        'ExtensionGranted',
        UBND,
        'Đồng ý gia hạn',
        RECEIVER,
      ]);

      // Completion submitted, returned, resubmitted, accepted.
      await command(officer(RECEIVER), `/tasks/${taskId}/completion`, { report: 'Báo cáo kết quả kiểm tra' });
      await expectAfterStep(receiverNow('completion-submitted'), [
        'CompletionSubmitted',
        RECEIVER,
        null,
        RECEIVER,
      ]);
      await command(ISSUER, `/tasks/${taskId}/completion/return`, {
        agencyCode: RECEIVER,
        reason: 'Thiếu số liệu cấp xã',
      });
      await expectAfterStep(receiverNow('completion-returned'), [
        'CompletionReturned',
        UBND,
        'Thiếu số liệu cấp xã',
        RECEIVER,
      ]);
      await command(officer(RECEIVER), `/tasks/${taskId}/completion`, {
        report: 'Báo cáo bổ sung số liệu cấp xã',
      });
      await expectAfterStep(receiverNow('completion-submitted'), [
        'CompletionSubmitted',
        RECEIVER,
        null,
        RECEIVER,
      ]);
      await command(ISSUER, `/tasks/${taskId}/completion/accept`, {
        agencyCode: RECEIVER,
        reason: 'Đạt yêu cầu',
      });
      // The lead's accepted completion completes the task: nobody owes it any more.
      await expectAfterStep({ [LEAD]: null, [SUPPORT]: null, [DECLINER]: null, [RECEIVER]: null }, [
        'TaskCompleted',
        UBND,
        null,
        RECEIVER,
      ]);
      expect(await responsibilities(RECEIVER, 'closed')).toEqual([expect.objectContaining({ role: 'lead' })]);
      expect(await responsibilities(SUPPORT, 'closed')).toEqual([
        expect.objectContaining({ role: 'support' }),
      ]);

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

    describe('status codes, Location and the ids an answer names', () => {
      /** GETs a path the API answered (a Location), reading the write that answered it. */
      async function follow(location: string, token: string, at: string) {
        const response = await api.request('GET', `${location}?minPosition=${at}`, token);
        expect({ location, status: response.status }).toEqual({ location, status: 200 });
        return response.body;
      }

      it('answers 201 with a Location to GET and the id of what a command created; 200 for the rest', async () => {
        const id = randomUUID();
        const assigned = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          assignmentBody(await api.plan(), id, [{ agencyCode: LEAD, role: 'lead' }]),
        );
        expect(assigned.status).toBe(201);
        expect(assigned.body.taskId).toBe(id);
        expect(assigned.headers.get('location')).toBe(`/tasks/${id}`);
        expect(await follow(`/tasks/${id}`, ISSUER, assigned.body.position)).toMatchObject({ taskId: id });

        // No taskId sent: the answer names the one the API chose, and the Location leads to it.
        const chosen = await api.request('POST', '/tasks', ISSUER, {
          ...assignmentBody(await api.plan(), randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]),
          taskId: undefined,
        });
        expect(chosen.status).toBe(201);
        expect(chosen.body.taskId).toMatch(/^[0-9a-f-]{36}$/);
        expect(chosen.headers.get('location')).toBe(`/tasks/${chosen.body.taskId}`);
        await follow(chosen.headers.get('location')!, ISSUER, chosen.body.position);

        const acknowledged = await api.request('POST', `/tasks/${id}/acknowledge`, officer(LEAD), {});
        expect(acknowledged.status).toBe(200);
        expect(acknowledged.headers.get('location')).toBeNull();

        const handoff = await api.request('POST', `/tasks/${id}/handoffs`, officer(LEAD), {
          toAgency: DECLINER,
          reason: 'Thuộc lĩnh vực y tế',
        });
        expect(handoff.status).toBe(201);
        expect(handoff.headers.get('location')).toBe(`/tasks/${id}`);
        const withHandoff = await follow(
          handoff.headers.get('location')!,
          officer(LEAD),
          handoff.body.position,
        );
        expect(withHandoff.handoffs).toEqual([
          expect.objectContaining({ handoffId: handoff.body.handoffId, toAgency: DECLINER }),
        ]);
        const declined = await api.request(
          'POST',
          `/tasks/${id}/handoffs/${handoff.body.handoffId}/decline`,
          officer(DECLINER),
          { reason: 'Không thuộc chức năng của Sở Y tế' },
        );
        expect(declined.status).toBe(200);

        const extension = await api.request('POST', `/tasks/${id}/extensions`, officer(LEAD), {
          dueDate: '2026-12-31',
          reason: 'Chờ số liệu cấp huyện',
        });
        expect(extension.status).toBe(201);
        expect(extension.headers.get('location')).toBe(`/tasks/${id}`);
        const withExtension = await follow(`/tasks/${id}`, ISSUER, extension.body.position);
        expect(withExtension.extensions).toEqual([
          expect.objectContaining({ extensionId: extension.body.extensionId }),
        ]);
      });

      it("answers a repeated acknowledgement 200 with the task stream's position, usable as minPosition", async () => {
        const id = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), id, [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );
        await command(officer(LEAD), `/tasks/${id}/acknowledge`, {});
        const progressed = await command(officer(LEAD), `/tasks/${id}/progress`, { text: 'Đã rà soát 3 xã' });
        // Another stream moves the log on: the no-op's position is its own stream's, not the head.
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );

        const again = await api.request('POST', `/tasks/${id}/acknowledge`, officer(LEAD), {});
        expect(again.status).toBe(200);
        expect(again.body).toMatchObject({ events: [], streamVersion: 3, position: progressed.position });
        const task = await follow(`/tasks/${id}`, officer(LEAD), again.body.position);
        expect(task.assignees).toEqual([
          expect.objectContaining({ agencyCode: LEAD, status: 'in-progress' }),
        ]);
      });

      it('refuses an agency that no longer holds the task 403 task.not-assignee, recording nothing', async () => {
        const id = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), id, [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );
        const handoffId = randomUUID();
        await command(
          officer(LEAD),
          `/tasks/${id}/handoffs`,
          { handoffId, toAgency: RECEIVER, reason: 'Thuộc lĩnh vực giáo dục' },
          201,
        );
        await command(officer(RECEIVER), `/tasks/${id}/handoffs/${handoffId}/accept`, { reason: 'Nhận' });

        const before = await api.app.get<EventStore>(EVENT_STORE).headPosition();
        // The former lead still reads the task (it was a party), but it is not its to acknowledge.
        const refused = await api.request('POST', `/tasks/${id}/acknowledge`, officer(LEAD), {});
        expect(refused.status).toBe(403);
        expect(refused.body).toMatchObject({ status: 403, code: 'task.not-assignee' });
        expect(await api.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(before);
      });
    });

    describe('refusals record nothing', () => {
      async function head(): Promise<bigint> {
        return api.app.get<EventStore>(EVENT_STORE).headPosition();
      }

      /** A new task of this committee's plan led by LEAD; returns its id. */
      async function assignAnother(): Promise<string> {
        const id = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), id, [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );
        return id;
      }

      it('refuses an officer of a party acting for another agency with 403, naming no agency', async () => {
        const id = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), id, [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: SUPPORT, role: 'support' },
          ]),
          201,
        );
        const before = await head();
        const response = await api.request('POST', `/tasks/${id}/acknowledge`, officer(SUPPORT), {
          agencyCode: LEAD,
        });
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'task.forbidden' });
        expect(JSON.stringify(response.body)).not.toContain(LEAD);
        expect(await head()).toBe(before);
      });

      it('answers an officer of an agency with no part in the task 404, as for no task at all', async () => {
        const other = await assignAnother();
        const before = await head();
        const response = await api.request('POST', `/tasks/${other}/acknowledge`, officer(DECLINER), {
          agencyCode: LEAD,
        });
        expect(response.status).toBe(404);
        expect(response.body).toMatchObject({ code: 'task.not-found', detail: 'No such task' });
        expect(await head()).toBe(before);
      });

      it('refuses to complete a cancelled task with 409', async () => {
        const cancelled = await assignAnother();
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
        const response = await api.request(
          'POST',
          '/tasks',
          officer(LEAD),
          assignmentBody(await api.plan(), randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]),
        );
        expect(response.status).toBe(403);
        expect(response.body).toMatchObject({ code: 'task.forbidden' });
        expect(await head()).toBe(before);
      });

      it("answers an issuer of another province deciding on this committee's task 404, as for no task", async () => {
        const other = await assignAnother();
        const before = await head();
        const elsewhere = 'demo.issuer.lsc-ubnd-thanh-pho';
        for (const [path, body] of [
          [`/tasks/${other}/cancel`, { reason: 'Không phù hợp' }],
          [`/tasks/${other}/reassign`, { fromAgency: LEAD, toAgency: SUPPORT, reason: 'Điều chỉnh' }],
        ] as const) {
          const response = await api.request('POST', path, elsewhere, body);
          expect({ path, status: response.status, code: response.body.code }).toEqual({
            path,
            status: 404,
            code: 'task.not-found',
          });
        }
        expect(await head()).toBe(before);
      });

      it('refuses a task of a plan never issued or issued by another committee alike: 422 on /planId', async () => {
        const body = (planId: string) =>
          assignmentBody(planId, randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]);
        const otherCommitteesPlan = await api.plan('demo.issuer.lsc-ubnd-thanh-pho');
        const before = await head();

        const unknown = await api.request('POST', '/tasks', ISSUER, body(randomUUID()));
        expect(unknown.status).toBe(422);
        expect(unknown.body.errors).toEqual([expect.objectContaining({ pointer: '/planId' })]);

        const foreign = await api.request('POST', '/tasks', ISSUER, body(otherCommitteesPlan));
        expect(foreign.status).toBe(422);
        const { instance: _a, ...unknownProblem } = unknown.body;
        const { instance: _b, ...foreignProblem } = foreign.body;
        expect(foreignProblem).toEqual(unknownProblem);
        expect(await head()).toBe(before);
      });

      it('refuses agency codes the directory does not know, with a pointer to each', async () => {
        const before = await head();
        const assign = await api.request(
          'POST',
          '/tasks',
          ISSUER,
          assignmentBody(await api.plan(), randomUUID(), [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: 'lc-so-khong-ton-tai', role: 'support' },
          ]),
        );
        expect(assign.status).toBe(422);
        expect(assign.body.errors).toEqual([expect.objectContaining({ pointer: '/assignees/1/agencyCode' })]);
        const handoff = await api.request('POST', `/tasks/${taskId}/handoffs`, officer(LEAD), {
          toAgency: 'lc-so-khong-ton-tai',
          reason: 'Chuyển',
        });
        expect(handoff.status).toBe(422);
        expect(handoff.body.errors).toEqual([expect.objectContaining({ pointer: '/toAgency' })]);
        expect(await head()).toBe(before);
      });
    });

    describe('with an Idempotency-Key', () => {
      it('gives requests racing under the same key one answer, and writes once', async () => {
        const key = { 'idempotency-key': randomUUID() };
        const body = assignmentBody(await api.plan(), randomUUID(), [{ agencyCode: LEAD, role: 'lead' }]);
        const before = await api.app.get<EventStore>(EVENT_STORE).headPosition();
        const answers = await Promise.all(
          Array.from({ length: 8 }, () => api.request('POST', '/tasks', ISSUER, body, key)),
        );
        expect(new Set(answers.map((answer) => answer.status))).toEqual(new Set([201]));
        for (const answer of answers) expect(answer.body).toEqual(answers[0]!.body);
        expect(await api.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(before + 1n);
      });

      it('answers a retry of a refused command with the same refusal, even once it would succeed', async () => {
        const task = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), task, [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );
        const pending = randomUUID();
        await command(
          officer(LEAD),
          `/tasks/${task}/handoffs`,
          { handoffId: pending, toAgency: DECLINER, reason: 'Thuộc lĩnh vực y tế' },
          201,
        );
        const key = { 'idempotency-key': randomUUID() };
        const second = { toAgency: RECEIVER, reason: 'Thuộc lĩnh vực giáo dục' };
        const refused = await api.request('POST', `/tasks/${task}/handoffs`, officer(LEAD), second, key);
        expect(refused.status).toBe(409);
        expect(refused.body).toMatchObject({ code: 'handoff.pending' });

        await command(officer(LEAD), `/tasks/${task}/handoffs/${pending}/withdraw`, { reason: 'Rút lại' });
        const before = await api.app.get<EventStore>(EVENT_STORE).headPosition();
        const retry = await api.request('POST', `/tasks/${task}/handoffs`, officer(LEAD), second, key);
        expect(retry.status).toBe(409);
        expect(retry.body).toEqual(refused.body);
        expect(await api.app.get<EventStore>(EVENT_STORE).headPosition()).toBe(before);

        const fresh = await api.request('POST', `/tasks/${task}/handoffs`, officer(LEAD), second, {
          'idempotency-key': randomUUID(),
        });
        expect(fresh.status).toBe(201);
      });

      it('names the handoff and the extension it opened, the same again on a retry under the key', async () => {
        const task = randomUUID();
        await command(
          ISSUER,
          '/tasks',
          assignmentBody(await api.plan(), task, [{ agencyCode: LEAD, role: 'lead' }]),
          201,
        );
        // No handoffId sent: the answer names the one the API chose, and a retry names it again.
        const key = { 'idempotency-key': randomUUID() };
        const handoff = { toAgency: DECLINER, reason: 'Thuộc lĩnh vực y tế' };
        const requested = await api.request('POST', `/tasks/${task}/handoffs`, officer(LEAD), handoff, key);
        expect(requested.status).toBe(201);
        expect(requested.body.handoffId).toMatch(/^[0-9a-f-]{36}$/);
        const retried = await api.request('POST', `/tasks/${task}/handoffs`, officer(LEAD), handoff, key);
        expect(retried.body).toEqual(requested.body);
        await command(officer(DECLINER), `/tasks/${task}/handoffs/${requested.body.handoffId}/decline`, {
          reason: 'Không thuộc chức năng của Sở Y tế',
        });

        const chosen = randomUUID();
        const extension = await command(
          officer(LEAD),
          `/tasks/${task}/extensions`,
          { extensionId: chosen, dueDate: '2026-12-31', reason: 'Chờ số liệu cấp huyện' },
          201,
        );
        expect(extension).toMatchObject({ extensionId: chosen, events: [{ type: 'ExtensionRequested' }] });
        await command(ISSUER, `/tasks/${task}/extensions/${extension.extensionId}/deny`, {
          reason: 'Không đủ căn cứ',
        });
      });

      it('answers a retry with the first answer and refuses the key for another body', async () => {
        const body = assignmentBody(await api.plan(), '5b0f7c1e-0000-4000-8000-000000000001', [
          { agencyCode: LEAD, role: 'lead' },
        ]);
        const key = { 'idempotency-key': randomUUID() };
        const first = await api.request('POST', '/tasks', ISSUER, body, key);
        const retry = await api.request('POST', '/tasks', ISSUER, body, key);
        expect(first.status).toBe(201);
        expect(retry.body).toEqual(first.body);
        const other = await api.request('POST', '/tasks', ISSUER, { ...body, title: 'Khác' }, key);
        expect(other.status).toBe(422);
        expect(other.body).toMatchObject({ code: 'idempotency-key-reused' });
      });
    });

    it('answers 422 naming minPosition, after the wait, for a position no command has answered', async () => {
      const response = await api.request(
        'GET',
        `/agencies/${LEAD}/outstanding?minPosition=999999999999`,
        officer(LEAD),
      );
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([
        expect.objectContaining({ pointer: '/minPosition', parameter: 'minPosition' }),
      ]);
    });

    it('answers 422 with a pointer for a bad query parameter', async () => {
      const response = await api.request('GET', `/agencies/${LEAD}/outstanding?sort=sideways`, officer(LEAD));
      expect(response.status).toBe(422);
      expect(response.body.errors).toEqual([expect.objectContaining({ pointer: '/sort' })]);
    });
  },
);
