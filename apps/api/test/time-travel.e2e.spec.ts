import { randomUUID } from 'node:crypto';
import type { EventStore, RecordedEvent } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { foldStoredTaskEvents, taskStreamId, type TaskState } from '#libs/tasks';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const AUDITOR = 'demo.auditor.lc-ubnd-tinh';
const officer = (agency: string) => `demo.officer.${agency}`;
const LEAD = 'lc-so-ldtbxh';
const SUPPORT = 'lc-so-tu-phap';

/** The axes as the test itself applies them to the stored events. */
type Axis = 'knownAt' | 'validAt';
const upTo = (events: readonly RecordedEvent[], axis: Axis, at: string) =>
  events.filter(
    (event) =>
      Date.parse(axis === 'knownAt' ? event.metadata.recordedAt : event.metadata.occurredAt) <=
      Date.parse(at),
  );

/** The assignee statuses of the fold, by agency. */
const statuses = (state: TaskState): Record<string, string> =>
  state.status === 'none'
    ? {}
    : Object.fromEntries(state.assignees.map((assignee) => [assignee.agencyCode, assignee.status]));

/**
 * A history with a late entry: a task assigned as of 1 March 2025 (entered after the fact), then
 * acknowledged by its lead, then a completion of its supporter that happened on 15 March but was
 * entered last. Every past-state endpoint is checked on both axes against a fold of the stored
 * events done here, with the domain's own evolve.
 */
