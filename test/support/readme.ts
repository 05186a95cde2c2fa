/**
 * The README's walkthrough as data: each `curl` command of its `sh` blocks, read as the shell and
 * curl would read it (quotes, `$VAR` expansion, a here-document as the body of `-d @-`), with the
 * status written under it (`# 201 Created; keep taskId as TASK_ID, position as POSITION`). A test
 * sends each request to a started API; anything the reader could not run as written fails here.
 */
export interface WalkthroughStep {
  /** The README line of the `curl` command, for messages. */
  readonly line: number;
  readonly method: string;
  /** The URL as written, before expansion ("$API/tasks/$TASK_ID/acknowledge"). */
  readonly url: Word;
  readonly headers: readonly Word[];
  /** The body as written (`-d`), before expansion; undefined when the command sends none. */
  readonly body?: Word;
  readonly status: number;
  /** Values of the answer the next steps use: the answer's `path` kept as the variable `name`. */
  readonly keep: readonly { readonly path: string; readonly name: string }[];
}

/** Shell text as written: literal parts, and variables to expand. */
export type Word = readonly (string | { readonly variable: string })[];

const SECTION = /^### Walkthrough:/;
const HEADING = /^#{1,3} /;
const EXPECTATION = /^# (\d{3}) [A-Za-z ]+?(?:; keep (.+))?$/;
const KEEP = /^([A-Za-z_][\w.[\]]*) as ([A-Z][A-Z0-9_]*)$/;

/** The steps of the README's walkthrough section, in order. */
export function parseWalkthrough(readme: string): WalkthroughStep[] {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => SECTION.test(line));
  if (start < 0) throw new Error('The README has no "### Walkthrough:" section');
  const steps: WalkthroughStep[] = [];
  let fence: 'sh' | 'other' | null = null;
  let block: { line: number; text: string }[] = [];
  for (let index = start + 1; index < lines.length; index++) {
    const line = lines[index]!;
    if (fence === null) {
      if (HEADING.test(line)) break;
      if (line.startsWith('```')) {
        fence = line.trim() === '```sh' ? 'sh' : 'other';
        block = [];
      }
      continue;
    }
    if (line.startsWith('```')) {
      if (fence === 'sh') steps.push(...parseBlock(block));
      fence = null;
      continue;
    }
    block.push({ line: index + 1, text: line });
  }
  if (steps.length === 0) throw new Error('The README walkthrough has no curl command');
  return steps;
}

