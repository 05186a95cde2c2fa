import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NATS_SERVER_BIN } from '../../libs/fanout/test/support/nats-server.js';

const root = join(import.meta.dirname, '..', '..');
const read = (...path: string[]) => readFile(join(root, 'deploy', ...path), 'utf8');

/** The deploy files ship no working default secret, and open nothing the embedded default keeps closed. */
describe('the deploy files', () => {
  it('compose: every password is a variable compose refuses to start without', async () => {
    const compose = await read('compose.yaml');
    const secrets = [...compose.matchAll(/^\s*(\w*PASSWORD\w*):\s*(.+)$/gm)];
    expect(secrets.length).toBeGreaterThanOrEqual(3);
    for (const [, name, value] of secrets)
      expect([name, value]).toEqual([name, expect.stringMatching(/^\$\{\w+:\?[^}]+\}$/)]);
    expect(compose).toMatch(/DATABASE_URL: postgres:\/\/coord:\$\{POSTGRES_PASSWORD:\?[^}]+\}@/);
    expect(compose).not.toMatch(/coord:coord@|change-me/);
  });

  it('Kubernetes: secrets are referenced, none is filled in', async () => {
    for (const file of await readdir(join(root, 'deploy', 'k8s'))) {
      const manifest = await read('k8s', file);
      expect([file, /^kind: Secret$/m.test(manifest)]).toEqual([file, false]);
      expect([file, /change-me|stringData/.test(manifest)]).toEqual([file, false]);
    }
    expect(await read('k8s', 'coord.yaml')).toMatch(/secretKeyRef: \{ name: coord-nats, key: password \}/);
  });

  it('containers listen on every interface explicitly (the API alone stays on loopback)', async () => {
    expect(await read('Dockerfile')).toMatch(/^ENV HOST=0\.0\.0\.0$/m);
    expect(await read('compose.yaml')).toMatch(/^\s+HOST: 0\.0\.0\.0$/m);
    expect(await read('k8s', 'coord.yaml')).toMatch(/^\s+HOST: 0\.0\.0\.0$/m);
  });

  it('NATS: the configuration is valid, needs the service password, and has no anonymous user', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'coord-nats-conf-'));
    try {
      // The local nats-server may be older than 2.10, which brought sync_interval.
      const main = (await read('nats', 'jetstream.conf'))
        .replace(/^\s*sync_interval:.*$/m, '')
        .replace('/data/jetstream', join(dir, 'js'));
      expect(main).toMatch(/^include \.\/accounts\.conf$/m);
      await writeFile(join(dir, 'jetstream.conf'), main);
      await writeFile(join(dir, 'accounts.conf'), await read('nats', 'accounts.conf'));
      const check = (env: Record<string, string>) =>
        spawnSync(NATS_SERVER_BIN, ['-t', '-c', join(dir, 'jetstream.conf')], {
          env: { PATH: process.env.PATH ?? '', ...env },
          encoding: 'utf8',
        });
      const valid = check({ COORD_NATS_PASSWORD: 'x' });
      expect([valid.status, valid.stderr + valid.stdout]).toEqual([0, expect.stringContaining('is valid')]);
      const withoutPassword = check({});
      expect(withoutPassword.status).not.toBe(0);
      expect(withoutPassword.stderr + withoutPassword.stdout).toContain('COORD_NATS_PASSWORD');
      expect(await read('nats', 'accounts.conf')).not.toMatch(/no_auth_user|password: "/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