describe.each<Backend>(['pglite', 'postgres'])(
  'state at a past instant, on both time axes (%s)',
  (backend) => {
    let api: ApiHarness;
    let store: EventStore;
    let planId: string;
    const taskId = randomUUID();
    let beforeAnything: string;
    let knownAfterAcknowledgement: string;
    let events: RecordedEvent[];

    beforeAll(async () => {
      api = await startApi(backend);
      store = api.app.get<EventStore>(EVENT_STORE);
      planId = await api.plan();
      const head = await api.request('POST', `/agencies/${SUPPORT}/heads`, ISSUER, {
        personName: 'Nguyễn Văn An',
        title: 'Giám đốc',
        since: '2024-01-15',
        reason: 'Quyết định số 1/QĐ-UBND',
      });
      expect(head.status).toBeLessThan(300);
      beforeAnything = await recordedAt(store, `agency-${SUPPORT}`, 1);
      await pause();
      const assigned = await api.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(
          planId,
          taskId,
          [
            { agencyCode: LEAD, role: 'lead' },
            { agencyCode: SUPPORT, role: 'support' },
          ],
          { occurredAt: '2025-03-01T10:00:00+07:00' },
        ),
      );
      expect(assigned.status).toBe(201);
      const acknowledged = await api.request('POST', `/tasks/${taskId}/acknowledge`, officer(LEAD), {});
      expect(acknowledged.status).toBe(200);
      knownAfterAcknowledgement = await recordedAt(store, taskStreamId(taskId), 2);
      await pause();
      const completed = await api.request('POST', `/tasks/${taskId}/completion`, officer(SUPPORT), {
        report: 'Đã hoàn thành rà soát',
        occurredAt: '2025-03-15T10:00:00+07:00',
      });
      expect(completed.status).toBe(200);
      events = await store.readStream(taskStreamId(taskId));
      expect(events.map((event) => event.type)).toEqual([
        'TaskAssigned',
        'TaskAcknowledged',
        'CompletionSubmitted',
      ]);
      // The late entry: it happened before the acknowledgement, and was recorded after it.
      expect(Date.parse(events[2]!.metadata.occurredAt)).toBeLessThan(
        Date.parse(events[1]!.metadata.occurredAt),
      );
      expect(Date.parse(events[2]!.metadata.recordedAt)).toBeGreaterThan(
        Date.parse(knownAfterAcknowledgement),
      );
      // The current state is projected before the past is compared with it.
      expect(
        (await api.request('GET', `/tasks/${taskId}?minPosition=${completed.body.position}`, ISSUER)).status,
      ).toBe(200);
    });

    afterAll(async () => {
      await api?.close();
    });

    const instants = (): [Axis, string][] => [
      ['knownAt', beforeAnything],
      ['knownAt', knownAfterAcknowledgement],
      ['knownAt', new Date(Date.now() + 60_000).toISOString()],
      ['validAt', '2025-02-28T00:00:00Z'],
      ['validAt', '2025-03-10T00:00:00Z'],
      ['validAt', '2025-03-20T00:00:00Z'],
      ['validAt', new Date(Date.now() + 60_000).toISOString()],
    ];

    it('answers GET /tasks/{id} and its trail as the fold up to the instant, saying which instant and axis', async () => {
      for (const [axis, at] of instants()) {
        const upToT = upTo(events, axis, at);
        const state = foldStoredTaskEvents(upToT);
        const task = await api.request('GET', `/tasks/${taskId}?${axis}=${encodeURIComponent(at)}`, AUDITOR);
        const trail = await api.request(
          'GET',
          `/tasks/${taskId}/trail?${axis}=${encodeURIComponent(at)}`,
          AUDITOR,
        );
        if (state.status === 'none') {
          expect({ axis, at, task: task.status, trail: trail.status }).toEqual({
            axis,
            at,
            task: 404,
            trail: 404,
          });
          continue;
        }
        expect({ axis, at, status: task.status }).toEqual({ axis, at, status: 200 });
        expect(task.body.pastState).toMatchObject({ axis, at: new Date(at).toISOString() });
        expect(task.body.status).toBe(state.status);
        expect(statuses({ ...state, assignees: task.body.assignees })).toEqual(statuses(state));
        expect(trail.body.pastState).toMatchObject({ axis });
        expect(trail.body.entries.map((entry: { eventId: string }) => entry.eventId)).toEqual(
          upToT.map((event) => event.id),
        );
      }
    });

    it("answers an agency's responsibilities and outstanding tasks as the fold up to the instant", async () => {
      for (const [axis, at] of instants()) {
        const state = foldStoredTaskEvents(upTo(events, axis, at));
        const expected = statuses(state);
        for (const agency of [LEAD, SUPPORT]) {
          const query = `${axis}=${encodeURIComponent(at)}`;
          const responsibilities = await api.request(
            'GET',
            `/agencies/${agency}/responsibilities?status=all&${query}`,
            officer(agency),
          );
          expect(responsibilities.status).toBe(200);
          expect(responsibilities.body.pastState).toMatchObject({ axis });
          const mine = responsibilities.body.items.filter(
            (item: { taskId: string }) => item.taskId === taskId,
          );
          expect({
            axis,
            at,
            agency,
            held: mine.map((item: { assignmentStatus: string }) => item.assignmentStatus),
          }).toEqual({
            axis,
            at,
            agency,
            held: expected[agency] === undefined ? [] : [expected[agency]],
          });

          const outstanding = await api.request(
            'GET',
            `/agencies/${agency}/outstanding?${query}`,
            officer(agency),
          );
          expect(outstanding.status).toBe(200);
          expect(outstanding.body.asOf).toBe(new Date(at).toISOString());
          const owed = outstanding.body.items.filter((item: { taskId: string }) => item.taskId === taskId);
          const stillOwes = expected[agency] !== undefined && expected[agency] !== 'completed';
          expect({ axis, at, agency, owes: owed.length }).toEqual({
            axis,
            at,
            agency,
            owes: stillOwes ? 1 : 0,
          });
          if (stillOwes) {
            expect(owed[0].state).toBe(
              expected[agency] === 'assigned'
                ? 'not-acknowledged'
                : expected[agency] === 'completion-submitted'
                  ? 'completion-submitted'
                  : 'in-progress',
            );
          }
        }
      }
    });

    it("answers a plan's progress as the fold up to the instant", async () => {
      for (const [axis, at] of instants()) {
        const expected = statuses(foldStoredTaskEvents(upTo(events, axis, at)));
        const progress = await api.request(
          'GET',
          `/plans/${planId}/progress?${axis}=${encodeURIComponent(at)}`,
          ISSUER,
        );
        expect(progress.status).toBe(200);
        expect(progress.body.pastState).toMatchObject({ axis });
        const byAgency = Object.fromEntries(
          progress.body.agencies.map((agency: { agencyCode: string; byState: Record<string, number> }) => [
            agency.agencyCode,
            Object.entries(agency.byState)
              .filter(([, count]) => count > 0)
              .map(([state]) => state),
          ]),
        );
        expect({ axis, at, byAgency }).toEqual({
          axis,
          at,
          byAgency: Object.fromEntries(
            Object.entries(expected).map(([agency, status]) => [
              agency,
              [status === 'assigned' ? 'not-acknowledged' : status],
            ]),
          ),
        });
      }
    });

    it('answers the heads of an agency as recorded by, or as true at, the instant', async () => {
      const agencyEvents = await store.readStream(`agency-${SUPPORT}`);
      expect(agencyEvents).toHaveLength(1);
      for (const [axis, at] of instants()) {
        const heads = await api.request(
          'GET',
          `/agencies/${SUPPORT}/heads?${axis}=${encodeURIComponent(at)}`,
          AUDITOR,
        );
        expect(heads.status).toBe(200);
        expect(heads.body.pastState).toMatchObject({ axis });
        expect({ axis, at, heads: heads.body.heads.length }).toEqual({
          axis,
          at,
          heads: upTo(agencyEvents, axis, at).length,
        });
      }
    });

    it('refuses both axes at once, naming the parameter', async () => {
      const both = await api.request(
        'GET',
        `/tasks/${taskId}?knownAt=2025-01-01T00:00:00Z&validAt=2025-01-01T00:00:00Z`,
        AUDITOR,
      );
      expect(both.status).toBe(422);
      expect(JSON.stringify(both.body)).toContain('validAt');
    });
  },
);

/** When the store recorded version `version` of a stream (its clock): an instant on the record axis. */
async function recordedAt(store: EventStore, streamId: string, version: number): Promise<string> {
  const event = (await store.readStream(streamId)).find((candidate) => candidate.streamVersion === version);
  if (!event) throw new Error(`no version ${version} in ${streamId}`);
  return event.metadata.recordedAt;
}

/** Lets the record clock move on, so that the next event is recorded strictly later. */
const pause = () => new Promise((resolve) => setTimeout(resolve, 20));
