import { writeFile } from 'node:fs/promises';
import type { Command } from 'commander';
import { generateSigningKey } from '#libs/ledger';

/** `coord ledger keygen`: a new Ed25519 signing key for the ledger's checkpoints. */
export function registerLedgerCommands(program: Command): void {
  const ledger = program.command('ledger').description("The ledger's signing keys");
  ledger
    .command('keygen')
    .description(
      'Make a signing key: the private key to a file (0600), the verifier key to publish on stdout',
    )
    .requiredOption('--out <file>', 'file for the private key (LEDGER_SIGNING_KEY_FILE); never overwritten')
    .option('--name <origin>', "the log's origin and key name", 'coord.local/ledger')
    .action(async (options: { out: string; name: string }) => {
      const { privateText, key } = generateSigningKey(options.name);
      await writeFile(options.out, `${privateText}\n`, { mode: 0o600, flag: 'wx' });
      process.stdout.write(
        `${options.out}: private key (set LEDGER_SIGNING_KEY_FILE=${options.out})\n` +
          `verifier key (publish it; coord verify --key): ${key.verifierText}\n`,
      );
    });
}
