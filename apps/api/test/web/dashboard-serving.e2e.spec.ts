import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { startApi, type ApiHarness } from '../../../../test/support/api-harness.js';

/**
 * The API serves the built dashboard at / on its own port: the page and its hashed assets under
 * the same Content-Security-Policy, nothing else taken from the API (an unknown path is still
 * its problem+json 404), and the sign-in settings at /web/config.
 */
describe('the dashboard served by the API', () => {
  let api: ApiHarness;

  beforeAll(async () => {
    api = await startApi('pglite');
  });
  afterAll(() => api?.close());

  it('serves the page, never cached, and its hashed assets, cached for a year, under the CSP', async () => {
    const page = await fetch(`${api.url}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('cache-control')).toBe('no-cache');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    const html = await page.text();
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script: the CSP forbids it
    const assets = await readdir(join('dist', 'web', 'assets'));
    const script = assets.find((name) => name.endsWith('.js'))!;
    expect(html).toContain(`/assets/${script}`);
    const asset = await fetch(`${api.url}/assets/${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    // Read to the end: a response left unread keeps its connection busy, and closing the API
    // waits for it.
    expect((await asset.arrayBuffer()).byteLength).toBeGreaterThan(0);
  });

  it('leaves every other path to the API: an unknown one is its problem+json 404', async () => {
    const unknown = await fetch(`${api.url}/no-such-page`);
    expect(unknown.status).toBe(404);
    expect(unknown.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(await unknown.json()).toMatchObject({ status: 404 });
  });

  it('tells the sign-in page the demo users, without the operator, on the embedded default', async () => {
    const answer = await fetch(`${api.url}/web/config`);
    expect(answer.status).toBe(200);
    const config = (await answer.json()) as { auth: string; demoUsers: { token: string; role: string }[] };
    expect(config.auth).toBe('demo');
    expect(config.demoUsers).toContainEqual(
      expect.objectContaining({
        token: 'demo.officer.lc-so-ldtbxh',
        role: 'officer',
        agencyCode: 'lc-so-ldtbxh',
      }),
    );
    // The national auditor and inspector say so: the auditor's page shows them the ledger.
    expect(
      config.demoUsers
        .filter((user) => 'national' in user)
        .map((user) => user.token)
        .sort(),
    ).toEqual(['demo.auditor.national', 'demo.inspector.national']);
    expect(config.demoUsers.map((user) => user.role).sort()).not.toContain('operator');
    expect(new Set(config.demoUsers.map((user) => user.role))).toEqual(
      new Set(['officer', 'issuer', 'auditor', 'inspector']),
    );
  });
});
