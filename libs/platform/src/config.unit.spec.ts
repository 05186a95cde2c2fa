import { authenticationMode, ConfigError, loadConfig, trustedProxies } from './config.js';

describe('loadConfig', () => {
  it('accepts a test clock only under NODE_ENV=test, so production never runs on one', () => {
    expect(() => loadConfig({ COORD_TEST_CLOCK_FILE: '/tmp/now' })).toThrow(
      /COORD_TEST_CLOCK_FILE is for tests only/,
    );
    expect(() => loadConfig({ COORD_TEST_CLOCK_FILE: '/tmp/now', NODE_ENV: 'production' })).toThrow(
      ConfigError,
    );
    expect(loadConfig({ COORD_TEST_CLOCK_FILE: '/tmp/now', NODE_ENV: 'test' }).testClockFile).toBe(
      '/tmp/now',
    );
    expect(loadConfig({}).testClockFile).toBeUndefined();
  });

  it('accepts plain-HTTP loopback webhook endpoints outside production only', () => {
    expect(loadConfig({}).webhookAllowLoopbackHttp).toBe(false);
    expect(
      loadConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', NODE_ENV: 'test' }).webhookAllowLoopbackHttp,
    ).toBe(true);
    expect(() => loadConfig({ WEBHOOK_ALLOW_LOOPBACK_HTTP: 'true', NODE_ENV: 'production' })).toThrow(
      /WEBHOOK_ALLOW_LOOPBACK_HTTP is for tests and development/,
    );
    expect(() => loadConfig({ WEBHOOK_RETRY_BASE_MS: '5' })).toThrow(
      /WEBHOOK_RETRY_BASE_MS must be between 10/,
    );
  });

  it('takes SMTP_URL as an smtp:// URL', () => {
    expect(loadConfig({ SMTP_URL: 'smtp://mail.laichau.gov.vn:587' }).smtpUrl).toBe(
      'smtp://mail.laichau.gov.vn:587',
    );
    expect(() => loadConfig({ SMTP_URL: 'mail.laichau.gov.vn' })).toThrow(/SMTP_URL must be an smtp/);
  });

  it('uses the embedded defaults when nothing is set', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      dataDir: './data',
      databaseSchema: 'coord',
      logLevel: 'info',
    });
    expect(config.databaseUrl).toBeUndefined();
    expect(config.natsUrl).toBeUndefined();
  });

  it('reads the environment variables', () => {
    const config = loadConfig({
      PORT: '8080',
      DATA_DIR: '/var/lib/coord',
      DATABASE_URL: 'postgres://coord@db:5432/coord',
      NATS_URL: 'nats://nats-1:4222,nats://nats-2:4222',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      dataDir: '/var/lib/coord',
      databaseUrl: 'postgres://coord@db:5432/coord',
      natsUrl: 'nats://nats-1:4222,nats://nats-2:4222',
      logLevel: 'debug',
    });
  });

  it('keeps the events in PostgreSQL unless EVENT_STORE=kurrentdb, which needs KURRENTDB_URL', () => {
    expect(loadConfig({})).toMatchObject({ eventStore: 'postgres', kurrentdbStreamPrefix: 'coord-' });
    expect(
      loadConfig({
        EVENT_STORE: 'kurrentdb',
        KURRENTDB_URL: 'kurrentdb://kurrentdb:2113?tls=false',
        KURRENTDB_STREAM_PREFIX: 'lc-coord-',
      }),
    ).toMatchObject({
      eventStore: 'kurrentdb',
      kurrentdbUrl: 'kurrentdb://kurrentdb:2113?tls=false',
      kurrentdbStreamPrefix: 'lc-coord-',
    });
    expect(() => loadConfig({ EVENT_STORE: 'kurrentdb' })).toThrow(
      'KURRENTDB_URL is required with EVENT_STORE=kurrentdb',
    );
    expect(() => loadConfig({ EVENT_STORE: 'eventstore' })).toThrow(
      'EVENT_STORE must be one of postgres, kurrentdb',
    );
    expect(() => loadConfig({ EVENT_STORE: 'kurrentdb', KURRENTDB_URL: 'http://kurrentdb:2113' })).toThrow(
      'KURRENTDB_URL must look like kurrentdb://127.0.0.1:2113?tls=false',
    );
    expect(() => loadConfig({ KURRENTDB_STREAM_PREFIX: 'coord' })).toThrow('KURRENTDB_STREAM_PREFIX must be');
  });

  it('reads SEED_PLANS as a boolean, seeding by default', () => {
    expect(loadConfig({}).seedPlans).toBe(true);
    expect(loadConfig({ SEED_PLANS: 'false' }).seedPlans).toBe(false);
    expect(() => loadConfig({ SEED_PLANS: 'maybe' })).toThrow('SEED_PLANS must be true or false');
  });

  it('reads FEED_KEEPALIVE_SECONDS, 15 by default', () => {
    expect(loadConfig({}).feedKeepAliveSeconds).toBe(15);
    expect(loadConfig({ FEED_KEEPALIVE_SECONDS: '2' }).feedKeepAliveSeconds).toBe(2);
    expect(() => loadConfig({ FEED_KEEPALIVE_SECONDS: '0' })).toThrow(
      'FEED_KEEPALIVE_SECONDS must be between 1 and 300',
    );
  });

  it('reads NATS_STREAM_REPLICAS, 1 (a single server) by default', () => {
    expect(loadConfig({}).natsStreamReplicas).toBe(1);
    expect(loadConfig({ NATS_STREAM_REPLICAS: '3' }).natsStreamReplicas).toBe(3);
    expect(() => loadConfig({ NATS_STREAM_REPLICAS: '7' })).toThrow(
      'NATS_STREAM_REPLICAS must be between 1 and 5',
    );
    expect(() => loadConfig({ NATS_STREAM_REPLICAS: 'three' })).toThrow(
      'NATS_STREAM_REPLICAS must be a whole number',
    );
  });

  it('reads METRICS_PORT, 9464 by default and 0 for off', () => {
    expect(loadConfig({}).metricsPort).toBe(9464);
    expect(loadConfig({ METRICS_PORT: '0' }).metricsPort).toBe(0);
    expect(loadConfig({ METRICS_PORT: '9100' }).metricsPort).toBe(9100);
    expect(() => loadConfig({ METRICS_PORT: '-1' })).toThrow('METRICS_PORT must be a whole number');
    expect(() => loadConfig({ METRICS_PORT: '70000' })).toThrow(
      'METRICS_PORT must be between 0 (off) and 65535',
    );
  });

  it('listens on loopback unless HOST says otherwise', () => {
    expect(loadConfig({}).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '0.0.0.0' }).host).toBe('0.0.0.0');
    expect(() => loadConfig({ HOST: 'a b' })).toThrow('HOST must be an interface address or name');
  });

  it('reads the rate limits: 1200 per person and 120 per address without a valid token, per 60 s', () => {
    expect(loadConfig({})).toMatchObject({
      rateLimitPerPrincipal: 1200,
      rateLimitPerIp: 120,
      rateLimitWindowSeconds: 60,
    });
    expect(
      loadConfig({ RATE_LIMIT_PER_PRINCIPAL: '50', RATE_LIMIT_PER_IP: '5', RATE_LIMIT_WINDOW_SECONDS: '10' }),
    ).toMatchObject({ rateLimitPerPrincipal: 50, rateLimitPerIp: 5, rateLimitWindowSeconds: 10 });
    expect(() => loadConfig({ RATE_LIMIT_PER_IP: '0' })).toThrow('RATE_LIMIT_PER_IP must be between 1');
    expect(() => loadConfig({ RATE_LIMIT_PER_PRINCIPAL: 'lots' })).toThrow(
      'RATE_LIMIT_PER_PRINCIPAL must be a whole number',
    );
    expect(() => loadConfig({ RATE_LIMIT_WINDOW_SECONDS: '7200' })).toThrow(
      'RATE_LIMIT_WINDOW_SECONDS must be between 1 and 3600',
    );
  });

  it('reads TRUST_PROXY (no proxy by default) and HSTS (off by default)', () => {
    expect(trustedProxies(loadConfig({}))).toBe(false);
    expect(trustedProxies(loadConfig({ TRUST_PROXY: 'TRUE' }))).toBe(true);
    expect(trustedProxies(loadConfig({ TRUST_PROXY: '10.0.0.0/8, 127.0.0.1' }))).toBe(
      '10.0.0.0/8, 127.0.0.1',
    );
    const oneHop = trustedProxies(loadConfig({ TRUST_PROXY: '1' })) as (
      address: string,
      hop: number,
    ) => boolean;
    expect([oneHop('10.0.0.1', 0), oneHop('10.0.0.2', 1)]).toEqual([true, false]);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow('TRUST_PROXY must be false, true');
    expect(loadConfig({}).hsts).toBe(false);
    expect(loadConfig({ HSTS: 'true' }).hsts).toBe(true);
    expect(() => loadConfig({ HSTS: 'sometimes' })).toThrow('HSTS must be true or false');
  });

  it('reads OIDC_MAX_TOKEN_LIFETIME (1 hour) and OIDC_CLOCK_SKEW (60 s) in seconds, within bounds', () => {
    expect(loadConfig({})).toMatchObject({ oidcMaxTokenLifetime: 3600, oidcClockSkew: 60 });
    expect(loadConfig({ OIDC_MAX_TOKEN_LIFETIME: '900', OIDC_CLOCK_SKEW: '0' })).toMatchObject({
      oidcMaxTokenLifetime: 900,
      oidcClockSkew: 0,
    });
    expect(() => loadConfig({ OIDC_MAX_TOKEN_LIFETIME: '30' })).toThrow(
      'OIDC_MAX_TOKEN_LIFETIME must be between 60 and 86400 seconds',
    );
    expect(() => loadConfig({ OIDC_MAX_TOKEN_LIFETIME: '2d' })).toThrow(
      'OIDC_MAX_TOKEN_LIFETIME must be a whole number of seconds',
    );
    expect(() => loadConfig({ OIDC_CLOCK_SKEW: '301' })).toThrow(
      'OIDC_CLOCK_SKEW must be between 0 and 300 seconds',
    );
  });

  describe('authenticationMode', () => {
    const oidc = { OIDC_ISSUER: 'https://id.example.vn', OIDC_JWKS_URL: 'https://id.example.vn/jwks' };
    const database = { DATABASE_URL: 'postgres://coord@db:5432/coord' };

    it('accepts the demo tokens on the embedded default', () => {
      expect(authenticationMode(loadConfig({}))).toBe('demo');
    });

    it('verifies OIDC tokens once an issuer is configured', () => {
      expect(authenticationMode(loadConfig({ ...oidc, ...database }))).toBe('oidc');
      expect(authenticationMode(loadConfig(oidc))).toBe('oidc');
    });

    it('refuses to run a PostgreSQL deployment on the public demo tokens unless asked to', () => {
      expect(() => authenticationMode(loadConfig(database))).toThrow(
        'OIDC_ISSUER and OIDC_JWKS_URL are required with DATABASE_URL',
      );
      expect(authenticationMode(loadConfig({ ...database, DEMO_TOKENS: 'true' }))).toBe('demo');
    });

    it('refuses DEMO_TOKENS=true together with an OIDC issuer, and values other than true or false', () => {
      expect(() => loadConfig({ ...oidc, DEMO_TOKENS: 'true' })).toThrow(
        'cannot be combined with OIDC_ISSUER',
      );
      expect(() => loadConfig({ DEMO_TOKENS: 'sometimes' })).toThrow('DEMO_TOKENS must be true or false');
    });
  });

  describe('when values are wrong', () => {
    it('lists every problem with the variable name and the value given', () => {
      let error: unknown;
      try {
        loadConfig({ PORT: 'eighty', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud' });
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ConfigError);
      const problems = (error as ConfigError).problems.join('\n');
      expect(problems).toContain('PORT must be a whole number (PORT="eighty")');
      expect(problems).toContain('DATABASE_URL must look like postgres://');
      expect(problems).toContain('LOG_LEVEL must be one of');
    });

    it('refuses a port out of range', () => {
      expect(() => loadConfig({ PORT: '70000' })).toThrow('PORT must be between 1 and 65535');
    });
  });
});
