import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { join } from 'node:path';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { taskStreamId } from '#libs/tasks';
import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const MB = 1024 * 1024;
const LAI_CHAU = readFileSync(
  join(process.cwd(), 'libs/plan-intake/seed-plans/laichau-2024-ct28-kh.txt'),
  'utf8',
);

/** The plan the tasks of this file belong to, issued once the API is up. */
let planId: string;
const assignment = (taskId: string, extra: Record<string, unknown> = {}) =>
  assignmentBody(planId, taskId, [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }], extra);

interface Answer {
  status: number;
  contentType: string | null;
  body: any;
}

/** Posts a body as is (a string, bytes, or a stream sent chunked, without a Content-Length). */
async function post(
  api: ApiHarness,
  path: string,
  type: string,
  body: string | Uint8Array | ReadableStream<Uint8Array>,
): Promise<Answer> {
  const response = await fetch(`${api.url}${path}`, {
    method: 'POST',
    // English details (the API answers in Vietnamese unless asked).
    headers: { authorization: `Bearer ${ISSUER}`, 'content-type': type, 'accept-language': 'en' },
    body,
    ...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    body: text ? JSON.parse(text) : null,
  };
}

/** `size` bytes of `chunk`, as a stream of 64 KB pieces. */
function chunked(chunk: string, size: number): ReadableStream<Uint8Array> {
  const piece = Buffer.from(chunk.repeat(Math.ceil((64 * 1024) / chunk.length)));
  let sent = 0;
  return new ReadableStream({
    pull(controller) {
      if (sent >= size) {
        controller.close();
        return;
      }
      controller.enqueue(piece);
      sent += piece.length;
    },
  });
}

/**
 * Sends only the headers (announcing `length` bytes) and a few bytes of body, then waits for an
 * answer: it arrives only if the server refuses the body from its Content-Length, unread.
 */
function announce(api: ApiHarness, path: string, type: string, length: number): Promise<Answer> {
  const url = new URL(path, api.url);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${ISSUER}`,
        'content-type': type,
        'content-length': length,
        'accept-language': 'en',
      },
    });
    req.on('response', (response) => {
      void answerOf(response).then((answer) => {
        resolve(answer);
        req.destroy();
      }, reject);
    });
    req.on('error', reject);
    req.write('{"a":');
  });
}

/** The status, content type and JSON body of a node:http response, once it has ended. */
function answerOf(response: IncomingMessage): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    response.on('data', (chunk: Buffer) => chunks.push(chunk));
    response.on('error', reject);
    response.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      resolve({
        status: response.statusCode ?? 0,
        contentType: response.headers['content-type'] ?? null,
        body: text ? JSON.parse(text) : null,
      });
    });
  });
}

/** Posts `pieces` one at a time after a Content-Length of their total. */
function postInPieces(api: ApiHarness, path: string, type: string, pieces: Buffer[]): Promise<Answer> {
  const url = new URL(path, api.url);
  const length = pieces.reduce((sum, piece) => sum + piece.length, 0);
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, {
      method: 'POST',
      headers: { authorization: `Bearer ${ISSUER}`, 'content-type': type, 'content-length': length },
    });
    req.on('response', (response) => void answerOf(response).then(resolve, reject));
    req.on('error', reject);
    const next = () => {
      const piece = pieces.shift();
      if (!piece) req.end();
      else if (req.write(piece)) setImmediate(next);
      else req.once('drain', next);
    };
    next();
  });
}

describe('request bodies over HTTP', () => {
  let api: ApiHarness;
  let store: EventStore;

  beforeAll(async () => {
    api = await startApi('pglite');
    store = api.app.get<EventStore>(EVENT_STORE);
    planId = await api.plan();
  });

  afterAll(async () => {
    await api.close();
  });

  describe('on a task command (1 MB)', () => {
    it('refuses a 2 MB JSON body with 413 problem+json and records nothing', async () => {
      const taskId = randomUUID();
      const before = await store.headPosition();
      const answer = await post(
        api,
        '/tasks',
        'application/json',
        JSON.stringify(assignment(taskId, { notes: 'x'.repeat(2 * MB) })),
      );
      expect(answer.status).toBe(413);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
      expect(answer.body.detail).toContain('1 MB');
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
      expect(await store.headPosition()).toBe(before);
    });

    it('refuses a 2 MB JSON body sent without a Content-Length with 413 problem+json', async () => {
      const answer = await post(api, '/tasks', 'application/json', chunked(' ', 2 * MB));
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
    });

    it('refuses a body announced over 1 MB from its Content-Length, before reading it', async () => {
      const answer = await announce(api, '/tasks', 'application/json', 2 * MB);
      expect(answer.status).toBe(413);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
    });

    it('refuses a body of an unsupported type over 1 MB with 413, from its Content-Length', async () => {
      const started = Date.now();
      const answer = await announce(api, '/tasks', 'application/pdf', 50 * MB);
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
      expect(Date.now() - started).toBeLessThan(5_000);
    });

    it('refuses a body of an unsupported type growing over 1 MB with 413', async () => {
      for (const type of ['application/pdf', 'text/plain']) {
        const answer = await post(api, '/tasks', type, chunked('a', 3 * MB));
        expect({ type, status: answer.status }).toEqual({ type, status: 413 });
        expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
      }
    });

    it('refuses a body with a __proto__ key with 400 problem+json and records nothing', async () => {
      const taskId = randomUUID();
      const body = JSON.stringify(assignment(taskId)).replace(/^\{/, '{"__proto__":{"isAdmin":true},');
      const answer = await post(api, '/tasks', 'application/json', body);
      expect(answer.status).toBe(400);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 400, code: 'bad-request' });
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
    });

    it('refuses text with a NUL character or an unpaired surrogate with 422 and its pointer, and records nothing', async () => {
      for (const [field, text] of [
        ['title', 'Báo cáo \u0000 năm'],
        ['duty', 'Chủ trì \ud83d thực hiện'],
      ] as const) {
        const taskId = randomUUID();
        const answer = await post(
          api,
          '/tasks',
          'application/json',
          JSON.stringify({ ...assignment(taskId), [field]: text }),
        );
        expect(answer.status).toBe(422);
        expect(answer.contentType).toContain('application/problem+json');
        expect(answer.body).toMatchObject({
          status: 422,
          code: 'validation',
          errors: [{ pointer: `/${field}` }],
        });
        expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
      }
    });

    it('refuses unknown fields and wrong types with 422 and one JSON pointer per field, and records nothing', async () => {
      const taskId = randomUUID();
      const answer = await post(
        api,
        '/tasks',
        'application/json',
        JSON.stringify({
          ...assignment(taskId),
          colour: 'red',
          dueDate: 20251130,
          assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'boss' }],
        }),
      );
      expect(answer.status).toBe(422);
      expect(answer.contentType).toContain('application/problem+json');
      const pointers = (answer.body.errors as { pointer: string }[]).map((error) => error.pointer);
      expect([...new Set(pointers)].sort()).toEqual(['/assignees/0/role', '/colour', '/dueDate']);
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
    });

    it("points into arrays for the decider's own checks (a blank indicator name)", async () => {
      const taskId = randomUUID();
      expect((await api.request('POST', '/tasks', ISSUER, assignment(taskId))).status).toBe(201);
      const progress = await api.request('POST', `/tasks/${taskId}/progress`, 'demo.officer.lc-so-ldtbxh', {
        text: 'Đã rà soát 12/15 xã',
        indicatorValues: [{ indicator: '   ', value: 12 }],
      });
      expect(progress.status).toBe(422);
      expect(progress.body.errors).toEqual([
        expect.objectContaining({ pointer: '/indicatorValues/0/indicator' }),
      ]);
      expect(await store.readStream(taskStreamId(taskId))).toHaveLength(1);
    });

    it('takes a past occurredAt as the business time, and refuses one in the future on /occurredAt', async () => {
      const taskId = randomUUID();
      // Entered after the fact: the assignment took effect on 1 June 2025 (the plan was issued on 3 June 2024).
      const assigned = await api.request('POST', '/tasks', ISSUER, {
        ...assignment(taskId),
        occurredAt: '2025-06-01T08:00:00+07:00',
      });
      expect(assigned.status).toBe(201);
      expect((await store.readStream(taskStreamId(taskId)))[0]?.metadata.occurredAt).toBe(
        '2025-06-01T08:00:00+07:00',
      );
      const officer = 'demo.officer.lc-so-ldtbxh';
      const future = new Date(Date.now() + 24 * 3600_000).toISOString();
      const refused = await api.request('POST', `/tasks/${taskId}/progress`, officer, {
        text: 'Báo cáo trước',
        occurredAt: future,
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([expect.objectContaining({ pointer: '/occurredAt' })]);
      expect(await store.readStream(taskStreamId(taskId))).toHaveLength(1);

      const past = await api.request('POST', `/tasks/${taskId}/progress`, officer, {
        text: 'Đã rà soát 3 xã',
        occurredAt: '2025-06-02T08:00:00+07:00',
      });
      expect(past.status).toBe(200);
      const events = await store.readStream(taskStreamId(taskId));
      expect(events.at(-1)?.metadata.occurredAt).toBe('2025-06-02T08:00:00+07:00');
    });

    it('refuses progress or a completion dated before the task was assigned, on /occurredAt, recording nothing', async () => {
      const taskId = randomUUID();
      expect(
        (
          await api.request('POST', '/tasks', ISSUER, {
            ...assignment(taskId),
            occurredAt: '2025-06-01T08:00:00+07:00',
          })
        ).status,
      ).toBe(201);
      const officer = 'demo.officer.lc-so-ldtbxh';
      const progress = await api.request('POST', `/tasks/${taskId}/progress`, officer, {
        text: 'Đã rà soát 3 xã',
        occurredAt: '2025-06-01T07:59:59+07:00',
      });
      expect(progress.status).toBe(422);
      expect(progress.body.errors).toEqual([
        expect.objectContaining({ pointer: '/occurredAt', detail: expect.stringContaining('assigned') }),
      ]);
      const completion = await api.request('POST', `/tasks/${taskId}/completion`, officer, {
        report: 'Đã hoàn thành',
        occurredAt: '2025-05-01T08:00:00+07:00',
      });
      expect(completion.status).toBe(422);
      expect(completion.body.errors).toEqual([expect.objectContaining({ pointer: '/occurredAt' })]);
      expect(await store.readStream(taskStreamId(taskId))).toHaveLength(1);
    });

    it('refuses an assignment dated before its plan was issued, on /occurredAt, recording nothing', async () => {
      const taskId = randomUUID();
      const refused = await api.request('POST', '/tasks', ISSUER, {
        ...assignment(taskId),
        occurredAt: '2024-06-02T08:00:00+07:00',
      });
      expect(refused.status).toBe(422);
      expect(refused.body.errors).toEqual([
        expect.objectContaining({
          pointer: '/occurredAt',
          detail: expect.stringContaining('plan was issued'),
        }),
      ]);
      expect(await store.readStream(taskStreamId(taskId))).toEqual([]);
    });

    it('refuses a nested constructor.prototype key with 400 problem+json', async () => {
      const taskId = randomUUID();
      const body = JSON.stringify(assignment(taskId)).replace(
        /^\{/,
        '{"sourceClause2":{"constructor":{"prototype":{"x":1}}},',
      );
      const answer = await post(api, '/tasks', 'application/json', body);
      expect(answer.status).toBe(400);
      expect(answer.body).toMatchObject({ status: 400, code: 'bad-request' });
    });

    it('reads JSON in the charset it declares, and refuses a charset other than UTF-8 or UTF-16 with 415', async () => {
      const taskId = randomUUID();
      const utf16 = Buffer.from(JSON.stringify(assignment(taskId)), 'utf16le');
      const accepted = await post(api, '/tasks', 'application/json; charset=utf-16le', utf16);
      expect(accepted.status).toBe(201);
      const [assigned] = await store.readStream(taskStreamId(taskId));
      expect((assigned?.data as { title: string }).title).toBe('Rà soát trẻ em có hoàn cảnh đặc biệt');

      const latin1 = await post(api, '/tasks', 'application/json; charset=iso-8859-1', '{}');
      expect(latin1.status).toBe(415);
      expect(latin1.contentType).toContain('application/problem+json');
    });
  });

  describe('on POST /plans/import (10 MB documents)', () => {
    const document = `${LAI_CHAU}\n${'Phụ lục. '.repeat(Math.ceil((5 * MB) / 10))}`;

    it('accepts a 5 MB plan document as text', async () => {
      expect(Buffer.byteLength(document)).toBeGreaterThan(5 * MB);
      const answer = await post(api, '/plans/import?dryRun=true', 'text/plain; charset=utf-8', document);
      expect(answer.status).toBe(200);
      expect(answer.body.summary.dutyTasks).toBe(14);
    });

    it('accepts a 5 MB plan document as JSON { fileName, contentBase64 }', async () => {
      const body = JSON.stringify({
        fileName: 'ke-hoach.txt',
        contentBase64: Buffer.from(document).toString('base64'),
      });
      expect(body.length).toBeGreaterThan(6 * MB);
      const answer = await post(api, '/plans/import?dryRun=true', 'application/json', body);
      expect(answer.status).toBe(200);
      expect(answer.body.summary.dutyTasks).toBe(14);
    });

    it('reads a large document sent in pieces that split its characters, with and without a Content-Length', async () => {
      const bytes = Buffer.from(document);
      const whole = await post(api, '/plans/import?dryRun=true', 'text/plain; charset=utf-8', document);
      // 4,097-byte pieces: most boundaries fall inside a character of two or three bytes.
      const pieces = (): Buffer[] => {
        const list: Buffer[] = [];
        for (let at = 0; at < bytes.length; at += 4097) list.push(bytes.subarray(at, at + 4097));
        return list;
      };
      expect(pieces().some((piece) => (piece[0] ?? 0) >= 0x80 && (piece[0] ?? 0) < 0xc0)).toBe(true);
      const list = pieces();
      const streamed = await post(
        api,
        '/plans/import?dryRun=true',
        'text/plain; charset=utf-8',
        new ReadableStream({
          pull(controller) {
            const piece = list.shift();
            if (piece) controller.enqueue(piece);
            else controller.close();
          },
        }),
      );
      const declared = await postInPieces(api, '/plans/import?dryRun=true', 'text/plain', pieces());
      for (const answer of [streamed, declared]) {
        expect(answer.status).toBe(200);
        expect(answer.body).toEqual(whole.body);
      }
      expect(whole.body.sourceTextLength).toBeGreaterThan(4 * MB);
    });

    it('refuses a document growing over 10 MB with the plan-specific 413', async () => {
      const answer = await post(api, '/plans/import', 'text/plain', chunked('a', 11 * MB));
      expect(answer.status).toBe(413);
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
      expect(answer.body.detail).toContain('10 MB');
    });

    it('refuses a raw document announced over 10 MB from its Content-Length', async () => {
      const answer = await announce(api, '/plans/import', 'application/octet-stream', 11 * MB);
      expect(answer.status).toBe(413);
      expect(answer.body.detail).toContain('10 MB');
    });
  });
});
