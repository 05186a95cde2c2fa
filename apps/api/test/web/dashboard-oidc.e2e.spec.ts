import type { Server } from 'node:http';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { startApi, type ApiHarness } from '../../../../test/support/api-harness.js';
import {
  launchChromium,
  seriousAccessibilityViolations,
  until,
  type TestBrowser,
} from '../../../../test/support/browser.js';
import { freePort } from '../../../../test/support/processes.js';

/**
 * Signing in to the dashboard with OIDC: the authorization code flow with PKCE against a local
 * OpenID provider (oidc-provider, its development sign-in and consent pages), which issues JWT
 * access tokens for the API with the agency and roles claims. The API verifies them by the
 * provider's JWKS, as in production.
 */
// Functions given to page.evaluate run in the browser; the tests compile without the DOM types.
declare const sessionStorage: any;

const AUDIENCE = 'urn:coord:api';
const AGENCY = 'lc-so-ldtbxh';

describe('the dashboard with an OIDC issuer', () => {
  let api: ApiHarness;
  let chromium: TestBrowser;
  let server: Server;

  beforeAll(async () => {
    const port = await freePort();
    const issuer = `http://127.0.0.1:${port}`;
    api = await startApi('pglite', {
      OIDC_ISSUER: issuer,
      OIDC_JWKS_URL: `${issuer}/jwks`,
      OIDC_AUDIENCE: AUDIENCE,
      OIDC_CLIENT_ID: 'coord-dashboard',
      OIDC_SCOPE: 'openid api',
    });
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(issuer, {
      clients: [
        {
          client_id: 'coord-dashboard',
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${api.url}/`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      jwks: { keys: [{ ...(await exportJWK(privateKey)), alg: 'RS256', use: 'sig', kid: 'test' }] },
      features: {
        resourceIndicators: {
          enabled: true,
          defaultResource: () => AUDIENCE,
          useGrantedResource: () => true,
          getResourceServerInfo: () => ({
            scope: 'api',
            audience: AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
      findAccount: (_ctx: unknown, sub: string) => ({ accountId: sub, claims: () => ({ sub }) }),
      extraTokenClaims: () => ({ agency: AGENCY, roles: ['officer'], name: 'Sở LĐTBXH' }),
    });
    server = provider.listen(port, '127.0.0.1');
    chromium = await launchChromium();
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    await api?.close();
  });

  it('signs an officer in with the authorization code and PKCE, and the API accepts the token', async () => {
    const context = await chromium.browser.newContext({ viewport: { width: 1366, height: 768 } });
    try {
      const page = await context.newPage();
      await page.goto(api.url);
      // No demo users with an issuer configured: only the issuer's sign-in.
      const signIn = page.getByRole('button', { name: 'Đăng nhập qua cổng định danh' });
      await signIn.waitFor();
      expect(await page.locator('#demo-user').count()).toBe(0);
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await signIn.click();
      // The provider's development pages: any name and password, then consent.
      await page.locator('input[name=login]').fill('officer-1');
      await page.locator('input[name=password]').fill('any');
      await page.locator('button[type=submit]').click();
      await page.locator('button[type=submit]').click();
      await page.waitForURL(`${api.url}/#/inbox`, { timeout: 30_000 });
      expect(page.url()).not.toContain('code=');
      expect(await page.getByTestId('who').innerText()).toBe('Cán bộ · Sở LĐTBXH');
      // The API accepted the access token: the inbox loaded and the live feed is connected.
      await until(
        () => page.getByText('Không có nhiệm vụ nào.').count(),
        (v) => v === 1,
      );
      await until(
        () => page.getByTestId('live').getAttribute('class'),
        (v) => v === 'live on',
      );
      const token = await page.evaluate(() => JSON.parse(sessionStorage.getItem('coord.session')).token);
      const outstanding = await api.request('GET', `/agencies/${AGENCY}/outstanding`, token);
      expect(outstanding.status).toBe(200);
      expect((await api.request('GET', `/agencies/lc-so-y-te/outstanding`, token)).status).toBe(403);
    } finally {
      await context.close();
    }
  }, 120_000);
});
