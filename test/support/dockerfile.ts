import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, lstat, mkdir, readdir, readFile, readlink, symlink } from 'node:fs/promises';
import { basename, dirname, join, posix } from 'node:path';

// Builds a Dockerfile without a container engine: each stage is a folder standing for its root
// file system, COPY copies from the build context (filtered by .dockerignore) or another stage, RUN
// runs its command there with this machine's Node and npm. Independent stages build concurrently, as
// BuildKit does. Only what deploy/Dockerfile uses is understood; anything else is an error, so a new
// instruction cannot be skipped silently.

export interface Stage {
  readonly name: string;
  /** Image (e.g. node:20-bookworm-slim) or an earlier stage's name. */
  readonly from: string;
  readonly instructions: readonly Instruction[];
}

export interface Instruction {
  readonly keyword: string;
  readonly args: string;
  readonly line: number;
}

export interface BuiltStage {
  readonly name: string;
  readonly from: string;
  /** The folder standing for the stage's `/`. */
  readonly root: string;
  /** WORKDIR, as an absolute path inside the image. */
  readonly workdir: string;
  readonly env: Readonly<Record<string, string>>;
  readonly user: string | undefined;
  readonly exposed: readonly string[];
  /** HEALTHCHECK's command, exec form. */
  readonly healthcheck: readonly string[] | undefined;
  /** CMD, exec form. */
  readonly cmd: readonly string[] | undefined;
}

