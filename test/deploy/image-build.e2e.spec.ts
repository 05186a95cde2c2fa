import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { buildDockerfile, type BuiltStage } from '../support/dockerfile.js';
import { freePort } from '../support/processes.js';

// deploy/Dockerfile built the way a container engine would, without one (none runs here): the
// context filtered by .dockerignore, each COPY and RUN as written (npm works offline from this
// machine's cache: npm_config_offline=true), then the image's CMD started from its WORKDIR and its
// HEALTHCHECK run against it. A Dockerfile that cannot build, or an image that cannot start, fails.

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const dockerfile = join(root, 'deploy', 'Dockerfile');
const BUILD_TIMEOUT_MS = 10 * 60_000;

let workspace: string;
let stages: BuiltStage[];
let image: BuiltStage;
const runs: string[] = [];

/** The image's paths, as folders of this machine. */
const inImage = (path: string) => join(image.root, image.workdir, path);

/** The environment of a process in the image: its ENV, this machine's node and npm, a HOME. */
function imageEnv(extra: Record<string, string>): Record<string, string> {
  return {
    ...image.env,
    PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
    HOME: workspace,
    ...extra,
  };
}

/** Runs an exec-form command of the image; `node` is this machine's Node. */
function startInImage(command: readonly string[], env: Record<string, string>): ChildProcess {
  const [program, ...args] = command;
  return spawn(program === 'node' ? process.execPath : program!, args, {
    cwd: join(image.root, image.workdir),
    env: imageEnv(env),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

beforeAll(async () => {
  workspace = await mkdtemp(join(tmpdir(), 'coord-image-'));
  const started = performance.now();
  stages = await buildDockerfile({
    context: root,
    dockerfile,
    workspace,
    runEnv: {
      PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
      HOME: process.env.HOME ?? workspace,
      npm_config_offline: 'true',
      npm_config_update_notifier: 'false',
    },
    onRun: (stage, command, ms) => runs.push(`${stage}: RUN ${command} (${(ms / 1000).toFixed(1)} s)`),
  });
  image = stages.at(-1)!;
  process.stdout.write(
    `image built in ${((performance.now() - started) / 1000).toFixed(1)} s\n  ${runs.join('\n  ')}\n`,
  );
}, BUILD_TIMEOUT_MS);

afterAll(async () => {
  if (workspace) await rm(workspace, { recursive: true, force: true });
});

describe('deploy/Dockerfile', () => {
  it('starts from the Node major of package.json engines, the one this build ran with', async () => {
    const engines = (
      JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { engines: { node: string } }
    ).engines.node;
    const major = /(\d+)/.exec(engines)![1];
    const images = stages.map((stage) => stage.from).filter((from) => !stages.some((s) => s.name === from));
    expect(images.length).toBeGreaterThan(0);
    for (const from of images) expect(from).toMatch(new RegExp(`^node:${major}[-.]`));
    expect(process.versions.node.split('.')[0]).toBe(major);
  });

  it('compiles the API and the worker, with every process the deployments start', async () => {
    expect(existsSync(inImage('dist/apps/api/src/main.js'))).toBe(true);
    expect(existsSync(inImage('dist/apps/worker/src/main.js'))).toBe(true);
    const manifests = [
      join(root, 'deploy', 'compose.yaml'),
      ...(await readdir(join(root, 'deploy', 'k8s'))).map((name) => join(root, 'deploy', 'k8s', name)),
    ];
    const started = new Set<string>();
    for (const manifest of manifests) {
      for (const match of (await readFile(manifest, 'utf8')).matchAll(/dist\/[\w./-]+\.js/g))
        started.add(match[0]);
    }
    expect(started).toContain('dist/apps/worker/src/main.js');
    for (const script of started) expect([script, existsSync(inImage(script))]).toEqual([script, true]);
  });

  it('ships production dependencies only, and runs as a user that is not root', async () => {
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean }>;
    };
    const devOnly = Object.entries(lock.packages)
      .filter(([path, entry]) => path.startsWith('node_modules/') && entry.dev === true)
      .map(([path]) => path);
    expect(devOnly).toContain('node_modules/jest');
    expect(devOnly.filter((path) => existsSync(inImage(path)))).toEqual([]);
    expect(existsSync(inImage('node_modules/@nestjs/core/package.json'))).toBe(true);
    expect(existsSync(inImage('src'))).toBe(false);
    expect(image.user).toBeDefined();
    expect(['root', '0']).not.toContain(image.user!.split(':')[0]);
  });

  it('starts the API with its CMD, passes its HEALTHCHECK and serves the seed plans', async () => {
    expect(image.cmd).toEqual(['node', 'dist/apps/api/src/main.js']);
    expect(image.healthcheck?.join(' ')).toContain('/health/live');
    const port = String(await freePort());
    const dataDir = join(workspace, 'data');
    const api = startInImage(image.cmd!, { PORT: port, DATA_DIR: dataDir });
    let output = '';
    api.stdout!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    api.stderr!.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    try {
      const until = Date.now() + 60_000;
      for (;;) {
        const check = startInImage(image.healthcheck!, { PORT: port });
        const healthy = await new Promise<boolean>((resolve) =>
          check.once('exit', (code) => resolve(code === 0)),
        );
        if (healthy) break;
        if (api.exitCode !== null || Date.now() > until) {
          throw new Error(`the image's API did not pass its HEALTHCHECK:\n${output}`);
        }
        await delay(200);
      }

      // The seed plans are read from the image on the first start: their events are in the log.
      const seeded = [...output.matchAll(/Seeded plan (\S+) .*?position (\d+)\./g)];
      const seedFiles = await readdir(join(root, 'libs', 'plan-intake', 'seed-plans'));
      expect(seeded.map((match) => match[1]).sort()).toEqual(
        seedFiles.filter((f) => /\.(txt|docx)$/.test(f)).sort(),
      );
      const position = seeded.map((match) => BigInt(match[2]!)).reduce((a, b) => (a > b ? a : b));
      // A national auditor reads every plan (a provincial one, its province's; an officer, the
      // plans its agency has a part in).
      const plans = await fetch(`http://127.0.0.1:${port}/plans?minPosition=${position}`, {
        headers: { authorization: 'Bearer demo.auditor.national' },
      });
      expect(plans.status).toBe(200);
      const body = (await plans.json()) as { items: unknown[] };
      expect(body.items).toHaveLength(seeded.length);
    } finally {
      api.kill('SIGTERM');
      await new Promise((resolve) => (api.exitCode !== null ? resolve(null) : api.once('exit', resolve)));
    }
  });
});
