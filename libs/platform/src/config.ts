import { plainToInstance } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  Matches,
  Max,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const EVENT_STORES = ['postgres', 'kurrentdb'] as const;
export type EventStoreKind = (typeof EVENT_STORES)[number];

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/**
 * The service's configuration, read from environment variables once at start-up.
 * Every value has a sensible default except the ones that point at other services.
 */
export class AppConfig {
  /** PORT: the HTTP port of the API. */
  @IsInt({ message: 'PORT must be a whole number' })
  @Min(1, { message: 'PORT must be between 1 and 65535' })
  @Max(65535, { message: 'PORT must be between 1 and 65535' })
  port = 3000;

  /**
   * HOST: the interface the API listens on. The embedded default (demo tokens, a private
   * database) is for this machine only, so it listens on loopback; a container sets 0.0.0.0.
   */
  @Matches(/^[0-9A-Za-z.:_-]{1,253}$/, {
    message: 'HOST must be an interface address or name, e.g. 0.0.0.0 or 127.0.0.1',
  })
  host = '127.0.0.1';

  /**
   * TRUST_PROXY: which proxies may set X-Forwarded-For and X-Forwarded-Proto (the client's address
   * for the per-IP limit, https for HSTS): `false` (none), `true` (any), a number of hops, or
   * comma-separated addresses and CIDR ranges.
   */
  @Matches(/^(false|true|\d{1,2}|[0-9A-Fa-f.:/]+(,\s*[0-9A-Fa-f.:/]+)*)$/, {
    message:
      'TRUST_PROXY must be false, true, a number of hops, or addresses/CIDR ranges separated by commas',
  })
  trustProxy = 'false';

  /** HSTS: send Strict-Transport-Security on every answer (TLS ends before the API but the proxy does not say so). */
  @IsBoolean({ message: 'HSTS must be true or false' })
  hsts = false;

  /** RATE_LIMIT_PER_PRINCIPAL: requests one authenticated person may send per window. */
  @IsInt({ message: 'RATE_LIMIT_PER_PRINCIPAL must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_PER_PRINCIPAL must be between 1 and 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_PER_PRINCIPAL must be between 1 and 1000000' })
  rateLimitPerPrincipal = 1200;

  /** RATE_LIMIT_PER_IP: requests without a valid token (none, or a refused one) one address may send per window. */
  @IsInt({ message: 'RATE_LIMIT_PER_IP must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_PER_IP must be between 1 and 1000000' })
  @Max(1_000_000, { message: 'RATE_LIMIT_PER_IP must be between 1 and 1000000' })
  rateLimitPerIp = 120;

  /** RATE_LIMIT_WINDOW_SECONDS: the window both limits count over. */
  @IsInt({ message: 'RATE_LIMIT_WINDOW_SECONDS must be a whole number' })
  @Min(1, { message: 'RATE_LIMIT_WINDOW_SECONDS must be between 1 and 3600' })
  @Max(3600, { message: 'RATE_LIMIT_WINDOW_SECONDS must be between 1 and 3600' })
  rateLimitWindowSeconds = 60;

  /** DATA_DIR: where the embedded database keeps its files when DATABASE_URL is not set. */
  @IsString()
  @MinLength(1, { message: 'DATA_DIR must not be empty' })
  dataDir = './data';

  /** DATABASE_URL: a PostgreSQL server; without it the embedded database is used. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, {
    message: 'DATABASE_URL must look like postgres://user@host:5432/database',
  })
  databaseUrl?: string;

  /** DATABASE_SCHEMA: the schema holding the event store and the projections. */
  @Matches(/^[a-z_][a-z0-9_]{0,62}$/, { message: 'DATABASE_SCHEMA must be a lowercase identifier' })
  databaseSchema = 'coord';