/** Instructions in order, with line continuations joined and comments dropped. */
export function parseDockerfile(text: string): Stage[] {
  const stages: { name: string; from: string; instructions: Instruction[] }[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let line = lines[i]!.trim();
    if (line === '' || line.startsWith('#')) continue;
    while (line.endsWith('\\')) {
      line = line.slice(0, -1).trimEnd();
      let next = lines[++i];
      while (next !== undefined && next.trim().startsWith('#')) next = lines[++i];
      if (next === undefined) throw new Error(`Dockerfile line ${start + 1}: continuation at the end`);
      line = `${line} ${next.trim()}`;
    }
    const match = /^(\w+)\s+(.*)$/.exec(line);
    if (!match) throw new Error(`Dockerfile line ${start + 1}: cannot read "${line}"`);
    const keyword = match[1]!.toUpperCase();
    const args = match[2]!;
    if (keyword === 'FROM') {
      const from = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!from) throw new Error(`Dockerfile line ${start + 1}: cannot read FROM ${args}`);
      stages.push({ name: from[2] ?? String(stages.length), from: from[1]!, instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start + 1}: ${keyword} before FROM`);
    stage.instructions.push({ keyword, args, line: start + 1 });
  }
  return stages;
}

/** The rules of a .dockerignore, in order (the last that matches decides). */
export interface IgnoreRule {
  readonly pattern: RegExp;
  readonly exception: boolean;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'))
    .map((line) => {
      const exception = line.startsWith('!');
      const cleaned = posix.normalize((exception ? line.slice(1) : line).trim()).replace(/^\/+|\/+$/g, '');
      return { pattern: globToRegExp(cleaned), exception };
    });
}

/** Docker's pattern syntax: `*` and `?` within a path segment, `**` across segments. */
function globToRegExp(glob: string): RegExp {
  let source = '';
  for (let i = 0; i < glob.length;) {
    if (glob.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 3;
    } else if (glob.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else {
      const char = glob[i++]!;
      if (char === '*') source += '[^/]*';
      else if (char === '?') source += '[^/]';
      else if (char === '[' || char === '\\') {
        throw new Error(`.dockerignore: "${glob}" uses [ or \\, which this build does not interpret`);
      } else source += char.replace(/[.+^${}()|\]]/g, '\\$&');
    }
  }
  return new RegExp(`^${source}$`);
}

/** Whether Docker leaves `path` (relative to the context, with /) out: it or a parent matches. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const parts = path.split('/');
  const candidates = parts.map((_, index) => parts.slice(0, index + 1).join('/'));
  let ignored = false;
  for (const rule of rules) {
    if (candidates.some((candidate) => rule.pattern.test(candidate))) ignored = !rule.exception;
  }
  return ignored;
}

export interface BuildOptions {
  readonly context: string;
  readonly dockerfile: string;
  /** Empty folder that receives one folder per stage. */
  readonly workspace: string;
  /** Added to every RUN's environment (e.g. npm_config_offline). */
  readonly runEnv?: Readonly<Record<string, string>>;
  /** Called with each RUN and how long it took. */
  readonly onRun?: (stage: string, command: string, ms: number) => void;
}

/** Builds every stage; resolves with them, the last being the image. */
export async function buildDockerfile(options: BuildOptions): Promise<BuiltStage[]> {
  const stages = parseDockerfile(await readFile(options.dockerfile, 'utf8'));
  const dockerignore = join(options.context, '.dockerignore');
  const ignore = existsSync(dockerignore) ? parseDockerignore(await readFile(dockerignore, 'utf8')) : [];
  const built = new Map<string, Promise<BuiltStage>>();
  for (const [index, stage] of stages.entries()) {
    const dependencies = [
      stage.from,
      ...stage.instructions.flatMap((i) =>
        i.keyword === 'COPY' ? [copyFrom(i.args)].filter(isDefined) : [],
      ),
    ].filter((name) => stages.some((s) => s.name === name));
    const ready = Promise.all(dependencies.map((name) => built.get(name)!));
    built.set(
      stage.name,
      ready.then(() => buildStage(stage, join(options.workspace, `stage-${index}`), built, ignore, options)),
    );
  }
  return Promise.all([...built.values()]);
}

function isDefined<T>(value: T | undefined): value is T {
  return value !== undefined;
}

function copyFrom(args: string): string | undefined {
  return /(?:^|\s)--from=(\S+)/.exec(args)?.[1];
}

async function buildStage(
  stage: Stage,
  root: string,
  built: ReadonlyMap<string, Promise<BuiltStage>>,
  ignore: readonly IgnoreRule[],
  options: BuildOptions,
): Promise<BuiltStage> {
  const parent = built.get(stage.from);
  let workdir = '/';
  let env: Record<string, string> = {};
  let user: string | undefined;
  let healthcheck: readonly string[] | undefined;
  let cmd: readonly string[] | undefined;
  const exposed: string[] = [];
  if (parent && stage.from !== stage.name) {
    const base = await parent;
    await cp(base.root, root, { recursive: true, verbatimSymlinks: true });
    ({ workdir, user, healthcheck, cmd } = base);
    env = { ...base.env };
  } else {
    await mkdir(root, { recursive: true });
  }
  const inImage = (path: string) => join(root, posix.resolve(workdir, path));

  for (const instruction of stage.instructions) {
    const where = `Dockerfile line ${instruction.line} (${stage.name})`;
    switch (instruction.keyword) {
      case 'WORKDIR':
        workdir = posix.resolve(workdir, instruction.args.trim());
        await mkdir(join(root, workdir), { recursive: true });
        break;
      case 'ENV': {
        const pair = /^([A-Za-z_][A-Za-z0-9_]*)(?:=|\s+)(.*)$/.exec(instruction.args.trim());
        if (!pair || /\s\w+=/.test(pair[2]!))
          throw new Error(`${where}: one ENV NAME=value per line, please`);
        env[pair[1]!] = pair[2]!.replace(/^"(.*)"$/, '$1');
        break;
      }
      case 'USER':
        user = instruction.args.trim();
        break;
      case 'EXPOSE':
        exposed.push(...instruction.args.trim().split(/\s+/));
        break;
      case 'CMD':
        cmd = execForm(instruction.args, where);
        break;
      case 'HEALTHCHECK': {
        const check = /^(?:--\S+\s+)*CMD\s+(.*)$/.exec(instruction.args.trim());
        if (!check) throw new Error(`${where}: HEALTHCHECK [options] CMD [...] expected`);
        healthcheck = execForm(check[1]!, where);
        break;
      }
      case 'COPY':
        await copy(instruction.args, where, { root, inImage, built, ignore, context: options.context });
        break;
      case 'RUN': {
        const started = performance.now();
        await run(instruction.args, join(root, workdir), { ...env, ...options.runEnv }, where);
        options.onRun?.(stage.name, instruction.args, performance.now() - started);
        break;
      }
      default:
        throw new Error(`${where}: ${instruction.keyword} is not interpreted by this build`);
    }
  }
  return { name: stage.name, from: stage.from, root, workdir, env, user, exposed, healthcheck, cmd };
}

function execForm(args: string, where: string): string[] {
  try {
    const parsed: unknown = JSON.parse(args);
    if (Array.isArray(parsed) && parsed.every((part) => typeof part === 'string')) return parsed;
  } catch {
    // reported below
  }
  throw new Error(`${where}: use the exec form ["program", "arg", ...]`);
}

async function copy(
  args: string,
  where: string,
  target: {
    root: string;
    inImage: (path: string) => string;
    built: ReadonlyMap<string, Promise<BuiltStage>>;
    ignore: readonly IgnoreRule[];
    context: string;
  },
): Promise<void> {
  const words = args.trim().split(/\s+/);
  const flags = words.filter((word) => word.startsWith('--'));
  const paths = words.filter((word) => !word.startsWith('--'));
  const unknown = flags.filter((flag) => !/^--(from|chown|chmod)=|^--link$/.test(flag));
  if (unknown.length > 0 || paths.length < 2) throw new Error(`${where}: COPY ${args} is not understood`);
  const destination = paths.pop()!;
  const from = copyFrom(args);
  for (const source of paths) {
    if (/[*?[]/.test(source)) throw new Error(`${where}: COPY with wildcards is not interpreted`);
    const into = destination.endsWith('/') || paths.length > 1;
    if (from) {
      const stage = target.built.get(from);
      if (!stage) throw new Error(`${where}: no stage named ${from}`);
      const origin = join((await stage).root, posix.resolve('/', source));
      if (!existsSync(origin)) throw new Error(`${where}: ${source} does not exist in stage ${from}`);
      const isDirectory = (await lstat(origin)).isDirectory();
      const to = target.inImage(
        into && !isDirectory ? posix.join(destination, basename(source)) : destination,
      );
      await mkdir(dirname(to), { recursive: true });
      await cp(origin, to, { recursive: true, verbatimSymlinks: true });
    } else {
      const relative = posix.normalize(source).replace(/^\/+|\/+$/g, '');
      const origin = join(target.context, relative);
      if (!existsSync(origin) || isIgnored(target.ignore, relative)) {
        throw new Error(`${where}: ${source} is not in the build context (missing or in .dockerignore)`);
      }
      const isDirectory = (await lstat(origin)).isDirectory();
      const to = target.inImage(
        into && !isDirectory ? posix.join(destination, basename(source)) : destination,
      );
      await copyFromContext(origin, relative, to, target.ignore);
    }
  }
}

/** Copies a context file or the contents of a context folder, leaving out what .dockerignore names. */
async function copyFromContext(origin: string, relative: string, to: string, ignore: readonly IgnoreRule[]) {
  const stat = await lstat(origin);
  if (isIgnored(ignore, relative)) {
    // A folder left out may still hold a file an exception (!pattern) brings back.
    if (!stat.isDirectory() || !ignore.some((rule) => rule.exception)) return;
    for (const entry of await readdir(origin)) {
      await copyFromContext(join(origin, entry), `${relative}/${entry}`, join(to, entry), ignore);
    }
    return;
  }
  await mkdir(dirname(to), { recursive: true });
  if (stat.isSymbolicLink()) {
    await symlink(await readlink(origin), to);
  } else if (stat.isDirectory()) {
    await mkdir(to, { recursive: true });
    for (const entry of await readdir(origin)) {
      await copyFromContext(join(origin, entry), `${relative}/${entry}`, join(to, entry), ignore);
    }
  } else {
    await cp(origin, to);
  }
}

function run(args: string, cwd: string, env: Record<string, string>, where: string): Promise<void> {
  const command = args.trim().startsWith('[') ? execForm(args, where) : ['/bin/sh', '-c', args];
  return new Promise((resolve, reject) => {
    const child = spawn(command[0]!, command.slice(1), { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
    child.once('error', reject);
    child.once('exit', (code) =>
      code === 0
        ? resolve()
        : reject(new Error(`${where}: RUN ${args} exited ${code}:\n${output.slice(-4000)}`)),
    );
  });
}
