import { createReadStream, existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { createCoordClient, ok } from '#libs/api-client';
import {
  exportRecords,
  parseVerifierKey,
  verifyExport,
  type VerifierKey,
  type VerifyReport,
} from '#libs/ledger-verifier';

interface VerifyOptions {
  api?: string;
  token?: string;
  key?: string[];
  checkpoint?: string;
  witness?: string[];
  witnesses?: string;
  threads?: string;
}

/**
 * `coord verify`: checks an export (a file, or the live API's /ledger/export) with nothing but
 * libs/ledger-verifier, which imports nothing of the service. Only this command speaks to the
 * API (through the typed client, libs/api-client); the verifier is handed bytes and keys.
 */
export function registerVerifyCommand(program: Command): void {
  program
    .command('verify')
    .description(
      'Verify the ledger: recompute every leaf and root, check signatures, forks, truncation and witnesses',
    )
    .argument('[export]', 'an export file from coord export (or use --api)')
    .option('--api <url>', 'verify the live service instead (GET /ledger/export)')
    .option('--token <token>', 'an auditor bearer token for --api (or COORD_TOKEN)')
    .option('--key <verifierKey...>', "the log's verifier key(s), name+id+base64 (see GET /ledger/key)")
    .option(
      '--checkpoint <file>',
      'a checkpoint trusted from an earlier run: the log must still contain it; the newest verified checkpoint is saved there',
    )
    .option('--witness <verifierKey...>', 'witness cosignature keys (C2SP tlog-cosignature)')
    .option('--witnesses <n>', 'how many witnesses must have cosigned the newest checkpoint', '0')
    .option(
      '--threads <n>',
      'worker threads that parse and hash the events (0: none; default: one per core, at most 4)',
    )
    .action(async (file: string | undefined, options: VerifyOptions) => {
      if (!file === !options.api) throw new Error('Give an export file or --api <url>, one of them');
      const token = options.token ?? process.env.COORD_TOKEN;
      // The CLI speaks English: so do the problems it prints.
      const client = options.api
        ? createCoordClient({ baseUrl: options.api, language: 'en', ...(token ? { token } : {}) })
        : undefined;
      let keys: VerifierKey[] = (options.key ?? []).map(parseVerifierKey);
      if (client && keys.length === 0) {
        const published = ok(await client.GET('/ledger/key'));
        keys = published.keys.map((k) => parseVerifierKey(k.verifierKey));
        process.stdout.write(
          `No --key given: using the key(s) the service publishes at /ledger/key (${published.keys
            .map((k) => k.verifierKey)
            .join(
              ', ',
            )}).\nThat proves the log is consistent with itself; for an audit, pass --key with the key obtained elsewhere.\n`,
        );
      }
      if (keys.length === 0)
        throw new Error("Give the log's verifier key with --key (GET /ledger/key publishes it)");
      const trusted =
        options.checkpoint && existsSync(options.checkpoint)
          ? await readFile(options.checkpoint, 'utf8')
          : undefined;
      const witnesses = Number(options.witnesses ?? '0');
      if (!Number.isInteger(witnesses) || witnesses < 0)
        throw new Error('--witnesses must be a whole number');
      const threads = options.threads === undefined ? undefined : Number(options.threads);
      if (threads !== undefined && (!Number.isInteger(threads) || threads < 0))
        throw new Error('--threads must be a whole number');
      // From which line the threads take over; tests set 0 to use them on a small export.
      const threadsFrom = process.env.COORD_VERIFY_THREADS_FROM;
      // The export is NDJSON read as it streams, never parsed whole by the client.
      const source = client
        ? (ok(await client.GET('/ledger/export', { parseAs: 'stream' })) as AsyncIterable<Uint8Array>)
        : createReadStream(file!);
      const started = Date.now();
      const report = await verifyExport(
        exportRecords(source, {
          ...(threads !== undefined ? { threads } : {}),
          ...(threadsFrom ? { threadsFrom: Number(threadsFrom) } : {}),
        }),
        {
          logKeys: keys,
          ...(trusted ? { trustedCheckpoint: trusted } : {}),
          witnessKeys: (options.witness ?? []).map(parseVerifierKey),
          requiredWitnesses: witnesses,
        },
      );
      print(report, (Date.now() - started) / 1000, trusted !== undefined);
      if (report.ok && options.checkpoint && report.latest)
        await writeFile(options.checkpoint, report.latest);
      if (!report.ok) process.exitCode = 1;
    });
}

function print(report: VerifyReport, seconds: number, hadTrusted: boolean): void {
  if (report.ok) {
    process.stdout.write(
      `OK: ${report.leaves} events and ${report.checkpoints} signed checkpoints verified in ${seconds.toFixed(1)} s; ` +
        `newest checkpoint: tree size ${report.latestSize}${hadTrusted ? '; consistent with the trusted checkpoint' : ''}\n`,
    );
    return;
  }
  process.stdout.write(`FAILED at leaf ${report.failure!.position}: ${report.failure!.reason}\n`);
}