function parseBlock(block: readonly { line: number; text: string }[]): WalkthroughStep[] {
  // A block with no curl command sets things up for the reader (API=...): nothing to send.
  if (!block.some(({ text }) => text.startsWith('curl '))) return [];
  const steps: WalkthroughStep[] = [];
  let index = 0;
  while (index < block.length) {
    const { line, text } = block[index]!;
    if (!text.startsWith('curl ')) {
      throw new Error(`README line ${line}: expected a curl command, found ${JSON.stringify(text)}`);
    }
    let command = text;
    while (command.endsWith('\\')) {
      index++;
      if (index >= block.length) throw new Error(`README line ${line}: the command does not end`);
      command = `${command.slice(0, -1)} ${block[index]!.text}`;
    }
    index++;
    let hereDocument: Word | undefined;
    const opened = /\s<<(['"]?)(\w+)\1$/.exec(command);
    if (opened) {
      command = command.slice(0, opened.index);
      const lines: string[] = [];
      while (index < block.length && block[index]!.text !== opened[2]) lines.push(block[index++]!.text);
      if (index >= block.length) throw new Error(`README line ${line}: the here-document does not end`);
      index++;
      const text = `${lines.join('\n')}\n`;
      hereDocument = opened[1] === '' ? expandable(text) : [text];
    }
    const expectation = block[index] && EXPECTATION.exec(block[index]!.text);
    if (!expectation) {
      throw new Error(
        `README line ${line}: the command is not followed by its answer ("# 200 OK; keep ... as NAME")`,
      );
    }
    index++;
    steps.push({
      ...readCurl(command, hereDocument, line),
      line,
      status: Number(expectation[1]),
      keep: (expectation[2] ?? '')
        .split(', ')
        .filter((item) => item !== '')
        .map((item) => {
          const kept = KEEP.exec(item);
          if (!kept) throw new Error(`README line ${line}: cannot read "keep ${item}"`);
          return { path: kept[1]!, name: kept[2]! };
        }),
    });
  }
  return steps;
}

/** The request a curl command line sends: the options the walkthrough uses, and no others. */
function readCurl(
  command: string,
  hereDocument: Word | undefined,
  line: number,
): Pick<WalkthroughStep, 'method' | 'url' | 'headers' | 'body'> {
  const words = shellWords(command, line);
  if (plain(words[0]!) !== 'curl') throw new Error(`README line ${line}: not a curl command`);
  let method: string | undefined;
  let url: Word | undefined;
  let body: Word | undefined;
  const headers: Word[] = [];
  for (let index = 1; index < words.length; index++) {
    const word = words[index]!;
    const option = plain(word);
    const argument = () => {
      const next = words[++index];
      if (!next) throw new Error(`README line ${line}: ${option} needs an argument`);
      return next;
    };
    if (option === '-X' || option === '--request') method = plain(argument());
    else if (option === '-H' || option === '--header') headers.push(argument());
    else if (option === '-d' || option === '--data') {
      const data = argument();
      if (plain(data) === '@-') {
        if (!hereDocument) throw new Error(`README line ${line}: -d @- with no here-document`);
        // curl -d @file sends the file without its line breaks.
        body = hereDocument.map((part) => (typeof part === 'string' ? part.replace(/[\r\n]/g, '') : part));
      } else body = data;
    } else if (option?.startsWith('-')) {
      throw new Error(`README line ${line}: the walkthrough's reader does not know curl's ${option}`);
    } else if (url === undefined) url = word;
    else throw new Error(`README line ${line}: a second URL`);
  }
  if (!url) throw new Error(`README line ${line}: no URL`);
  if (hereDocument && !body) throw new Error(`README line ${line}: a here-document that is not sent`);
  return { method: method ?? (body ? 'POST' : 'GET'), url, headers, ...(body ? { body } : {}) };
}

/** Splits a command line into words as the shell does: quotes, backslashes, `$VAR` and `${VAR}`. */
function shellWords(command: string, line: number): Word[] {
  const words: Word[] = [];
  let current: (string | { variable: string })[] | null = null;
  const push = (part: string | { variable: string }) => {
    current ??= [];
    const last = current[current.length - 1];
    if (typeof part === 'string' && typeof last === 'string') current[current.length - 1] = last + part;
    else current.push(part);
  };
  let index = 0;
  while (index < command.length) {
    const char = command[index]!;
    if (/\s/.test(char)) {
      if (current) words.push(current);
      current = null;
      index++;
    } else if (char === "'") {
      const end = command.indexOf("'", index + 1);
      if (end < 0) throw new Error(`README line ${line}: unterminated '`);
      push(command.slice(index + 1, end));
      index = end + 1;
    } else if (char === '"') {
      const end = command.indexOf('"', index + 1);
      if (end < 0) throw new Error(`README line ${line}: unterminated "`);
      for (const part of expandable(command.slice(index + 1, end))) push(part);
      if (end === index + 1) push('');
      index = end + 1;
    } else {
      const word = /^[^\s'"]+/.exec(command.slice(index))![0];
      for (const part of expandable(word)) push(part);
      index += word.length;
    }
  }
  if (current) words.push(current);
  return words;
}

/** Text in which `$NAME` and `${NAME}` are variables (unquoted, double quotes, here-documents). */
function expandable(text: string): Word {
  const parts: (string | { variable: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(/\$(?:\{(\w+)\}|(\w+))/g)) {
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ variable: (match[1] ?? match[2])! });
    last = match.index + match[0].length;
  }
  if (last < text.length || parts.length === 0) parts.push(text.slice(last));
  return parts;
}

function plain(word: Word): string | undefined {
  return word.every((part) => typeof part === 'string') ? word.join('') : undefined;
}

/** The word with its variables expanded; a variable no earlier step set is an error. */
export function expand(word: Word, variables: ReadonlyMap<string, string>, line: number): string {
  return word
    .map((part) => {
      if (typeof part === 'string') return part;
      const value = variables.get(part.variable);
      if (value === undefined) {
        throw new Error(`README line ${line}: $${part.variable} is not kept by any earlier step`);
      }
      return value;
    })
    .join('');
}

/**
 * The body as written, with each variable as the placeholder `$NAME`: what it is compared with
 * the contract's example by (`matchesExample`).
 */
export function asWritten(word: Word): string {
  return word.map((part) => (typeof part === 'string' ? part : `$${part.variable}`)).join('');
}

/**
 * Whether a body as written is the example: equal, except that a string holding a variable
 * (an id an earlier answer gave) stands for any string.
 */
export function matchesExample(written: unknown, example: unknown): boolean {
  if (typeof written === 'string' && /\$\w/.test(written)) return typeof example === 'string';
  if (Array.isArray(written)) {
    return (
      Array.isArray(example) &&
      written.length === example.length &&
      written.every((item, index) => matchesExample(item, example[index]))
    );
  }
  if (written !== null && typeof written === 'object') {
    if (example === null || typeof example !== 'object' || Array.isArray(example)) return false;
    const keys = Object.keys(written);
    const exampleKeys = Object.keys(example);
    return (
      keys.length === exampleKeys.length &&
      keys.every(
        (key) =>
          key in example &&
          matchesExample(
            (written as Record<string, unknown>)[key],
            (example as Record<string, unknown>)[key],
          ),
      )
    );
  }
  return written === example;
}

/** The value at `items[0].planId` of an answer. */
export function valueAt(answer: unknown, path: string): unknown {
  let value = answer;
  for (const key of path.split(/\.|\[(\d+)\]/).filter((part) => part !== undefined && part !== '')) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** A row of the README's "Who may call what": its operations, and each role's cell. */
export interface RoleRow {
  readonly line: number;
  readonly what: string;
  /** `METHOD /template`, alternatives of the last segment spelled out (grant\|deny: two). */
  readonly operations: readonly string[];
  /** The cell of each role column: "—" refused, anything else allowed (within its scope). */
  readonly cells: Readonly<Record<string, string>>;
}

/** The table of the README's "### Who may call what" section. */
export function parseRoleTable(readme: string): { roles: string[]; rows: RoleRow[] } {
  const lines = readme.split('\n');
  const start = lines.findIndex((line) => line === '### Who may call what');
  if (start < 0) throw new Error('The README has no "### Who may call what" section');
  const first = lines.findIndex((line, index) => index > start && line.startsWith('|'));
  const cellsOf = (line: string) =>
    line
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim());
  const header = cellsOf(lines[first]!);
  if (header[0] !== 'what' || header[1] !== 'operations') {
    throw new Error(`README line ${first + 1}: the table's columns are "what", "operations", then roles`);
  }
  const roles = header.slice(2);
  const rows: RoleRow[] = [];
  for (let index = first + 2; index < lines.length && lines[index]!.startsWith('|'); index++) {
    const cells = cellsOf(lines[index]!);
    if (cells.length !== header.length) throw new Error(`README line ${index + 1}: ${cells.length} cells`);
    rows.push({
      line: index + 1,
      what: cells[0]!,
      operations: [...cells[1]!.matchAll(/`([A-Z]+) ([^`]+)`/g)].flatMap(([, method, path]) => {
        const segments = path!.replaceAll('\\|', '|').split('/');
        const last = segments.pop()!;
        return last.split('|').map((alternative) => `${method} ${[...segments, alternative].join('/')}`);
      }),
      cells: Object.fromEntries(roles.map((role, column) => [role, cells[column + 2]!])),
    });
  }
  return { roles, rows };
}
