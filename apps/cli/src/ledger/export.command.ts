import { createWriteStream, existsSync } from 'node:fs';
import { readFile, truncate } from 'node:fs/promises';
import type { Command } from 'commander';
import { KurrentDbEventStore, openDatabase } from '#libs/event-store';
import { exportLedger, LedgerCheckpoints, LedgerStore } from '#libs/ledger';
import { loadConfig, loadLedgerKeys, openConfiguredEventStore } from '#libs/platform';

/**
 * `coord export --out FILE`: the events, checkpoints and public keys as NDJSON, streamed from the
 * database. An existing file is continued after its last complete event (resumable).
 */
export function registerExportCommand(program: Command): void {
  program
    .command('export')
    .description('Export the events, signed checkpoints and public keys as NDJSON for coord verify')
    .requiredOption('--out <file>', 'the NDJSON file; an existing one is continued after its last event')
    .option('--from-leaf <n>', 'start at this leaf (default: 0, or where an existing file ends)')
    .action(async (options: { out: string; fromLeaf?: string }) => {
      const config = loadConfig();
      let fromLeaf = 0n;
      let header = true;
      if (existsSync(options.out)) {
        const text = await readFile(options.out, 'utf8');
        const complete = text.lastIndexOf('\n') + 1;
        // A line cut short by an interrupted run is dropped; checkpoints already written stay.
        await truncate(options.out, Buffer.byteLength(text.slice(0, complete)));
        fromLeaf = BigInt(
          text
            .slice(0, complete)
            .split('\n')
            .filter((line) => line.startsWith('{"kind":"event"')).length,
        );
        header = complete === 0;
      }
      if (options.fromLeaf !== undefined) fromLeaf = BigInt(options.fromLeaf);
      const database = await openDatabase({
        databaseUrl: config.databaseUrl,
        dataDir: config.dataDir,
        applicationName: 'coord-cli',
      });
      // On KurrentDB the events are read through the port (ADR 0024).
      const log =
        config.eventStore === 'kurrentdb' ? await openConfiguredEventStore(config, database) : undefined;
      try {
        const ledger = new LedgerStore(database.pool, config.databaseSchema, log);
        await ledger.migrate();
        const keys = await loadLedgerKeys(config, database);
        const out = createWriteStream(options.out, { flags: 'a' });
        const tty = process.stderr.isTTY;
        let written = 0;
        for await (const record of exportLedger(ledger, new LedgerCheckpoints(database.pool, ledger), {
          origin: keys.origin,
          publicKeys: keys.verifierTexts,
          fromLeaf,
          onProgress: (done, total) => {
            if (tty) process.stderr.write(`\rexported ${done} of ${total} events`);
          },
        })) {
          if (record.kind === 'header' && !header) continue;
          if (record.kind === 'event') written++;
          if (!out.write(`${JSON.stringify(record)}\n`))
            await new Promise<void>((resolve) => out.once('drain', () => resolve()));
        }
        await new Promise<void>((resolve, reject) =>
          out.end((error?: Error | null) => (error ? reject(error) : resolve())),
        );
        if (tty) process.stderr.write('\n');
        process.stdout.write(`${options.out}: ${written} events from leaf ${fromLeaf}\n`);
      } finally {
        if (log instanceof KurrentDbEventStore) await log.close();
        await database.close();
      }
    });
}
