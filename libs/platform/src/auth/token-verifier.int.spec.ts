import { jest } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { AuthenticationError } from './principal.js';
import { OidcTokenVerifier } from './token-verifier.js';

describe('OidcTokenVerifier', () => {
  let jwks: Server;
  let issuer: string;
  let keyRequests = 0;
  let privateKey: Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const publicJwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' };
    jwks = createServer((_request, response) => {
      keyRequests++;
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [publicJwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const address = jwks.address();
    if (!address || typeof address === 'string') throw new Error('no address');
    issuer = `http://127.0.0.1:${address.port}`;
  });

  afterAll(async () => {
    await new Promise((resolve) => jwks.close(resolve));
  });

  const sign = (expiresAt: number) =>
    new SignJWT({ agency: 'lc-so-y-te', roles: ['officer'] })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('officer-42')
      .setIssuer(issuer)
      .setExpirationTime(Math.floor(expiresAt / 1000))
      .sign(privateKey);

  it('accepts a verified token again without checking it, but not after a minute or its expiry', async () => {
    let now = Date.now();
    // No clock skew here: the point is the cache, not the tolerance.
    const verifier = new OidcTokenVerifier(
      { issuer, jwksUrl: `${issuer}/jwks`, clockSkewSeconds: 0 },
      () => now,
    );
    const shortLived = await sign(now + 90_000);
    const principal = { personId: 'officer-42', agencyCode: 'lc-so-y-te', roles: ['officer'] };

    expect(await verifier.verify(shortLived)).toEqual(principal);
    const check = jest.spyOn(verifier as unknown as { check: () => unknown }, 'check');
    expect(await verifier.verify(shortLived)).toEqual(principal);
    expect(check).not.toHaveBeenCalled();

    now += 61_000; // past the minute: checked again (the token itself is still valid)
    expect(await verifier.verify(shortLived)).toEqual(principal);
    expect(check).toHaveBeenCalledTimes(1);

    now += 59_000; // within the minute, but the token has expired: checked, and refused
    await expect(verifier.verify(shortLived)).rejects.toBeInstanceOf(AuthenticationError);
    expect(check).toHaveBeenCalledTimes(2);
    expect(keyRequests).toBe(1);
  });

  it('never remembers a token that failed', async () => {
    const verifier = new OidcTokenVerifier({ issuer, jwksUrl: `${issuer}/jwks` });
    const forged = `${(await sign(Date.now() + 60_000)).slice(0, -4)}AAAA`;
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(AuthenticationError);
    await expect(verifier.verify(forged)).rejects.toBeInstanceOf(AuthenticationError);
  });

  it('reads the committee a focal-point issuer decides for from the issues_for claim', async () => {
    const verifier = new OidcTokenVerifier({ issuer, jwksUrl: `${issuer}/jwks` });
    const token = await new SignJWT({
      agency: 'lc-so-ldtbxh',
      roles: 'officer issuer',
      issues_for: 'lc-ubnd-tinh',
    })
      .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
      .setSubject('focal-7')
      .setIssuer(issuer)
      .setExpirationTime(Math.floor(Date.now() / 1000) + 60)
      .sign(privateKey);
    expect(await verifier.verify(token)).toEqual({
      personId: 'focal-7',
      agencyCode: 'lc-so-ldtbxh',
      roles: ['officer', 'issuer'],
      issuesFor: 'lc-ubnd-tinh',
    });
  });

  describe('bounds how long a token lives (issue #14)', () => {
    const officer = () =>
      new SignJWT({ agency: 'lc-so-y-te', roles: ['officer'] })
        .setProtectedHeader({ alg: 'RS256', kid: 'k1' })
        .setSubject('officer-42')
        .setIssuer(issuer);
    const seconds = (ms: number) => Math.floor(ms / 1000);

    async function refusal(verifier: OidcTokenVerifier, token: string): Promise<string> {
      const error = await verifier.verify(token).then(
        () => null,
        (caught: unknown) => caught,
      );
      expect(error).toBeInstanceOf(AuthenticationError);
      return (error as Error).message;
    }

    it('refuses a token without exp, however fresh', async () => {
      const verifier = new OidcTokenVerifier({ issuer, jwksUrl: `${issuer}/jwks` });
      const token = await officer().setIssuedAt().sign(privateKey);
      expect(await refusal(verifier, token)).toBe('The token has no expiry (exp)');
    });

    it('refuses a token issued in the future beyond the clock skew, and accepts one within it', async () => {
      const now = Date.now();
      const verifier = new OidcTokenVerifier(
        { issuer, jwksUrl: `${issuer}/jwks`, clockSkewSeconds: 60 },
        () => now,
      );
      const nextYear = seconds(now) + 365 * 86_400;
      const fromNextYear = await officer()
        .setIssuedAt(nextYear)
        .setExpirationTime(nextYear + 600)
        .sign(privateKey);
      expect(await refusal(verifier, fromNextYear)).toBe('The token was issued in the future');
      const slightlyAhead = await officer()
        .setIssuedAt(seconds(now) + 30)
        .setExpirationTime(seconds(now) + 630)
        .sign(privateKey);
      expect(await verifier.verify(slightlyAhead)).toMatchObject({ personId: 'officer-42' });
    });

    it('refuses a token whose lifetime (exp - iat, or exp - now without iat) exceeds the maximum', async () => {
      const now = Date.now();
      const verifier = new OidcTokenVerifier(
        { issuer, jwksUrl: `${issuer}/jwks`, maxLifetimeSeconds: 3600 },
        () => now,
      );
      const issuedAt = seconds(now) - 60;
      const day = await officer()
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + 86_400)
        .sign(privateKey);
      expect(await refusal(verifier, day)).toBe('The token is valid for longer than the 3600 s accepted');
      const noIat = await officer()
        .setExpirationTime(seconds(now) + 7200)
        .sign(privateKey);
      expect(await refusal(verifier, noIat)).toBe('The token is valid for longer than the 3600 s accepted');

      const hour = await officer()
        .setIssuedAt(issuedAt)
        .setExpirationTime(issuedAt + 3600)
        .sign(privateKey);
      expect(await verifier.verify(hour)).toMatchObject({ personId: 'officer-42' });
      const hourNoIat = await officer()
        .setExpirationTime(seconds(now) + 3600)
        .sign(privateKey);
      expect(await verifier.verify(hourNoIat)).toMatchObject({ personId: 'officer-42' });
    });

    it('says which rule a refused token broke, never the verifier internals', async () => {
      const verifier = new OidcTokenVerifier({ issuer, jwksUrl: `${issuer}/jwks` });
      const expired = await officer()
        .setIssuedAt(seconds(Date.now()) - 600)
        .setExpirationTime(seconds(Date.now()) - 300)
        .sign(privateKey);
      expect(await refusal(verifier, expired)).toBe('The token has expired');
      const forged = `${(await sign(Date.now() + 60_000)).slice(0, -4)}AAAA`;
      expect(await refusal(verifier, forged)).toBe('The token could not be verified');
      expect(await refusal(verifier, 'not-a-jwt')).toBe('The token could not be verified');
    });
  });
});
