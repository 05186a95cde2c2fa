import { randomUUID } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, JSON_LIMITS, MAX_PROBLEM_ERRORS } from '#libs/platform';
import { DOCX_LIMITS } from '#libs/plan-intake';
import { taskStreamId } from '#libs/tasks';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';
import { docxBomb, docxWithBody, manyEntriesZip, wordParagraph } from '../../../test/support/zip-bombs.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const OFFICER = 'demo.officer.lc-so-ldtbxh';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

interface Answer {
  status: number;
  bytes: number;
  headers: Headers;
  body: any;
}

async function send(
  api: ApiHarness,
  path: string,
  token: string,
  type: string,
  body: string | Uint8Array,
): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    // English details (the API answers in Vietnamese unless asked).
    headers: { authorization: `Bearer ${token}`, 'content-type': type, 'accept-language': 'en' },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    bytes: text.length,
    headers: response.headers,
    body: text ? JSON.parse(text) : null,
  };
}

describe('hostile input over HTTP', () => {
  let api: ApiHarness;
  let store: EventStore;
  let planId: string;

  beforeAll(async () => {
    api = await startApi('pglite');
    store = api.app.get<EventStore>(EVENT_STORE);
    planId = await api.plan();
  });

  afterAll(async () => {
    await api.close();
  });

  describe('JSON bodies', () => {
    it('refuses a body nested 100,000 levels deep with 422 json-too-deep at the level past the limit', async () => {
      const before = await store.headPosition();
      const answer = await send(
        api,
        '/tasks',
        ISSUER,
        'application/json',
        `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
      );
      expect(answer.status).toBe(422);
      expect(answer.headers.get('content-type')).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ code: 'json-too-deep' });
      expect(answer.body.errors).toEqual([
        {
          pointer: '/0'.repeat(JSON_LIMITS.maxDepth),
          detail: expect.stringContaining(`${JSON_LIMITS.maxDepth} levels`),
        },
      ]);
      expect(await store.headPosition()).toBe(before);
    });

    it('refuses 100,000 empty objects in a field with a short 422 json-array-too-long naming the field', async () => {
      const body = JSON.stringify({
        ...assignmentBody(planId, randomUUID(), []),
        assignees: Array(100_000).fill({}),
      });
      const answer = await send(api, '/tasks', ISSUER, 'application/json', body);
      expect(answer).toMatchObject({ status: 422, body: { code: 'json-array-too-long' } });
      expect(answer.body.errors).toEqual([
        { pointer: '/assignees', detail: expect.stringContaining('100000') },
      ]);
      expect(answer.bytes).toBeLessThan(2_000);
    });

    it('lists at most 20 field problems, then counts the rest', async () => {
      const unknown = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`extra${i}`, i]));
      const body = JSON.stringify({
        ...assignmentBody(planId, randomUUID(), [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }]),
        ...unknown,
      });
      const answer = await send(api, '/tasks', ISSUER, 'application/json', body);
      expect(answer).toMatchObject({
        status: 422,
        body: { code: 'validation', errorsOmitted: 500 - MAX_PROBLEM_ERRORS },
      });
      expect(answer.body.errors).toHaveLength(MAX_PROBLEM_ERRORS);
      expect(answer.body.errors[0]).toEqual({
        pointer: '/extra0',
        detail: 'property extra0 should not exist',
      });
    });

    it('refuses invalid UTF-8 with 422 invalid-utf8 and records nothing (no U+FFFD stored)', async () => {
      const taskId = randomUUID();
      const json = Buffer.from(
        JSON.stringify(
          assignmentBody(planId, taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }], {
            title: 'Rà soát XX',
          }),
        ),
      );
      const at = json.indexOf('XX');
      json[at] = 0xff;
      json[at + 1] = 0xfe;
      const answer = await send(api, '/tasks', ISSUER, 'application/json', json);
      expect(answer).toMatchObject({ status: 422, body: { code: 'invalid-utf8' } });
      expect((await api.request('GET', `/tasks/${taskId}`, ISSUER)).status).toBe(404);
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
    });
  });

  describe('dates out of their window', () => {
    it('refuses a due date of 0001-01-01 or 9999-12-31 with 422 at /dueDate and records nothing', async () => {
      for (const dueDate of ['0001-01-01', '9999-12-31']) {
        const taskId = randomUUID();
        const body = assignmentBody(planId, taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }], {
          dueDate,
        });
        const answer = await api.request('POST', '/tasks', ISSUER, body);
        expect(answer.status).toBe(422);
        expect(answer.body.errors).toEqual([
          { pointer: '/dueDate', detail: expect.stringContaining('from 2000-01-01 to 2100-12-31') },
        ]);
        expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
      }
    });

    it('refuses progress back-dated to 1900 with 422 at /occurredAt', async () => {
      const taskId = randomUUID();
      const assigned = await api.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(planId, taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }]),
      );
      expect(assigned.status).toBe(201);
      const answer = await api.request('POST', `/tasks/${taskId}/progress`, OFFICER, {
        text: 'Đã rà soát 120 trẻ em.',
        occurredAt: '1900-01-01T00:00:00Z',
      });
      expect(answer.status).toBe(422);
      expect(answer.body.errors).toEqual([
        { pointer: '/occurredAt', detail: expect.stringContaining('2000-01-01') },
      ]);
      expect(await store.readStream(taskStreamId(taskId))).toHaveLength(1);
    });
  });

  describe('query parameters and headers', () => {
    const outstanding = '/agencies/lc-so-ldtbxh/outstanding';
    it.each([
      ['offset', 'offset=1e20'],
      ['offset', 'offset=100001'],
      ['offset', 'offset=-1'],
      ['limit', 'limit=0x10'],
      ['limit', 'limit=501'],
      ['asOf', 'asOf=0001-01-01T00:00:00Z'],
      ['asOf', 'asOf=9999-12-31T00:00:00Z'],
      ['minPosition', 'minPosition=9999999999999999999'],
    ])('refuses %s out of its range (%s) with 422 naming the parameter', async (parameter, query) => {
      const answer = await api.request('GET', `${outstanding}?${query}`, OFFICER);
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('validation');
      expect(answer.body.errors.length).toBeGreaterThan(0);
      for (const error of answer.body.errors)
        expect(error).toMatchObject({ parameter, pointer: `/${parameter}` });
    });

    it('still answers the largest values in range', async () => {
      const answer = await api.request(
        'GET',
        `${outstanding}?offset=100000&limit=500&asOf=2100-12-31T00:00:00Z`,
        OFFICER,
      );
      expect(answer.status).toBe(200);
    });

    it('refuses an X-Correlation-Id of 1,000 characters (it would be stored in every event) with 422 naming it', async () => {
      const taskId = randomUUID();
      const answer = await api.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(planId, taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }]),
        { 'x-correlation-id': 'c'.repeat(1_000) },
      );
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'validation', header: 'X-Correlation-Id' });
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
    });

    it('refuses a 19-digit position past the log as ?from= (422) and as Last-Event-ID (400)', async () => {
      const from = await api.request('GET', '/agencies/lc-so-ldtbxh/feed?from=9999999999999999999', OFFICER);
      expect(from.status).toBe(422);
      expect(from.body.errors).toEqual([expect.objectContaining({ parameter: 'from' })]);
      const resume = await api.request('GET', '/agencies/lc-so-ldtbxh/feed', OFFICER, undefined, {
        'last-event-id': '9999999999999999999',
      });
      expect(resume.status).toBe(400);
      expect(resume.body).toMatchObject({ code: 'feed.invalid-last-event-id', header: 'Last-Event-ID' });
    });
  });

  describe('.docx uploads', () => {
    /** Uploads a document while the API's event loop is watched; answers the longest stall. */
    async function uploadWatched(document: Buffer): Promise<{ answer: Answer; stallMs: number }> {
      const histogram = monitorEventLoopDelay({ resolution: 10 });
      histogram.enable();
      const answer = await send(api, '/plans/import?dryRun=true', ISSUER, DOCX, document);
      histogram.disable();
      return { answer, stallMs: histogram.max / 1e6 };
    }

    it.each([
      ['200 MB of XML in a zip bomb', () => docxBomb(200), 422, 'docx-compression-ratio'],
      [
        `${DOCX_LIMITS.maxEntries + 1} files`,
        () => manyEntriesZip(DOCX_LIMITS.maxEntries + 1),
        422,
        'docx-too-many-entries',
      ],
      [
        'a file inflating past its declared size',
        () => docxWithBody(Buffer.alloc(30 * 1024 * 1024, wordParagraph('Trẻ em. ')), 64 * 1024),
        422,
        'unreadable-docx',
      ],
    ])('refuses a .docx of %s without stalling the API', async (what, build, status, code) => {
      const { answer, stallMs } = await uploadWatched(build());
      expect(answer).toMatchObject({ status, body: { code } });
      // The figure to watch is printed (target <= 200 ms; bench:bombs measures it in a process of its own).
      console.log(`event-loop stall during the upload of a .docx of ${what}: ${stallMs.toFixed(0)} ms`);
      expect(stallMs).toBeLessThan(1_000);
    });
  });
});
