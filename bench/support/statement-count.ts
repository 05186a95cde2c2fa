/**
 * A preload for a benchmarked process (`node --import <this file's .js>`, started with an IPC
 * channel): counts the statements the process sends through `pg` (every `Client.query`: BEGIN and
 * COMMIT included) and the HTTP requests it receives, by the statement's first words, and sends the
 * counts when the benchmark asks (`{ statements: <ask number> }` over the channel) as its measured time starts and
 * ends: statements per command, and which ones. Between asks it only counts, so the measured
 * process does no more work than that.
 *
 * It changes nothing the process does besides counting; it works with any build of the service
 * (the benchmark can load it into main's build for an A/B).
 */
import { subscribe } from 'node:diagnostics_channel';
import { isMainThread } from 'node:worker_threads';
import pg from 'pg';

export interface StatementCounts {
  readonly requests: number;
  readonly statements: number;
  readonly byKind: Record<string, number>;
}

// A preload also runs in every worker thread (the embedded database's): only the main one counts.
if (isMainThread && process.send) {
  let requests = 0;
  let statements = 0;
  const byKind = new Map<string, number>();
  subscribe('http.server.request.start', () => {
    requests++;
  });
  const query = pg.Client.prototype.query as (...args: unknown[]) => unknown;
  pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
    statements++;
    const kind = kindOf(args[0]);
    byKind.set(kind, (byKind.get(kind) ?? 0) + 1);
    return query.apply(this, args);
  } as typeof pg.Client.prototype.query;
  process.on('message', (message) => {
    const ask = message as { readonly statements?: unknown } | null;
    if (typeof ask !== 'object' || ask === null || typeof ask.statements !== 'number') return;
    const counts: StatementCounts = { requests, statements, byKind: Object.fromEntries(byKind) };
    // The ask's number comes back with the answer: a late answer is not taken for the next ask's.
    process.send?.({ statementsAsked: ask.statements, counts });
  });
  // The channel must not keep the process alive once it is asked to stop.
  process.channel?.unref();
}

/** The statement's first words, with schema names and whitespace taken out. */
function kindOf(config: unknown): string {
  const text =
    typeof config === 'string'
      ? config
      : typeof config === 'object' && config !== null && 'text' in config
        ? String(config.text)
        : '?';
  return text
    .replace(/\s+/g, ' ')
    .replace(/"?[a-z_0-9]+"?\.("?[a-z_]+"?)/gi, '$1')
    .trim()
    .slice(0, 90);
}
