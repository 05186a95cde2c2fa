import { randomUUID } from 'node:crypto';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE } from '#libs/platform';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const AGENCY = 'lc-so-y-te';
const path = `/agencies/${AGENCY}/heads`;

describe.each<Backend>(['pglite', 'postgres'])('heads of an agency over HTTP (%s)', (backend) => {
  let api: ApiHarness;
  const head = () => api.app.get<EventStore>(EVENT_STORE).headPosition();

  beforeAll(async () => {
    api = await startApi(backend);
  });

  afterAll(async () => {
    await api.close();
  });

  it('records each head from a date and answers who was head on any date', async () => {
    const first = await api.request('POST', path, ISSUER, {
      personName: 'Nguyễn Văn An',
      title: 'Giám đốc',
      since: '2021-03-01',
      reason: 'Quyết định số 456/QĐ-UBND ngày 25/02/2021',
    });
    expect(first.status).toBe(200);
    expect(first.body.events).toEqual([expect.objectContaining({ type: 'AgencyHeadRecorded' })]);
    const second = await api.request('POST', path, ISSUER, {
      personName: 'Trần Thị Bình',
      title: 'Giám đốc',
      since: '2024-07-01',
      reason: 'Quyết định số 789/QĐ-UBND ngày 20/06/2024',
    });
    expect(second.status).toBe(200);

    const heads = await api.request('GET', `${path}?on=2024-06-30`, 'demo.inspector.lc-ubnd-tinh');
    expect(heads.status).toBe(200);
    expect(heads.body).toEqual({
      agencyCode: AGENCY,
      heads: [
        expect.objectContaining({
          personName: 'Nguyễn Văn An',
          since: '2021-03-01',
          byAgency: 'lc-ubnd-tinh',
        }),
        expect.objectContaining({ personName: 'Trần Thị Bình', since: '2024-07-01' }),
      ],
      on: { date: '2024-06-30', head: expect.objectContaining({ personName: 'Nguyễn Văn An' }) },
    });
  });

  it('refuses officers, issuers of another jurisdiction, out-of-order dates and unknown agencies, recording nothing', async () => {
    const body = { personName: 'Lò Văn Cường', title: 'Giám đốc', since: '2023-01-01', reason: 'QĐ 1' };
    const before = await head();
    const refusals = [
      ['POST', path, `demo.officer.${AGENCY}`, body, 403, 'agency.forbidden'],
      ['POST', path, 'demo.issuer.lsc-ubnd-thanh-pho', body, 403, 'agency.forbidden'],
      ['POST', path, ISSUER, body, 409, 'agency.head-conflict'],
      ['POST', path, ISSUER, { ...body, since: '2999-01-01' }, 422, 'validation'],
      ['POST', '/agencies/lc-khong-co/heads', ISSUER, body, 404, 'agency.not-found'],
    ] as const;
    for (const [method, url, token, sent, status, code] of refusals) {
      const response = await api.request(method, url, token, sent);
      expect({ url, token, status: response.status, code: response.body.code }).toEqual({
        url,
        token,
        status,
        code,
      });
    }
    expect(await head()).toBe(before);
  });

  it('leaves the projections and their read-your-writes running past agency events', async () => {
    const taskId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(await api.plan(), taskId, [{ agencyCode: AGENCY, role: 'lead' }]),
    );
    const outstanding = await api.request(
      'GET',
      `/agencies/${AGENCY}/outstanding?minPosition=${assigned.body.position as string}`,
      `demo.officer.${AGENCY}`,
    );
    expect(outstanding.status).toBe(200);
    expect(outstanding.body.items).toEqual([expect.objectContaining({ taskId })]);
  });
});
