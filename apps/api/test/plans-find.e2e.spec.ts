import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

const LC_ISSUER = 'demo.issuer.lc-ubnd-tinh';
const LS_ISSUER = 'demo.issuer.lsc-ubnd-thanh-pho';
const NATIONAL = 'demo.inspector.national';

interface ListedPlan {
  planId: string;
  title: string;
  number: string | null;
  issuedOn: string | null;
  label: string;
  status: string;
  issuerAgencyCode: string;
  globalPosition: string;
}

/**
 * GET /plans finds plans by committee, year, text and status, a page at a time, among those the
 * caller may read; every plan carries a label people can use when its document has no number.
 */
describe('finding plans on the embedded default', () => {
  let api: ApiHarness;
  let all: ListedPlan[];

  beforeAll(async () => {
    api = await startApi('pglite', { SEED_PLANS: 'true' });
    const listed = await api.request('GET', '/plans', NATIONAL);
    expect(listed.status).toBe(200);
    all = listed.body.items as ListedPlan[];
  });

  afterAll(async () => {
    await api?.close();
  });

  it('labels each seed plan by its committee, the act it implements and its year', () => {
    expect(all.map((plan) => plan.label).sort()).toEqual([
      'UBND thành phố Lạng Sơn · Nghị quyết 121/2020/QH14 · 2024',
      'UBND tỉnh Lai Châu · Chỉ thị 28-CT/TW · 2024',
    ]);
    expect(all.every((plan) => plan.number === null)).toBe(true);
  });

  it('answers the same label for a plan in the list and on its own', async () => {
    for (const plan of all) {
      const one = await api.request('GET', `/plans/${plan.planId}`, NATIONAL);
      expect(one.status).toBe(200);
      expect(one.body.label).toBe(plan.label);
    }
  });

  it('narrows by issuer, and never widens what the caller may read', async () => {
    const lc = await api.request('GET', '/plans?issuer=lc-ubnd-tinh', NATIONAL);
    expect(lc.body.items.map((p: ListedPlan) => p.issuerAgencyCode)).toEqual(['lc-ubnd-tinh']);
    const own = await api.request('GET', '/plans', LC_ISSUER);
    expect(own.body.items.map((p: ListedPlan) => p.issuerAgencyCode)).toEqual(['lc-ubnd-tinh']);
    const other = await api.request('GET', '/plans?issuer=lsc-ubnd-thanh-pho', LC_ISSUER);
    expect(other.status).toBe(200);
    expect(other.body).toEqual({ items: [], next: null });
  });

  it("narrows by a year the plan's period covers", async () => {
    const covered = await api.request('GET', '/plans?year=2024', NATIONAL);
    expect(covered.body.items).toHaveLength(2);
    const none = await api.request('GET', '/plans?year=2031', NATIONAL);
    expect(none.body.items).toEqual([]);
  });

  it('searches title, number and label ignoring case and diacritics', async () => {
    const plain = await api.request('GET', `/plans?q=${encodeURIComponent('XAM HAI tre em')}`, NATIONAL);
    expect(plain.body.items.map((p: ListedPlan) => p.issuerAgencyCode)).toEqual(['lsc-ubnd-thanh-pho']);
    const nfd = 'Chỉ thị 28'.normalize('NFD');
    const byLabel = await api.request('GET', `/plans?q=${encodeURIComponent(nfd)}`, NATIONAL);
    expect(byLabel.body.items.map((p: ListedPlan) => p.issuerAgencyCode)).toEqual(['lc-ubnd-tinh']);
    const nothing = await api.request('GET', '/plans?q=giao%20thong%20nong%20thon', LS_ISSUER);
    expect(nothing.body.items).toEqual([]);
  });

  it('narrows by status of the period this year', async () => {
    const statuses = new Set(all.map((plan) => plan.status));
    for (const status of ['upcoming', 'active', 'ended']) {
      const page = await api.request('GET', `/plans?status=${status}`, NATIONAL);
      expect(page.status).toBe(200);
      expect(page.body.items.every((p: ListedPlan) => p.status === status)).toBe(true);
      expect(page.body.items.length > 0).toBe(statuses.has(status));
    }
  });

  it('pages with a cursor, the newest recorded first, each plan once', async () => {
    const first = await api.request('GET', '/plans?limit=1', NATIONAL);
    expect(first.body.items).toHaveLength(1);
    expect(first.body.next).toBe(first.body.items[0].globalPosition);
    const second = await api.request('GET', `/plans?limit=1&cursor=${String(first.body.next)}`, NATIONAL);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.next).toBeNull();
    const paged = [...first.body.items, ...second.body.items].map((p: ListedPlan) => p.planId);
    expect(paged).toEqual(all.map((plan) => plan.planId));
    expect(BigInt(all[0]!.globalPosition) > BigInt(all[1]!.globalPosition)).toBe(true);
  });

  it.each([
    ['issuer=Not%20A%20Code', '/issuer'],
    ['issuer=zz-no-such-agency', '/issuer'],
    ['year=1999', '/year'],
    ['year=twenty', '/year'],
    ['status=open', '/status'],
    ['limit=0', '/limit'],
    ['cursor=abc', '/cursor'],
    ['sort=title', '/sort'],
  ])('answers ?%s with 422 pointing at %s', async (query, pointer) => {
    const answer = await api.request('GET', `/plans?${query}`, NATIONAL);
    expect(answer.status).toBe(422);
    expect(answer.headers.get('content-type')).toContain('application/problem+json');
    expect(answer.body.errors.map((e: { pointer: string }) => e.pointer)).toContain(pointer);
  });

  describe('recording the number and date of the signed copy', () => {
    let planId: string;
    const lcPlan = () => all.find((plan) => plan.issuerAgencyCode === 'lc-ubnd-tinh')!;

    beforeAll(() => {
      planId = lcPlan().planId;
    });

    it('is refused to another committee that may read it (403) and answered as no plan to one that may not (404)', async () => {
      const inspector = await api.request('POST', `/plans/${planId}/registration`, NATIONAL, {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(inspector.status).toBe(403);
      const party = await api.request('POST', `/plans/${planId}/registration`, 'demo.officer.lc-so-ldtbxh', {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(party.status).toBe(403);
      const outsider = await api.request('POST', `/plans/${planId}/registration`, LS_ISSUER, {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(outsider.status).toBe(404);
      expect(outsider.body.code).toBe('plan.not-found');
      const none = await api.request('POST', '/plans/no-such-plan/registration', LC_ISSUER, {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(none.status).toBe(404);
    });

    it.each([
      [{ issuedOn: '2024-07-15' }, '/number'],
      [{ number: '1601/KH-UBND', issuedOn: '15/07/2024' }, '/issuedOn'],
      [{ number: '1601/KH-UBND', issuedOn: '2099-01-01' }, '/issuedOn'],
    ])('answers %j with 422 at %s', async (body, pointer) => {
      const answer = await api.request('POST', `/plans/${planId}/registration`, LC_ISSUER, body);
      expect(answer.status).toBe(422);
      expect(JSON.stringify(answer.body)).toContain(pointer);
    });

    it('records them once; the plan is then found and labelled by its number', async () => {
      const recorded = await api.request('POST', `/plans/${planId}/registration`, LC_ISSUER, {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(recorded.status).toBe(200);
      expect(recorded.body.events).toEqual([expect.objectContaining({ type: 'PlanRegistered' })]);
      const position = String(recorded.body.position);

      const again = await api.request('POST', `/plans/${planId}/registration`, LC_ISSUER, {
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(again.status).toBe(200);
      expect(again.body.events).toEqual([]);

      const other = await api.request('POST', `/plans/${planId}/registration`, LC_ISSUER, {
        number: '1602/KH-UBND',
        issuedOn: '2024-07-15',
      });
      expect(other.status).toBe(409);
      expect(other.body.code).toBe('plan.already-registered');

      const one = await api.request('GET', `/plans/${planId}?minPosition=${position}`, LC_ISSUER);
      expect(one.body).toMatchObject({
        number: '1601/KH-UBND',
        issuedOn: '2024-07-15',
        label: 'UBND tỉnh Lai Châu · 1601/KH-UBND · 2024',
      });
      const found = await api.request('GET', '/plans?q=1601', NATIONAL);
      expect(found.body.items.map((p: ListedPlan) => p.planId)).toEqual([planId]);
      // Its place in the pages is kept: the newest recorded plan first, as before.
      const listed = await api.request('GET', '/plans', NATIONAL);
      expect(listed.body.items.map((p: ListedPlan) => p.planId)).toEqual(all.map((p) => p.planId));
    });
  });

  it('answers a plan with its indicators, targets and reporting duty', async () => {
    const plan = all.find((p) => p.issuerAgencyCode === 'lc-ubnd-tinh')!;
    const one = await api.request('GET', `/plans/${plan.planId}`, NATIONAL);
    expect(one.body.indicators.length).toBeGreaterThan(0);
    expect(one.body.indicators[0]).toEqual(
      expect.objectContaining({
        indicatorId: expect.any(String),
        name: expect.any(String),
        targets: expect.any(Array),
      }),
    );
    expect(one.body.reporting).toEqual(
      expect.objectContaining({
        focalAgencyCode: 'lc-so-ldtbxh',
        consolidationLeadDays: expect.any(Number),
        cycles: expect.arrayContaining([
          expect.objectContaining({
            year: 2024,
            // "Định kỳ hàng năm (trước ngày 01/12)": the committee's date; the parties' 15 days before.
            reportsDueOn: '2024-11-15',
            consolidationDueOn: '2024-11-30',
          }),
        ]),
      }),
    );
  });
});
