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
});
