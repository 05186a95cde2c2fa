import { randomUUID } from 'node:crypto';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { SseConnection } from '../../../test/support/sse.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const officer = (agency: string) => `demo.officer.${agency}`;
const AGENCY_A = 'lc-so-ldtbxh';
const AGENCY_B = 'lc-so-y-te';

describe.each<Backend>(['pglite', 'postgres'])('the agency feed over Server-Sent Events (%s)', (backend) => {
  let api: ApiHarness;
  const open: SseConnection[] = [];

  beforeAll(async () => {
    api = await startApi(backend, { FEED_KEEPALIVE_SECONDS: '1' });
  });

  afterEach(() => {
    for (const connection of open.splice(0)) connection.close();
  });

  afterAll(async () => {
    await api?.close();
  });

  /** Opens the feed and waits for its first comment: from then on, nothing new is missed. */
  async function connect(
    agency: string,
    token: string,
    options: { from?: string; lastEventId?: string } = {},
  ) {
    const query = options.from === undefined ? '' : `?from=${options.from}`;
    const opened = await SseConnection.open(`${api.url}/agencies/${agency}/feed${query}`, {
      authorization: `Bearer ${token}`,
      ...(options.lastEventId ? { 'last-event-id': options.lastEventId } : {}),
    });
    expect({ status: opened.status, problem: opened.problem }).toMatchObject({ status: 200 });
    expect(opened.contentType).toContain('text/event-stream');
    const connection = opened.connection!;
    open.push(connection);
    await connection.until(() => connection.comments.length > 0, 'the opening comment');
    return connection;
  }

  /** Assigns a task to `lead` (and optionally a supporter); returns the task id and the event's position. */
  async function assign(lead: string, support?: string): Promise<{ taskId: string; position: string }> {
    const taskId = randomUUID();
    const response = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [
        { agencyCode: lead, role: 'lead' },
        ...(support ? [{ agencyCode: support, role: 'support' as const }] : []),
      ]),
    );
    expect(response.status).toBe(201);
    return { taskId, position: response.body.position as string };
  }

  async function acknowledge(taskId: string, agency: string): Promise<string> {
    const response = await api.request('POST', `/tasks/${taskId}/acknowledge`, officer(agency), {});
    expect(response.status).toBe(200);
    return response.body.position as string;
  }

  describe('when a client reconnects with Last-Event-ID', () => {
    it('gets the events recorded while it was away, then live ones, and nothing twice', async () => {
      const first = await connect(AGENCY_A, officer(AGENCY_A));
      const one = await assign(AGENCY_A);
      const oneAck = await acknowledge(one.taskId, AGENCY_A);
      await first.until(() => first.ids.includes(oneAck), 'the acknowledgement');
      first.close();
      const lastEventId = first.lastEventId!;
      expect(first.ids).toEqual([one.position, oneAck]);

      // Recorded while disconnected, for this agency and for another.
      const away = [await assign(AGENCY_A, AGENCY_B), await assign(AGENCY_B)];
      const awayPositions = [away[0]!.position, await acknowledge(away[0]!.taskId, AGENCY_A)];

      const second = await connect(AGENCY_A, officer(AGENCY_A), { lastEventId });
      const live = await assign(AGENCY_A);
      await second.until(() => second.ids.includes(live.position), 'the live assignment');

      expect(second.ids).toEqual([...awayPositions, live.position]);
      expect(second.ids.filter((id) => first.ids.includes(id))).toEqual([]);
      expect(second.data.map((e) => [e.coordagency, e.coordeventtype])).toEqual([
        [AGENCY_A, 'TaskAssigned'],
        [AGENCY_A, 'TaskAcknowledged'],
        [AGENCY_A, 'TaskAssigned'],
      ]);
      expect(second.data[0]).toMatchObject({
        specversion: '1.0',
        id: expect.stringMatching(new RegExp(`:${AGENCY_A}$`)),
        type: 'vn.coord.TaskAssigned',
        subject: `task-${away[0]!.taskId}`,
        coordposition: away[0]!.position,
      });
    });
  });

  describe('when a feed starts live and drops before its first event', () => {
    it('opens with an id to resume from, so the events recorded while it was away still come', async () => {
      const first = await connect(AGENCY_A, officer(AGENCY_A));
      await first.until(() => first.idOnly.length > 0, 'the id of the starting point');
      first.close();
      const start = first.lastEventId!;
      expect(start).toMatch(/^\d+$/);

      const missed = await assign(AGENCY_A);
      const second = await connect(AGENCY_A, officer(AGENCY_A), { lastEventId: start });
      await second.until(() => second.ids.includes(missed.position), 'the assignment recorded meanwhile');
      expect(second.ids[second.ids.length - 1]).toBe(missed.position);
      expect(second.ids.filter((id) => first.ids.includes(id))).toEqual([]);
      // A resumed feed has its position already: no id-only message.
      expect(second.idOnly).toEqual([]);
    });

    it('takes Last-Event-ID 0 as the start of the log (the id of a live start on an empty log)', async () => {
      const marker = await assign(AGENCY_A);
      const resumed = await connect(AGENCY_A, officer(AGENCY_A), { lastEventId: '0' });
      const fromStart = await connect(AGENCY_A, officer(AGENCY_A), { from: '0' });
      for (const connection of [resumed, fromStart]) {
        await connection.until(() => connection.ids.includes(marker.position), 'the marker assignment');
      }
      expect(resumed.ids).toEqual(fromStart.ids);
    });
  });

  describe('when a first connection asks for a past position while events keep being recorded', () => {
    it('catches up from the store and goes on live with no gap or repeat at the seam', async () => {
      const start = await assign(AGENCY_A);
      const positions = [start.position];
      const writing = (async () => {
        for (let i = 0; i < 15; i++) positions.push((await assign(AGENCY_A)).position);
      })();
      // Connect while the writes go on.
      await new Promise((resolve) => setImmediate(resolve));
      const connection = await connect(AGENCY_A, officer(AGENCY_A), { from: start.position });
      await writing;
      const last = positions[positions.length - 1]!;
      await connection.until(() => connection.ids.includes(last), 'the last assignment');
      expect(connection.ids).toEqual(positions);
    });
  });

  describe('when an officer asks for another agency', () => {
    it('answers 403 problem+json', async () => {
      const refused = await SseConnection.open(`${api.url}/agencies/${AGENCY_B}/feed?from=0`, {
        authorization: `Bearer ${officer(AGENCY_A)}`,
      });
      expect(refused.status).toBe(403);
      expect(refused.contentType).toContain('application/problem+json');
      expect(refused.problem).toMatchObject({
        status: 403,
        code: 'feed.forbidden',
        instance: `/agencies/${AGENCY_B}/feed?from=0`,
      });
    });

    it("never shows the other agency's events on the officer's own feed", async () => {
      const own = await connect(AGENCY_A, officer(AGENCY_A), { from: '0' });
      const others = [await assign(AGENCY_B), await assign(AGENCY_B)];
      await acknowledge(others[0]!.taskId, AGENCY_B);
      const marker = await assign(AGENCY_A);
      await own.until(() => own.ids.includes(marker.position), 'the marker assignment');
      const subjects = own.data.map((e) => e.subject as string);
      for (const other of others) expect(subjects).not.toContain(`task-${other.taskId}`);
      expect(new Set(own.data.map((e) => e.coordagency))).toEqual(new Set([AGENCY_A]));
    });
  });
});

