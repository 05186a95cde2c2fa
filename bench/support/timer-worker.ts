/**
 * One deadline worker for `npm run bench:timers`: the DeadlineFirer the worker process runs, on
 * its own pool, with the clock fixed at the instant given (argv: database URL, schema, instant).
 * Prints `ready` once loaded, starts firing on a line on standard input, and prints `fired N` after
 * each batch it commits.
 */
import pg from 'pg';
import { PostgresEventStore } from '#libs/event-store';
import { DeadlineFirer, ManualClock } from '#libs/platform';

const [databaseUrl, schema, instant] = process.argv.slice(2);
if (!databaseUrl || !schema || !instant) throw new Error('usage: timer-worker URL SCHEMA INSTANT');
const pool = new pg.Pool({ connectionString: databaseUrl, max: 2 });
const store = new PostgresEventStore(pool, { schema });
let fired = 0;
const firer = new DeadlineFirer({
  pool,
  store,
  schema,
  clock: new ManualClock(instant),
  batchSize: Number(process.env.BENCH_TIMER_BATCH ?? 500),
  pollIntervalMs: 50,
  logger: {
    warn: (details, message) =>
      process.stderr.write(`${message} ${String((details as { err?: unknown }).err)}\n`),
  },
  onFired: (events) => {
    fired += events.length;
    process.stdout.write(`fired ${fired}\n`);
  },
});
// Ready: the modules are loaded and the pool open. Start on the parent's word, so that the rate
// measures firing, not the start of a Node process.
await pool.query('select 1');
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8').once('data', () => firer.start());
process.on('SIGTERM', () => {
  void firer.stop().then(() => pool.end().then(() => process.exit(0)));
});
