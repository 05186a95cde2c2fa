import { startApi, type ApiHarness } from '../../../test/support/api-harness.js';

/**
 * What every answer carries at the edge (security headers, no-store), the rate limits per
 * person and per address, and how much /health tells whom (docs/adr/0016-edges.md).
 */
const HELMET_HEADERS = [
  'cross-origin-opener-policy',
  'cross-origin-resource-policy',
  'origin-agent-cluster',
  'referrer-policy',
  'x-content-type-options',
  'x-dns-prefetch-control',
  'x-download-options',
  'x-frame-options',
  'x-permitted-cross-domain-policies',
  'x-xss-protection',
];

describe('the edges of the API', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('pglite', {
      RATE_LIMIT_PER_IP: '20',
      RATE_LIMIT_PER_PRINCIPAL: '30',
      RATE_LIMIT_WINDOW_SECONDS: '60',
      // X-Forwarded-For gives each test its own address; X-Forwarded-Proto says TLS ended before us.
      TRUST_PROXY: 'true',
    });
  });

  afterAll(async () => {
    await api?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}) => fetch(`${api.url}${path}`, { headers });
  const as = (token: string, from: string) => ({ authorization: `Bearer ${token}`, 'x-forwarded-for': from });

  const csp = (response: Response) =>
    Object.fromEntries(
      (response.headers.get('content-security-policy') ?? '')
        .split(';')
        .map((directive) => directive.trim().split(/\s+/))
        .filter(([name]) => name)
        .map(([name, ...values]) => [name!, values]),
    );

  /** The headers helmet sets with the API's options (CSP, HSTS and caching are the API's own). */
  const expectHelmetHeaders = (response: Response) => {
    expect(Object.fromEntries(HELMET_HEADERS.map((name) => [name, response.headers.get(name)]))).toEqual({
      'cross-origin-opener-policy': 'same-origin',
      'cross-origin-resource-policy': 'same-origin',
      'origin-agent-cluster': '?1',
      'referrer-policy': 'no-referrer',
      'x-content-type-options': 'nosniff',
      'x-dns-prefetch-control': 'off',
      'x-download-options': 'noopen',
      'x-frame-options': 'DENY',
      'x-permitted-cross-domain-policies': 'none',
      'x-xss-protection': '0',
    });
  };

  describe('security headers', () => {
    it('are on an authenticated answer: a same-origin CSP, nosniff, no framing, no referrer, no-store', async () => {
      const response = await get('/agencies?q=y%20te', as('demo.officer.lc-so-y-te', '10.1.0.1'));
      expect(response.status).toBe(200);
      const policy = csp(response);
      expect(policy['default-src']).toEqual(["'self'"]);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['style-src']).not.toContain("'unsafe-inline'");
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      expect(policy['object-src']).toEqual(["'none'"]);
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(response.headers.get('x-frame-options')).toBe('DENY');
      expect(response.headers.get('referrer-policy')).toBe('no-referrer');
      expect(response.headers.get('cache-control')).toBe('no-store');
      expectHelmetHeaders(response);
      // Plain HTTP: no HSTS, which would lock browsers out of a service without a certificate.
      expect(response.headers.get('strict-transport-security')).toBeNull();
    });

    it("are helmet's whole set on a problem, an unknown route, the Swagger UI and a probe", async () => {
      for (const response of [
        await get('/tasks/00000000-0000-4000-8000-000000000000', as('nope', '10.1.0.3')),
        await get('/no-such-route'),
        await get('/docs'),
        await get('/health/live'),
      ]) {
        expectHelmetHeaders(response);
      }
    });

    it('are on a problem answer too', async () => {
      const response = await get('/tasks/00000000-0000-4000-8000-000000000000', as('nope', '10.1.0.2'));
      expect(response.status).toBe(401);
      expect(response.headers.get('cache-control')).toBe('no-store');
      expect(response.headers.get('x-content-type-options')).toBe('nosniff');
      expect(csp(response)['frame-ancestors']).toEqual(["'none'"]);
    });

    it('add Strict-Transport-Security when a trusted proxy says the request came over TLS', async () => {
      const response = await get('/health/live', { 'x-forwarded-proto': 'https' });
      expect(response.headers.get('strict-transport-security')).toBe('max-age=31536000; includeSubDomains');
    });

    it('let the Swagger UI load: its scripts are files of the API, only its styles are inline', async () => {
      const page = await get('/docs');
      expect(page.status).toBe(200);
      const html = await page.text();
      const policy = csp(page);
      expect(policy['script-src']).toEqual(["'self'"]);
      expect(policy['style-src']).toContain("'unsafe-inline'");
      expect(policy['frame-ancestors']).toEqual(["'none'"]);
      // Every script the page runs is a file the CSP allows ('self'): none is inline.
      const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
      expect(scripts.length).toBeGreaterThan(0);
      for (const [, attributes, body] of scripts) {
        expect(attributes).toMatch(/src=/);
        expect(body!.trim()).toBe('');
        const src = /src=["']?([^"'\s>]+)/.exec(attributes!)![1]!;
        expect(src).not.toMatch(/^(https?:)?\/\//);
        expect((await get(new URL(src, `${api.url}/docs`).pathname)).status).toBe(200);
      }
      // The UI then fetches the document from the same origin (connect-src 'self').
      expect(policy['connect-src']).toEqual(["'self'"]);
      expect((await get('/docs-json')).status).toBe(200);
    });
  });

  describe('rate limits', () => {
    it('stop a burst of bad tokens from one address with 429 problem+json, Retry-After and RateLimit headers', async () => {
      const statuses: number[] = [];
      let refused: Response | undefined;
      for (let n = 0; n < 30; n++) {
        const response = await get('/agencies', as(`demo.officer.guess-${n}`, '10.2.0.1'));
        statuses.push(response.status);
        if (response.status === 429) refused ??= response;
        else await response.arrayBuffer();
      }
      expect(statuses.slice(0, 20)).toEqual(Array(20).fill(401));
      expect(statuses.slice(20)).toEqual(Array(10).fill(429));
      expect(refused!.headers.get('content-type')).toContain('application/problem+json');
      expect(Number(refused!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(refused!.headers.get('ratelimit-limit')).toBe('20');
      expect(refused!.headers.get('ratelimit-remaining')).toBe('0');
      expect(Number(refused!.headers.get('ratelimit-reset'))).toBeGreaterThan(0);
      expect(refused!.headers.get('cache-control')).toBe('no-store');
      expect(await refused!.json()).toMatchObject({ status: 429, code: 'rate-limited' });
    });

    it('count requests without a token by address too, and each address apart', async () => {
      const statuses = [];
      for (let n = 0; n < 21; n++) {
        const response = await get('/agencies', { 'x-forwarded-for': '10.3.0.1' });
        statuses.push(response.status);
      }
      expect(statuses.at(-1)).toBe(429);
      expect((await get('/agencies', { 'x-forwarded-for': '10.3.0.2' })).status).toBe(401);
    });

    it('count a person with a valid token by who they are, wherever they come from; another person is unaffected', async () => {
      const statuses: number[] = [];
      for (let n = 0; n < 35; n++) {
        // The same person from several addresses, among them one that has spent its own limit.
        const from = n % 2 === 0 ? '10.2.0.1' : `10.4.0.${n}`;
        const response = await get('/agencies/lc-so-y-te', as('demo.officer.lc-so-ldtbxh', from));
        statuses.push(response.status);
        await response.arrayBuffer();
      }
      expect(statuses.slice(0, 30)).toEqual(Array(30).fill(200));
      expect(statuses.slice(30)).toEqual(Array(5).fill(429));
      const other = await get('/agencies/lc-so-y-te', as('demo.officer.lc-so-y-te', '10.4.0.1'));
      expect(other.status).toBe(200);
      expect(other.headers.get('ratelimit-limit')).toBe('30');
      expect(Number(other.headers.get('ratelimit-remaining'))).toBeGreaterThan(0);
    });

    it('never refuse the probes and the metrics scrape', async () => {
      for (let n = 0; n < 40; n++) {
        for (const path of ['/health', '/health/live', '/health/ready', '/metrics']) {
          const response = await get(path, { 'x-forwarded-for': '10.2.0.1' });
          expect(response.status).toBe(200);
          await response.arrayBuffer();
        }
      }
    });
  });

  describe('/health', () => {
    it('tells anyone the status alone', async () => {
      for (const path of ['/health', '/health/ready']) {
        const response = await get(path, { 'x-forwarded-for': '10.5.0.1' });
        expect(response.status).toBe(200);
        expect(await response.json()).toEqual({ status: 'ok' });
      }
      expect(await (await get('/health/live')).json()).toEqual({ status: 'ok' });
    });

    it('tells an officer, an auditor or an inspector no more', async () => {
      for (const token of [
        'demo.officer.lc-so-y-te',
        'demo.auditor.lc-ubnd-tinh',
        'demo.inspector.lc-ubnd-tinh',
      ]) {
        const response = await get('/health/ready', as(token, '10.5.0.2'));
        expect(await response.json()).toEqual({ status: 'ok' });
      }
    });

    it('shows an operator each dependency', async () => {
      const response = await get('/health/ready', as('demo.operator.lc-ubnd-tinh', '10.5.0.3'));
      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        status: 'ok',
        checks: { database: { status: 'up', kind: 'embedded' } },
      });
    });

    it('gives an operator nothing else to read', async () => {
      const response = await get(
        '/agencies/lc-ubnd-tinh/outstanding',
        as('demo.operator.lc-ubnd-tinh', '10.5.0.3'),
      );
      expect(response.status).toBe(403);
    });
  });
});