describe('the agency feed: access, errors and keep-alive (pglite)', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('pglite', { FEED_KEEPALIVE_SECONDS: '1' });
  });

  afterAll(async () => {
    await api?.close();
  });

  const feed = (agency: string, headers: Record<string, string>) =>
    SseConnection.open(`${api.url}/agencies/${agency}/feed`, headers);

  it('lets auditors and inspectors follow the feeds of their province (national: any), and sends keep-alive comments', async () => {
    const otherProvince = await feed('lsc-phong-ldtbxh', {
      authorization: 'Bearer demo.auditor.lc-ubnd-tinh',
    });
    otherProvince.connection?.close();
    expect(otherProvince.status).toBe(403);
    for (const [token, agency] of [
      ['demo.auditor.lsc-ubnd-thanh-pho', 'lsc-phong-ldtbxh'],
      ['demo.inspector.national', 'lsc-phong-ldtbxh'],
      ['demo.inspector.lc-ubnd-tinh', 'lc-so-y-te'],
    ] as const) {
      const opened = await feed(agency, { authorization: `Bearer ${token}` });
      expect(opened.status).toBe(200);
      const connection = opened.connection!;
      try {
        await connection.until(
          () => connection.comments.includes('keep-alive'),
          'a keep-alive comment',
          10_000,
        );
      } finally {
        connection.close();
      }
    }
  });

  it('lets an issuer follow its own agency and those below its committee only', async () => {
    const own = await feed('lc-ubnd-tinh', { authorization: `Bearer ${ISSUER}` });
    own.connection?.close();
    expect(own.status).toBe(200);
    const below = await feed('lc-so-y-te', { authorization: `Bearer ${ISSUER}` });
    below.connection?.close();
    expect(below.status).toBe(200);
    const other = await feed('lsc-phong-ldtbxh', { authorization: `Bearer ${ISSUER}` });
    other.connection?.close();
    expect(other.status).toBe(403);
  });

  it('answers 401 without a token, 404 for an unknown agency, 400 for a Last-Event-ID it never sent', async () => {
    expect((await feed(AGENCY_A, {})).status).toBe(401);
    const unknown = await feed('lc-khong-ton-tai', { authorization: 'Bearer demo.auditor.lc-ubnd-tinh' });
    expect(unknown).toMatchObject({ status: 404, problem: { code: 'agency.not-found' } });
    const garbage = await feed(AGENCY_A, {
      authorization: `Bearer ${officer(AGENCY_A)}`,
      'last-event-id': 'abc',
    });
    expect(garbage).toMatchObject({ status: 400, problem: { code: 'feed.invalid-last-event-id' } });
    const missing = await feed(AGENCY_A, {
      authorization: `Bearer ${officer(AGENCY_A)}`,
      'last-event-id': '999999999',
    });
    expect(missing).toMatchObject({ status: 400, problem: { code: 'feed.unknown-position' } });
    const badFrom = await SseConnection.open(`${api.url}/agencies/${AGENCY_A}/feed?from=yesterday`, {
      authorization: `Bearer ${officer(AGENCY_A)}`,
    });
    expect(badFrom).toMatchObject({ status: 422, problem: { code: 'validation' } });
  });
});

describe('the agency feed when the API shuts down (pglite)', () => {
  it('ends the open feeds, so the API stops without waiting for its clients', async () => {
    const api = await startApi('pglite');
    let connection: SseConnection | undefined;
    try {
      const opened = await SseConnection.open(`${api.url}/agencies/${AGENCY_A}/feed`, {
        authorization: `Bearer ${officer(AGENCY_A)}`,
      });
      connection = opened.connection!;
      await connection.until(() => connection!.comments.length > 0, 'the opening comment');
      // A live start on an empty log: it resumes from the start of the log.
      await connection.until(() => connection!.idOnly.length > 0, 'the id of the starting point');
      expect(connection.idOnly).toEqual(['0']);
    } finally {
      await api.close();
    }
    await connection.end(5_000);
  });
});
