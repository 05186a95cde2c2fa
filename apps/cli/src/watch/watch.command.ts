import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { Command } from 'commander';
import { openDatabase, PostgresEventStore, type Database, type LogPosition } from '#libs/event-store';
import {
  DEFAULT_STREAM_NAME,
  followAgency,
  logPositionBefore,
  watchAgency,
  type CoordCloudEvent,
} from '#libs/fanout';
import { loadConfig, type AppConfig } from '#libs/platform';
import { followApiFeed, WatchError } from './api-feed-client.js';
import { formatEventJson, formatEventLine } from './watch-format.js';

interface WatchOptions {
  readonly agency: string;
  readonly from?: string;
  readonly json?: boolean;
  readonly api?: string;
  readonly token?: string;
}

/** Where the events come from, in this order of precedence. */
type WatchSource =
  | { readonly kind: 'api'; readonly url: string }
  | { readonly kind: 'nats'; readonly servers: string[]; readonly user?: string; readonly password?: string }
  | { readonly kind: 'store'; readonly config: AppConfig };

/**
 * `coord watch --agency CODE [--from POS] [--json] [--api URL --token TOKEN]`: prints the
 * agency's events as they arrive. Sources, first that applies:
 *   --api URL      the API's SSE feed (any deployment; the only way on the embedded default,
 *                  whose database belongs to the running API);
 *   NATS_URL       the JetStream stream COORD_AGENCY (an ordered consumer, nothing durable);
 *   DATABASE_URL   the event store itself, polled;
 *   otherwise      the API at http://127.0.0.1:$PORT (the embedded default).
 */
export function registerWatchCommand(program: Command): void {
  program
    .command('watch')
    .description(
      "Print an agency's events as they arrive: through --api URL (the SSE feed), else NATS_URL " +
        '(JetStream), else DATABASE_URL (the event store), else the API at http://127.0.0.1:$PORT',
    )
    .requiredOption('--agency <code>', 'the agency whose events to show')
    .option('--from <position>', 'start at this global position (that event and all after it)')
    .option('--json', 'print each CloudEvents envelope as one line of JSON')
    .option('--api <url>', "follow the API's SSE feed at this base URL")
    .option(
      '--token <token>',
      'bearer token for --api (default $COORD_TOKEN, else the demo officer token of the agency)',
    )
    .action(async (options: WatchOptions) => {
      const from = parsePosition(options.from);
      const source = chooseSource(options);
      const print = (envelope: CoordCloudEvent) =>
        process.stdout.write(`${options.json ? formatEventJson(envelope) : formatEventLine(envelope)}\n`);
      const stopped = new AbortController();
      for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => stopped.abort());
      switch (source.kind) {
        case 'api':
          return watchThroughApi(source.url, options, from, print, stopped.signal);
        case 'nats':
          return watchThroughNats(source, options.agency, from, print, stopped.signal);
        case 'store':
          return watchThroughStore(source.config, options.agency, from, print, stopped.signal);
      }
    });
}

function chooseSource(options: WatchOptions): WatchSource {
  if (options.api) return { kind: 'api', url: options.api };
  const config = loadConfig();
  if (config.natsUrl) {
    return {
      kind: 'nats',
      servers: config.natsUrl.split(','),
      // The service's NATS user (deploy/nats/accounts.conf); an agency uses the API or its own consumer.
      ...(config.natsUser ? { user: config.natsUser, password: config.natsPassword } : {}),
    };
  }
  if (config.databaseUrl) return { kind: 'store', config };
  // The API's default address (it listens on loopback unless HOST says otherwise).
  return { kind: 'api', url: `http://127.0.0.1:${config.port}` };
}

function parsePosition(value: string | undefined): bigint | undefined {
  if (value === undefined) return undefined;
  if (!/^\d{1,19}$/.test(value)) {
    throw new WatchError(`--from must be a position (a whole number, as the API answers it), not "${value}"`);
  }
  return BigInt(value);
}

function status(message: string): void {
  process.stderr.write(`coord watch: ${message}\n`);
}

