import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { buildDockerfile, isIgnored, parseDockerfile, parseDockerignore } from '../support/dockerfile.js';

// The engine-less build that image-build.e2e.spec.ts relies on: if it copied too much or ran too
// little, that test would pass on a Dockerfile a real engine rejects.

describe('parseDockerfile', () => {
  it('reads stages, their names and instructions, joining continued lines and skipping comments', () => {
    const stages = parseDockerfile(
      [
        'FROM node:20-bookworm-slim AS build',
        '# a comment',
        'WORKDIR /app',
        'RUN npm ci \\',
        '  # a comment inside a continuation',
        '  --ignore-scripts',
        'FROM build',
        'CMD ["node", "main.js"]',
      ].join('\n'),
    );
    expect(stages.map(({ name, from }) => ({ name, from }))).toEqual([
      { name: 'build', from: 'node:20-bookworm-slim' },
      { name: '1', from: 'build' },
    ]);
    expect(stages[0]!.instructions.map((i) => `${i.keyword} ${i.args}`)).toEqual([
      'WORKDIR /app',
      'RUN npm ci --ignore-scripts',
    ]);
  });
});

describe('.dockerignore', () => {
  const rules = parseDockerignore(
    ['# comment', '**/node_modules', 'dist', '*.log', 'docs/**', '!docs/keep.md', '/data/'].join('\n'),
  );

  it.each([
    ['node_modules', true],
    ['node_modules/pg/index.js', true],
    ['libs/x/node_modules/a.js', true],
    ['dist/apps/api/src/main.js', true],
    ['libs/dist.ts', false],
    ['error.log', true],
    ['libs/error.log', false],
    ['docs/adr/0001.md', true],
    ['docs/keep.md', false],
    ['data/pglite/PG_VERSION', true],
    ['package.json', false],
  ])('%s is left out: %s', (path, ignored) => {
    expect(isIgnored(rules, path)).toBe(ignored);
  });

  it('refuses character classes it does not interpret', () => {
    expect(() => parseDockerignore('[ab].txt')).toThrow('does not interpret');
  });
});

describe('buildDockerfile', () => {
  let context: string;
  const write = async (path: string, text: string) => {
    await mkdir(dirname(join(context, path)), { recursive: true });
    await writeFile(join(context, path), text);
  };
  const build = (dockerfile: string) =>
    write('Dockerfile', dockerfile).then(() =>
      buildDockerfile({
        context,
        dockerfile: join(context, 'Dockerfile'),
        workspace: join(context, '.build'),
        runEnv: { PATH: process.env.PATH ?? '' },
      }),
    );

  beforeEach(async () => {
    context = await mkdtemp(join(tmpdir(), 'coord-dockerfile-'));
    await write('.dockerignore', '.build\nsrc/secret.txt\nsrc/generated\n!src/generated/keep.txt\n');
    await write('src/generated/drop.txt', 'left out');
    await write('src/generated/keep.txt', 'brought back');
    await write('src/a.txt', 'a');
    await write('src/secret.txt', 'not in the context');
    await write('top.txt', 'top');
  });

  afterEach(async () => {
    await rm(context, { recursive: true, force: true });
  });

  it('copies from the context without ignored files, runs commands, copies between stages', async () => {
    const [first, image] = await build(
      [
        'FROM node:20 AS first',
        'WORKDIR /work',
        'COPY src src',
        'COPY top.txt ./',
        'RUN cat src/a.txt top.txt > joined.txt',
        'FROM node:20',
        'ENV MODE=production',
        'WORKDIR /app',
        'COPY --from=first /work/joined.txt out/',
        'USER node',
        'CMD ["node", "x.js"]',
      ].join('\n'),
    );
    expect(existsSync(join(first!.root, 'work/src/a.txt'))).toBe(true);
    expect(existsSync(join(first!.root, 'work/src/secret.txt'))).toBe(false);
    expect(existsSync(join(first!.root, 'work/src/generated/drop.txt'))).toBe(false);
    expect(existsSync(join(first!.root, 'work/src/generated/keep.txt'))).toBe(true);
    expect(await readFile(join(image!.root, 'app/out/joined.txt'), 'utf8')).toBe('atop');
    expect(existsSync(join(image!.root, 'app/src'))).toBe(false);
    expect(image).toMatchObject({
      workdir: '/app',
      env: { MODE: 'production' },
      user: 'node',
      cmd: ['node', 'x.js'],
    });
  });

  it('fails like an engine would: a failing RUN, a source outside the context, an unknown instruction', async () => {
    await expect(build('FROM node:20\nRUN exit 3')).rejects.toThrow('exited 3');
    await expect(build('FROM node:20\nCOPY src/secret.txt ./')).rejects.toThrow('not in the build context');
    await expect(build('FROM node:20\nCOPY missing.txt ./')).rejects.toThrow('not in the build context');
    await expect(build('FROM node:20\nADD top.txt ./')).rejects.toThrow('ADD is not interpreted');
  });
});