  /**
   * EVENT_STORE: where the events are kept. `postgres`: in DATABASE_URL (or the embedded
   * database); `kurrentdb`: in the KurrentDB server at KURRENTDB_URL, with projections, checkpoints,
   * idempotency keys and drafts still in PostgreSQL (docs/adr/0024-kurrentdb-event-store.md).
   */
  @IsIn(EVENT_STORES, { message: `EVENT_STORE must be one of ${EVENT_STORES.join(', ')}` })
  eventStore: EventStoreKind = 'postgres';

  /** KURRENTDB_URL: the KurrentDB connection string (required with EVENT_STORE=kurrentdb). */
  @IsOptional()
  @Matches(/^(kurrentdb|kurrent|kdb|esdb)(\+discover)?:\/\/\S+$/, {
    message: 'KURRENTDB_URL must look like kurrentdb://127.0.0.1:2113?tls=false',
  })
  kurrentdbUrl?: string;

  /** KURRENTDB_STREAM_PREFIX: prefix of this service's stream names in KurrentDB. */
  @Matches(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,62}[-_.]$/, {
    message: 'KURRENTDB_STREAM_PREFIX must be letters, digits, _ . - ending in -, _ or . (e.g. coord-)',
  })
  kurrentdbStreamPrefix = 'coord-';

  /** NATS_URL: NATS servers (comma-separated); without it notifications stay in-process. */
  @IsOptional()
  @Matches(/^(nats|tls|ws|wss):\/\/[^,\s]+(,(nats|tls|ws|wss):\/\/[^,\s]+)*$/, {
    message: 'NATS_URL must look like nats://127.0.0.1:4222 (several servers separated by commas)',
  })
  natsUrl?: string;

  /** NATS_USER: the service's NATS user (publishes the agency stream); unset: connect without one. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_.-]{1,64}$/, { message: 'NATS_USER must be a user name (letters, digits, _ . -)' })
  natsUser?: string;

  /** NATS_PASSWORD: that user's password (required with NATS_USER). */
  @IsOptional()
  @IsString()
  natsPassword?: string;

  /** NATS_STREAM_REPLICAS: copies of the agency stream a JetStream cluster keeps (3 in a cluster). */
  @IsInt({ message: 'NATS_STREAM_REPLICAS must be a whole number' })
  @Min(1, { message: 'NATS_STREAM_REPLICAS must be between 1 and 5' })
  @Max(5, { message: 'NATS_STREAM_REPLICAS must be between 1 and 5' })
  natsStreamReplicas = 1;

  /** OIDC_ISSUER: the OpenID Connect issuer whose JWTs are accepted; unset means demo tokens. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_ISSUER must be an http(s) URL' })
  oidcIssuer?: string;

  /** OIDC_JWKS_URL: where the issuer publishes its signing keys. */
  @IsOptional()
  @Matches(/^https?:\/\/\S+$/, { message: 'OIDC_JWKS_URL must be an http(s) URL' })
  oidcJwksUrl?: string;

  /** OIDC_AUDIENCE: the audience the tokens must name, if any. */
  @IsOptional()
  @IsString()
  oidcAudience?: string;

  /** OIDC_MAX_TOKEN_LIFETIME: the longest a token may be valid, in seconds (`exp - iat`). */
  @IsInt({ message: 'OIDC_MAX_TOKEN_LIFETIME must be a whole number of seconds' })
  @Min(60, { message: 'OIDC_MAX_TOKEN_LIFETIME must be between 60 and 86400 seconds' })
  @Max(86_400, { message: 'OIDC_MAX_TOKEN_LIFETIME must be between 60 and 86400 seconds' })
  oidcMaxTokenLifetime = 3600;

  /** OIDC_CLOCK_SKEW: how far the issuer's clock may be off ours, in seconds (exp, nbf, iat). */
  @IsInt({ message: 'OIDC_CLOCK_SKEW must be a whole number of seconds' })
  @Min(0, { message: 'OIDC_CLOCK_SKEW must be between 0 and 300 seconds' })
  @Max(300, { message: 'OIDC_CLOCK_SKEW must be between 0 and 300 seconds' })
  oidcClockSkew = 60;

  /** OIDC_CLIENT_ID: the dashboard's public client at the issuer (authorization code with PKCE). */
  @Matches(/^[\x21-\x7e]{1,200}$/, { message: 'OIDC_CLIENT_ID must be 1 to 200 visible ASCII characters' })
  oidcClientId = 'coord-dashboard';

  /** OIDC_SCOPE: the scopes the dashboard asks the issuer for. */
  @Matches(/^[\x21-\x7e]+( [\x21-\x7e]+)*$/, { message: 'OIDC_SCOPE must be scopes separated by spaces' })
  oidcScope = 'openid';

  /**
   * DEMO_TOKENS: accept the public demo tokens. Unset: only on the embedded default (no
   * DATABASE_URL) while no OIDC_ISSUER is configured; a PostgreSQL deployment must opt in.
   */
  @IsOptional()
  @IsBoolean({ message: 'DEMO_TOKENS must be true or false' })
  demoTokens?: boolean;

  /** SEED_PLANS: import the seed plans on the first start of the embedded database. */
  @IsBoolean({ message: 'SEED_PLANS must be true or false' })
  seedPlans = true;

  /**
   * READ_AUDIT: record every audited read before answering it (default true). `false` is for
   * measuring its cost only (npm run bench:timetravel): reads are then served unrecorded.
   */
  @IsBoolean({ message: 'READ_AUDIT must be true or false' })
  readAudit = true;

  /**
   * V8_PRETENURING: leave V8's allocation-site pretenuring on (default false: the API and the
   * worker turn it off as they start, docs/adr/0047). For comparing, or should a later V8 need it.
   */
  @IsBoolean({ message: 'V8_PRETENURING must be true or false' })
  v8Pretenuring = false;

  /** FEED_KEEPALIVE_SECONDS: how often an idle agency feed (SSE) sends a keep-alive comment. */
  @IsInt({ message: 'FEED_KEEPALIVE_SECONDS must be a whole number' })
  @Min(1, { message: 'FEED_KEEPALIVE_SECONDS must be between 1 and 300' })
  @Max(300, { message: 'FEED_KEEPALIVE_SECONDS must be between 1 and 300' })
  feedKeepAliveSeconds = 15;

  /**
   * METRICS_PORT: the worker's operations port (/metrics, /health/live, /health/ready); 0 turns
   * it off. The API serves the same paths on PORT.
   */
  @IsInt({ message: 'METRICS_PORT must be a whole number' })
  @Min(0, { message: 'METRICS_PORT must be between 0 (off) and 65535' })
  @Max(65535, { message: 'METRICS_PORT must be between 0 (off) and 65535' })
  metricsPort = 9464;

  /**
   * LEDGER_SIGNING_KEY: the ledger's Ed25519 signing key (`PRIVATE+KEY+origin+id+key`, from
   * `coord ledger keygen`); or LEDGER_SIGNING_KEY_FILE, a file holding it. Never in the database.
   */
  @IsOptional()
  @Matches(/^PRIVATE\+KEY\+\S+$/, { message: 'LEDGER_SIGNING_KEY must be a key from coord ledger keygen' })
  ledgerSigningKey?: string;

  @IsOptional()
  @IsString()
  @MinLength(1)
  ledgerSigningKeyFile?: string;

  /** LEDGER_PREVIOUS_KEYS: verifier keys the ledger signed with before a rotation, comma-separated. */
  @IsOptional()
  @IsString()
  ledgerPreviousKeys?: string;

  /** LEDGER_WITNESS_KEYS: witnesses' cosignature verifier keys (C2SP tlog-cosignature), comma-separated. */
  @IsOptional()
  @IsString()
  ledgerWitnessKeys?: string;

  /** LEDGER_CHECKPOINT_SECONDS: the longest time between two signed checkpoints while the log grows. */
  @IsInt({ message: 'LEDGER_CHECKPOINT_SECONDS must be a whole number' })
  @Min(1, { message: 'LEDGER_CHECKPOINT_SECONDS must be between 1 and 3600' })
  @Max(3600, { message: 'LEDGER_CHECKPOINT_SECONDS must be between 1 and 3600' })
  ledgerCheckpointSeconds = 10;

  /**
   * COORD_TEST_CLOCK_FILE: tests only. A file holding an ISO instant that the processes take as
   * "now" (commands, deadline timers), so a test can move time across a deadline. Refused unless
   * NODE_ENV=test: a production process never runs on a fake clock.
   */
  @IsOptional()
  @IsString()
  testClockFile?: string;

  /** SMTP_URL: where deadline notices are e-mailed from (smtp://user:pass@host:port); unset: no e-mail. */
  @IsOptional()
  @Matches(/^smtps?:\/\/\S+$/, { message: 'SMTP_URL must be an smtp:// or smtps:// URL' })
  smtpUrl?: string;

  /** SMTP_FROM: the sender of deadline e-mails. */
  @IsString()
  smtpFrom = 'coord@localhost';

  /** AGENCY_EMAILS_FILE: a JSON object from agency code to the address its deadline notices go to. */
  @IsOptional()
  @IsString()
  agencyEmailsFile?: string;

  /**
   * WEBHOOK_ALLOW_LOOPBACK_HTTP: let agencies register http:// endpoints on 127.0.0.1 or localhost
   * (tests, development). Refused with NODE_ENV=production; everywhere else endpoints are https://.
   */
  @IsBoolean({ message: 'WEBHOOK_ALLOW_LOOPBACK_HTTP must be true or false' })
  webhookAllowLoopbackHttp = false;

  /** WEBHOOK_RETRY_BASE_MS: the wait after a webhook delivery's first failure, doubled after each. */
  @IsInt({ message: 'WEBHOOK_RETRY_BASE_MS must be a whole number' })
  @Min(10, { message: 'WEBHOOK_RETRY_BASE_MS must be between 10 and 3600000' })
  @Max(3_600_000, { message: 'WEBHOOK_RETRY_BASE_MS must be between 10 and 3600000' })
  webhookRetryBaseMs = 5_000;

  /** WEBHOOK_RETRY_CAP_MS: the longest wait between two attempts of a delivery. */
  @IsInt({ message: 'WEBHOOK_RETRY_CAP_MS must be a whole number' })
  @Min(10, { message: 'WEBHOOK_RETRY_CAP_MS must be between 10 and 86400000' })
  @Max(86_400_000, { message: 'WEBHOOK_RETRY_CAP_MS must be between 10 and 86400000' })
  webhookRetryCapMs = 3_600_000;

  /** WEBHOOK_MAX_ATTEMPTS: attempts of a delivery before it goes to the dead-letter list. */
  @IsInt({ message: 'WEBHOOK_MAX_ATTEMPTS must be a whole number' })
  @Min(1, { message: 'WEBHOOK_MAX_ATTEMPTS must be between 1 and 1000' })
  @Max(1_000, { message: 'WEBHOOK_MAX_ATTEMPTS must be between 1 and 1000' })
  webhookMaxAttempts = 30;

  /** WEBHOOK_TIMEOUT_MS: how long an endpoint has to answer a delivery. */
  @IsInt({ message: 'WEBHOOK_TIMEOUT_MS must be a whole number' })
  @Min(100, { message: 'WEBHOOK_TIMEOUT_MS must be between 100 and 60000' })
  @Max(60_000, { message: 'WEBHOOK_TIMEOUT_MS must be between 100 and 60000' })
  webhookTimeoutMs = 10_000;

  /** LOG_LEVEL: pino level. */
  @IsIn(LOG_LEVELS, { message: `LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}` })
  logLevel: LogLevel = 'info';
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const ENV_NAMES: Record<keyof AppConfig, string> = {
  port: 'PORT',
  host: 'HOST',
  trustProxy: 'TRUST_PROXY',
  hsts: 'HSTS',
  rateLimitPerPrincipal: 'RATE_LIMIT_PER_PRINCIPAL',
  rateLimitPerIp: 'RATE_LIMIT_PER_IP',
  rateLimitWindowSeconds: 'RATE_LIMIT_WINDOW_SECONDS',
  dataDir: 'DATA_DIR',
  databaseUrl: 'DATABASE_URL',
  databaseSchema: 'DATABASE_SCHEMA',
  eventStore: 'EVENT_STORE',
  kurrentdbUrl: 'KURRENTDB_URL',
  kurrentdbStreamPrefix: 'KURRENTDB_STREAM_PREFIX',
  natsUrl: 'NATS_URL',
  natsStreamReplicas: 'NATS_STREAM_REPLICAS',
  natsUser: 'NATS_USER',
  natsPassword: 'NATS_PASSWORD',
  logLevel: 'LOG_LEVEL',
  oidcIssuer: 'OIDC_ISSUER',
  oidcJwksUrl: 'OIDC_JWKS_URL',
  oidcAudience: 'OIDC_AUDIENCE',
  oidcMaxTokenLifetime: 'OIDC_MAX_TOKEN_LIFETIME',
  oidcClockSkew: 'OIDC_CLOCK_SKEW',
  oidcClientId: 'OIDC_CLIENT_ID',
  oidcScope: 'OIDC_SCOPE',
  seedPlans: 'SEED_PLANS',
  readAudit: 'READ_AUDIT',
  v8Pretenuring: 'V8_PRETENURING',
  demoTokens: 'DEMO_TOKENS',
  feedKeepAliveSeconds: 'FEED_KEEPALIVE_SECONDS',
  metricsPort: 'METRICS_PORT',
  ledgerSigningKey: 'LEDGER_SIGNING_KEY',
  ledgerSigningKeyFile: 'LEDGER_SIGNING_KEY_FILE',
  ledgerPreviousKeys: 'LEDGER_PREVIOUS_KEYS',
  ledgerWitnessKeys: 'LEDGER_WITNESS_KEYS',
  ledgerCheckpointSeconds: 'LEDGER_CHECKPOINT_SECONDS',
  testClockFile: 'COORD_TEST_CLOCK_FILE',
  smtpUrl: 'SMTP_URL',
  smtpFrom: 'SMTP_FROM',
  agencyEmailsFile: 'AGENCY_EMAILS_FILE',
  webhookAllowLoopbackHttp: 'WEBHOOK_ALLOW_LOOPBACK_HTTP',
  webhookRetryBaseMs: 'WEBHOOK_RETRY_BASE_MS',
  webhookRetryCapMs: 'WEBHOOK_RETRY_CAP_MS',
  webhookMaxAttempts: 'WEBHOOK_MAX_ATTEMPTS',
  webhookTimeoutMs: 'WEBHOOK_TIMEOUT_MS',
};