async function watchThroughApi(
  url: string,
  options: WatchOptions,
  from: bigint | undefined,
  print: (envelope: CoordCloudEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let token = options.token ?? process.env.COORD_TOKEN;
  if (!token) {
    token = `demo.officer.${options.agency}`;
    status(`no --token or COORD_TOKEN: using the demo token ${token}`);
  }
  status(`watching ${options.agency} through the API feed at ${url} (Ctrl-C to stop)`);
  await followApiFeed({
    baseUrl: url,
    agencyCode: options.agency,
    token,
    ...(from === undefined ? {} : { from }),
    onEvent: print,
    onStatus: status,
    signal,
  });
}

async function watchThroughNats(
  {
    servers,
    user,
    password,
  }: { servers: string[]; user?: string | undefined; password?: string | undefined },
  agencyCode: string,
  from: bigint | undefined,
  print: (envelope: CoordCloudEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  let nc: NatsConnection;
  try {
    nc = await connect({
      servers,
      name: 'coord-watch',
      ...(user ? { user, pass: password } : {}),
      timeout: 5_000,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 1_000,
    });
  } catch (error) {
    throw new WatchError(`cannot reach NATS at ${servers.join(',')}: ${messageOf(error)}`);
  }
  void reportNatsStatus(nc);
  try {
    const watch = await watchAgency({
      nc,
      agencyCode,
      ...(from === undefined ? {} : { fromPosition: from }),
      onEvent: print,
    }).catch((error: unknown) => {
      if (/stream not found/i.test(messageOf(error))) {
        throw new WatchError(
          `NATS has no stream ${DEFAULT_STREAM_NAME} yet: it is created by the worker (or the API on the embedded database) started with NATS_URL`,
        );
      }
      throw error;
    });
    status(
      `watching ${agencyCode} on JetStream ${DEFAULT_STREAM_NAME} at ${servers.join(',')} (Ctrl-C to stop)`,
    );
    signal.addEventListener('abort', () => void watch.stop(), { once: true });
    await watch.done;
  } finally {
    await nc.close().catch(() => undefined);
  }
}

async function reportNatsStatus(nc: NatsConnection): Promise<void> {
  try {
    for await (const event of nc.status()) {
      if (event.type === 'disconnect') status('NATS disconnected; reconnecting');
      else if (event.type === 'reconnect') status('NATS reconnected');
    }
  } catch {
    // Ends with the connection.
  }
}

async function watchThroughStore(
  config: AppConfig,
  agencyCode: string,
  from: bigint | undefined,
  print: (envelope: CoordCloudEvent) => void,
  signal: AbortSignal,
): Promise<void> {
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    applicationName: 'coord-watch',
  });
  try {
    // A watch only reads: it never creates or upgrades tables (no migrations).
    await assertEventStoreExists(database, config.databaseSchema);
    const store = new PostgresEventStore(database.pool, { schema: config.databaseSchema });
    let after: LogPosition;
    if (from === undefined) after = await store.readableHead();
    else {
      if (from > 0n && !(await store.logPositionOf(from))) {
        throw new WatchError(`there is no event at position ${from}`);
      }
      after = await logPositionBefore(store, from);
    }
    status(`watching ${agencyCode} in the event store (polling; Ctrl-C to stop)`);
    const follow = followAgency({
      store,
      agencyCode,
      after,
      pollIntervalMs: 250,
      logger: {
        warn: (_details, message) => status(message),
        error: (details, message) =>
          status(`${message}: ${messageOf((details as { err?: unknown }).err ?? 'unknown error')}`),
      },
      onMessage: ({ envelope }) => print(envelope),
    });
    signal.addEventListener('abort', () => void follow.stop(), { once: true });
    await follow.done;
  } finally {
    await database.close();
  }
}

/** A clear error when the schema holds no event store (a watch does not create one). */
async function assertEventStoreExists(database: Database, schema: string): Promise<void> {
  let found: boolean;
  try {
    const result = await database.pool.query<{ found: boolean }>(
      `select to_regclass(format('%I.%I', $1::text, 'events')) is not null as found`,
      [schema],
    );
    found = result.rows[0]?.found === true;
  } catch (error) {
    throw new WatchError(`cannot read the database at DATABASE_URL: ${messageOf(error)}`);
  }
  if (!found) {
    throw new WatchError(
      `there is no event store in schema "${schema}" of DATABASE_URL: the API or the worker creates it when it starts (coord watch only reads). Check DATABASE_URL and DATABASE_SCHEMA`,
    );
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
