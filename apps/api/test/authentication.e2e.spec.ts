import { createServer, type Server } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { loadConfig } from '#libs/platform';
import { createApiApplication } from '../src/bootstrap.js';

async function boot(env: Record<string, string>): Promise<{ app: INestApplication; url: string }> {
  const app = await createApiApplication(loadConfig({ LOG_LEVEL: 'silent', SEED_PLANS: 'false', ...env }));
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl() };
}

function acknowledge(url: string, token?: string): Promise<Response> {
  return fetch(`${url}/tasks/00000000-0000-4000-8000-000000000000/acknowledge`, {
    method: 'POST',
    // English details (the API answers in Vietnamese unless asked).
    headers: {
      'content-type': 'application/json',
      'accept-language': 'en',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: '{}',
  });
}

describe('authentication', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-auth-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  describe('on the embedded default (demo tokens)', () => {
    let app: INestApplication;
    let url: string;

    beforeAll(async () => {
      ({ app, url } = await boot({ DATA_DIR: dataDir }));
    });

    afterAll(async () => {
      await app.close();
    });

    it('refuses a request without a token with 401 and a Bearer challenge', async () => {
      const response = await acknowledge(url);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe('Bearer');
      expect(await response.json()).toMatchObject({ code: 'unauthenticated' });
    });

    it('refuses an unknown token', async () => {
      expect((await acknowledge(url, 'demo.officer.nowhere')).status).toBe(401);
    });

    it('accepts a demo officer token (the unknown task is then 404)', async () => {
      const response = await acknowledge(url, 'demo.officer.lc-so-y-te');
      expect(response.status).toBe(404);
      expect(await response.json()).toMatchObject({ code: 'task.not-found' });
    });

    it('leaves /health open', async () => {
      expect((await fetch(`${url}/health`)).status).toBe(200);
    });
  });

  describe('with an OpenID Connect issuer', () => {
    let app: INestApplication;
    let url: string;
    let jwks: Server;
    let issuer: string;
    let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

    beforeAll(async () => {
      const pair = await generateKeyPair('RS256');
      privateKey = pair.privateKey;
      const publicJwk: JWK = {
        ...(await exportJWK(pair.publicKey)),
        kid: 'test-key',
        alg: 'RS256',
        use: 'sig',
      };
      jwks = createServer((_request, response) => {
        response.setHeader('content-type', 'application/json');
        response.end(JSON.stringify({ keys: [publicJwk] }));
      });
      await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
      const address = jwks.address();
      if (!address || typeof address === 'string') throw new Error('no address');
      issuer = `http://127.0.0.1:${address.port}`;
      ({ app, url } = await boot({
        DATA_DIR: dataDir,
        OIDC_ISSUER: issuer,
        OIDC_JWKS_URL: `${issuer}/jwks`,
        OIDC_AUDIENCE: 'coord-api',
      }));
    });

    afterAll(async () => {
      await app.close();
      await new Promise((resolve) => jwks.close(resolve));
    });

    function token(claims: Record<string, unknown>, options: { issuer?: string; expiresIn?: string } = {}) {
      return new SignJWT({ agency: 'lc-so-y-te', roles: ['officer'], ...claims })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setSubject('officer-42')
        .setIssuer(options.issuer ?? issuer)
        .setAudience('coord-api')
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? '5m')
        .sign(privateKey);
    }

    it('accepts a token signed by the issuer', async () => {
      const response = await acknowledge(url, await token({}));
      expect(response.status).toBe(404);
    });

    it('refuses a token from another issuer', async () => {
      const response = await acknowledge(url, await token({}, { issuer: 'https://elsewhere.example' }));
      expect(response.status).toBe(401);
    });

    it('refuses an expired token', async () => {
      const response = await acknowledge(url, await token({}, { expiresIn: '-5m' }));
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", error_description="The token has expired"',
      );
    });

    it('refuses a token that lives longer than OIDC_MAX_TOKEN_LIFETIME (1 hour by default)', async () => {
      const response = await acknowledge(url, await token({}, { expiresIn: '2h' }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        code: 'unauthenticated',
        detail: 'The bearer token was not accepted: The token is valid for longer than the 3600 s accepted.',
      });
    });

    it('refuses a token without exp (issue #14)', async () => {
      const noExpiry = await new SignJWT({ agency: 'lc-so-y-te', roles: ['officer'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'test-key' })
        .setSubject('officer-42')
        .setIssuer(issuer)
        .setAudience('coord-api')
        .setIssuedAt()
        .sign(privateKey);
      const response = await acknowledge(url, noExpiry);
      expect(response.status).toBe(401);
      expect(response.headers.get('www-authenticate')).toBe(
        'Bearer error="invalid_token", error_description="The token has no expiry (exp)"',
      );
    });

    it('refuses a token that names no agency', async () => {
      const response = await acknowledge(url, await token({ agency: undefined }));
      expect(response.status).toBe(401);
      expect(await response.json()).toMatchObject({
        detail: 'The bearer token was not accepted: The token names no subject or no agency.',
      });
    });

    it('does not accept the demo tokens', async () => {
      expect((await acknowledge(url, 'demo.officer.lc-so-y-te')).status).toBe(401);
    });
  });
});