/** Variables read as whole numbers (anything else is passed on for the validator to name). */
const INTEGERS = new Set<string>([
  'port',
  'feedKeepAliveSeconds',
  'natsStreamReplicas',
  'metricsPort',
  'oidcMaxTokenLifetime',
  'oidcClockSkew',
  'rateLimitPerPrincipal',
  'rateLimitPerIp',
  'rateLimitWindowSeconds',
  'ledgerCheckpointSeconds',
  'webhookRetryBaseMs',
  'webhookRetryCapMs',
  'webhookMaxAttempts',
  'webhookTimeoutMs',
]);

const BOOLEAN_KEYS = new Set<string>([
  'seedPlans',
  'demoTokens',
  'hsts',
  'readAudit',
  'v8Pretenuring',
  'webhookAllowLoopbackHttp',
]);

const BOOLEANS: Record<string, boolean> = {
  true: true,
  '1': true,
  yes: true,
  false: false,
  '0': false,
  no: false,
};

/** Reads and validates the configuration; throws a ConfigError that lists every problem. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const raw: Record<string, unknown> = {};
  for (const [key, name] of Object.entries(ENV_NAMES)) {
    const value = env[name]?.trim();
    if (value === undefined || value === '') continue;
    if (INTEGERS.has(key)) raw[key] = /^\d+$/.test(value) ? Number(value) : value;
    else if (BOOLEAN_KEYS.has(key)) raw[key] = BOOLEANS[value.toLowerCase()] ?? value;
    else if (key === 'trustProxy') raw[key] = value.toLowerCase();
    else raw[key] = value;
  }
  const config = plainToInstance(AppConfig, raw);
  const errors = validateSync(config, { forbidUnknownValues: true });
  const problems = errors.flatMap((error) => {
    const name = ENV_NAMES[error.property as keyof AppConfig] ?? error.property;
    return Object.values(error.constraints ?? {}).map(
      // A password is never repeated, not even in an error.
      (message) =>
        `${message} (${name}=${name === 'NATS_PASSWORD' || name === 'LEDGER_SIGNING_KEY' ? '…' : JSON.stringify(error.value)})`,
    );
  });
  if (Boolean(config.natsUser) !== Boolean(config.natsPassword)) {
    problems.push('NATS_USER and NATS_PASSWORD go together: set both, or neither');
  }
  if (config.eventStore === 'kurrentdb' && !config.kurrentdbUrl) {
    problems.push('KURRENTDB_URL is required with EVENT_STORE=kurrentdb');
  }
  if (config.oidcIssuer && !config.oidcJwksUrl) {
    problems.push('OIDC_JWKS_URL is required when OIDC_ISSUER is set');
  }
  if (config.oidcIssuer && config.demoTokens === true) {
    problems.push('DEMO_TOKENS=true cannot be combined with OIDC_ISSUER: the API accepts one kind of token');
  }
  if (config.ledgerSigningKey && config.ledgerSigningKeyFile) {
    problems.push('LEDGER_SIGNING_KEY and LEDGER_SIGNING_KEY_FILE: set one of them, not both');
  }
  if (config.testClockFile && env.NODE_ENV !== 'test') {
    problems.push('COORD_TEST_CLOCK_FILE is for tests only: it is refused unless NODE_ENV=test');
  }
  if (config.webhookAllowLoopbackHttp && env.NODE_ENV === 'production') {
    problems.push(
      'WEBHOOK_ALLOW_LOOPBACK_HTTP is for tests and development: it is refused with NODE_ENV=production',
    );
  }
  if (problems.length > 0) throw new ConfigError([...new Set(problems)]);
  return config;
}

/**
 * How the API authenticates: OIDC when an issuer is configured, else the public demo tokens, which
 * a PostgreSQL deployment (DATABASE_URL) must ask for with DEMO_TOKENS=true. Only the API calls
 * this; the worker and the CLI authenticate nobody.
 */
export function authenticationMode(config: AppConfig): 'oidc' | 'demo' {
  if (config.oidcIssuer) return 'oidc';
  if (config.demoTokens ?? !config.databaseUrl) return 'demo';
  throw new ConfigError([
    'OIDC_ISSUER and OIDC_JWKS_URL are required with DATABASE_URL: a shared deployment must not accept the public demo tokens. For a trial, set DEMO_TOKENS=true.',
  ]);
}

/** TRUST_PROXY as Fastify's `trustProxy` option. */
export function trustedProxies(
  config: AppConfig,
): boolean | string | ((address: string, hop: number) => boolean) {
  if (config.trustProxy === 'false') return false;
  if (config.trustProxy === 'true') return true;
  if (!/^\d+$/.test(config.trustProxy)) return config.trustProxy;
  // A number of hops: the nearest `hops` proxies are believed.
  const hops = Number(config.trustProxy);
  return (_address, hop) => hop < hops;
}
