import { chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { nkeys } from '@nats-io/transport-node';
import type { Command } from 'commander';
import { createSeedDirectory } from '#libs/agencies';
import { agencyDurableName, agencyInboxPrefix, natsAccountsConfig } from '#libs/fanout';

/**
 * `coord nats-users --out DIR`: a NATS user for every agency of the directory (an nkey pair),
 * written as DIR/accounts.conf (public keys and permissions only: include it from the server's
 * configuration) and DIR/agencies/<code>.nk (each agency's seed, 0600, to hand to that agency).
 */
export function registerNatsUsersCommand(program: Command): void {
  program
    .command('nats-users')
    .description(
      "Generate nats-server's accounts (the service's user, one nkey user per agency) and the agencies' seeds",
    )
    .requiredOption('--out <dir>', 'directory for accounts.conf and agencies/<code>.nk (created 0700)')
    .option('--agency <codes...>', 'only these agencies (default: every agency of the directory)')
    .action(async (options: { out: string; agency?: string[] }) => {
      const directory = createSeedDirectory();
      const codes = options.agency ?? directory.list().map((agency) => agency.code);
      const unknown = codes.filter((code) => !directory.get(code));
      if (unknown.length > 0) throw new Error(`Not in the directory: ${unknown.join(', ')}`);
      await mkdir(join(options.out, 'agencies'), { recursive: true, mode: 0o700 });
      await chmod(options.out, 0o700);
      const agencies = [];
      for (const agencyCode of codes) {
        const user = nkeys.createUser();
        const seedFile = join(options.out, 'agencies', `${agencyCode}.nk`);
        await writeFile(seedFile, `${new TextDecoder().decode(user.getSeed())}\n`, { mode: 0o600 });
        agencies.push({ agencyCode, publicKey: user.getPublicKey() });
      }
      await writeFile(join(options.out, 'accounts.conf'), natsAccountsConfig({ agencies }), { mode: 0o644 });
      process.stdout.write(
        `${options.out}/accounts.conf: the service's user and ${agencies.length} agency users\n` +
          `${options.out}/agencies/<code>.nk: give each agency its own seed only; its client connects with ` +
          `that nkey and inboxPrefix ${agencyInboxPrefix('<code>')}, and pulls from ${agencyDurableName('code').replace('code', '<code>')}\n`,
      );
    });
}
