import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  Global,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type BeforeApplicationShutdown,
} from '@nestjs/common';
import type { Database, EventStore } from '#libs/event-store';
import {
  generateSigningKey,
  LedgerCheckpoints,
  LedgerConsumer,
  LEDGER_SUBSCRIPTION_PACE,
  LedgerStore,
  parseSigningKey,
  type SigningKey,
  type StoredCheckpoint,
} from '#libs/ledger';
import { formatVerifierKey, parseVerifierKey, type VerifierKey } from '#libs/ledger-verifier';
import type { AppConfig } from './config.js';
import { NatsClient } from './nats.module.js';
import { APP_CONFIG, DATABASE, EVENT_STORE } from './tokens.js';

/** NATS subject each new checkpoint is published on, for outside witnesses to keep. */
export const LEDGER_CHECKPOINT_SUBJECT = 'coord.ledger.checkpoint';
export const LEDGER_SUBSCRIPTION = 'ledger';

/** The ledger's keys: the one it signs with (if any), earlier ones, and witnesses'. */
export class LedgerKeys {
  constructor(
    readonly signing: SigningKey | undefined,
    readonly previous: readonly VerifierKey[],
    readonly witnesses: readonly VerifierKey[],
  ) {}

  /** The log's origin (its key name). */
  get origin(): string {
    return this.signing?.name ?? this.previous[0]?.name ?? 'coord.local/ledger';
  }

  /** Every verifier key the log's checkpoints may be signed with, the current one first. */
  get verifierTexts(): string[] {
    return [...(this.signing ? [this.signing.verifierText] : []), ...this.previous.map(formatVerifierKey)];
  }
}

function keyList(text: string | undefined): VerifierKey[] {
  return (text ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter(Boolean)
    .map(parseVerifierKey);
}

/**
 * The signing key: LEDGER_SIGNING_KEY, or the file LEDGER_SIGNING_KEY_FILE. On the embedded
 * database with neither, a key is made once and kept in DATA_DIR/ledger-signing.key (outside the
 * database), so `npm start` signs checkpoints with no set-up; a throw-away one for 'memory'.
 */
export async function loadLedgerKeys(
  config: AppConfig,
  database: Pick<Database, 'kind'>,
): Promise<LedgerKeys> {
  let signing: SigningKey | undefined;
  if (config.ledgerSigningKey) signing = parseSigningKey(config.ledgerSigningKey);
  else if (config.ledgerSigningKeyFile)
    signing = parseSigningKey(await readFile(config.ledgerSigningKeyFile, 'utf8'));
  else if (database.kind === 'embedded') {
    if (config.dataDir === 'memory') signing = generateSigningKey('coord.local/ledger').key;
    else {
      const file = join(config.dataDir, 'ledger-signing.key');
      if (!existsSync(file)) {
        await mkdir(config.dataDir, { recursive: true });
        await writeFile(file, `${generateSigningKey('coord.local/ledger').privateText}\n`, {
          mode: 0o600,
          flag: 'wx',
        });
      }
      signing = parseSigningKey(await readFile(file, 'utf8'));
    }
  }
  return new LedgerKeys(signing, keyList(config.ledgerPreviousKeys), keyList(config.ledgerWitnessKeys));
}

/**
 * Stops the checkpoint timer, and waits for a signing under way, before any module closes: the
 * database closes when the application shuts down, and a checkpoint written after that would
 * never finish.
 */
@Injectable()
export class LedgerLifecycle implements BeforeApplicationShutdown {
  constructor(private readonly consumer: LedgerConsumer) {}

  async beforeApplicationShutdown(): Promise<void> {
    await this.consumer.stop();
  }
}

/**
 * The tamper-evident ledger (docs/adr/0018-tamper-evident-ledger.md): its store, checkpoints,
 * keys, and the consumer the process holding the `ledger` lease runs (ReadModelsModule hosts it).
 */
@Global()
@Module({})
export class LedgerModule {
  static forRoot(): DynamicModule {
    return {
      module: LedgerModule,
      providers: [
        {
          provide: LedgerStore,
          // EVENT_STORE first: the ledger's tables follow the store's migrations.
          inject: [DATABASE, APP_CONFIG, EVENT_STORE],
          useFactory: async (database: Database, config: AppConfig, store: EventStore) => {
            // On KurrentDB the ledger reads the log through the port (ADR 0024); its tables stay here.
            const ledger = new LedgerStore(
              database.pool,
              config.databaseSchema,
              config.eventStore === 'kurrentdb' ? store : undefined,
            );
            await ledger.migrate();
            return ledger;
          },
        },
        {
          provide: LedgerCheckpoints,
          inject: [DATABASE, LedgerStore],
          useFactory: (database: Database, ledger: LedgerStore) =>
            new LedgerCheckpoints(database.pool, ledger),
        },
        {
          provide: LedgerKeys,
          inject: [APP_CONFIG, DATABASE],
          useFactory: async (config: AppConfig, database: Database) => {
            const keys = await loadLedgerKeys(config, database);
            if (!keys.signing) {
              new Logger('Ledger').warn(
                'no LEDGER_SIGNING_KEY or LEDGER_SIGNING_KEY_FILE: the ledger grows but signs no checkpoints',
              );
            }
            return keys;
          },
        },
        {
          provide: LedgerConsumer,
          inject: [
            LedgerStore,
            LedgerCheckpoints,
            LedgerKeys,
            APP_CONFIG,
            { token: NatsClient, optional: true },
          ],
          useFactory: (
            ledger: LedgerStore,
            checkpoints: LedgerCheckpoints,
            keys: LedgerKeys,
            config: AppConfig,
            nats: NatsClient | undefined,
          ) => {
            const logger = new Logger('Ledger');
            return new LedgerConsumer(ledger, checkpoints, {
              key: keys.signing,
              checkpointIntervalMs: config.ledgerCheckpointSeconds * 1000,
              onCheckpoint: (checkpoint: StoredCheckpoint) => {
                logger.log(`checkpoint signed at tree size ${checkpoint.treeSize}`);
                // Best effort: witnesses also read the checkpoint over HTTP.
                nats?.current()?.publish(LEDGER_CHECKPOINT_SUBJECT, checkpoint.note);
              },
              onError: (error) =>
                logger.error({ err: error, msg: 'signing a checkpoint failed; will retry' }),
            });
          },
        },
        LedgerLifecycle,
      ],
      exports: [LedgerStore, LedgerCheckpoints, LedgerKeys, LedgerConsumer],
    };
  }
}

/** The hosted consumer entry for the ledger, when LedgerModule is there. */
export function ledgerHostedConsumer(consumer: LedgerConsumer | undefined, ledger: LedgerStore | undefined) {
  // The ledger reads the log itself: each event once, as its entry (see LedgerStore.readAll).
  return consumer && ledger
    ? [
        {
          name: LEDGER_SUBSCRIPTION,
          consumer,
          reader: ledger,
          ...LEDGER_SUBSCRIPTION_PACE,
          // It leaves the CPU to busy writers and catches up after (LEDGER_YIELD).
          pauseAfterBatch: (batch: { readonly elapsedMs: number }) => consumer.pauseAfterBatch(batch),
        },
      ]
    : [];
}
