import type { Pool } from 'pg';
import { START_OF_LOG, type LogPosition } from '#libs/event-store';
import { connectTestPostgres, uniqueSchema } from '../../../test/support/postgres.js';
import { CheckpointWatch } from '../src/checkpoint-watch.js';

const at = (n: number): LogPosition => ({ transactionId: BigInt(n), globalPosition: BigInt(n) });

/** A minute: only the notification, never the safety poll, can answer within a test. */
const NO_POLL = 60_000;

describe('waiting for projections in another process (CheckpointWatch on PostgreSQL)', () => {
  let pool: Pool;
  let channel: string;
  let oldest: LogPosition;
  let looks: number;
  let watch: CheckpointWatch;

  const notify = () => pool.query('select pg_notify($1, $2)', [channel, '']);
  const readCheckpoints = (): Promise<LogPosition> => {
    looks++;
    return Promise.resolve(oldest);
  };
  /** Until every waiter has had its first look: from then on only a notification answers it. */
  async function firstLooks(count: number): Promise<void> {
    while (looks < count) await new Promise((resolve) => setImmediate(resolve));
  }

  beforeAll(async () => {
    pool = await connectTestPostgres(4);
  });

  beforeEach(() => {
    channel = `${uniqueSchema('cw')}_projection_checkpoints`;
    oldest = START_OF_LOG;
    looks = 0;
    watch = new CheckpointWatch({
      pool,
      channel,
      oldestCheckpoint: readCheckpoints,
      pollIntervalMs: NO_POLL,
    });
  });

  afterEach(async () => {
    await watch.close();
  });

  afterAll(async () => {
    await pool.end();
  });

  it('answers at once when the checkpoints are already there', async () => {
    oldest = at(10);
    await expect(watch.waitFor(at(10), 1_000)).resolves.toBe(true);
  });

  it('answers a waiter when the runner announces a checkpoint at or past its position', async () => {
    const waiting = watch.waitFor(at(10), 10_000);
    const started = Date.now();
    await firstLooks(1);

    oldest = at(5);
    await notify(); // not far enough: still waiting
    oldest = at(12);
    await notify();

    await expect(waiting).resolves.toBe(true);
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('answers every waiter that a notification satisfies, and keeps the others waiting', async () => {
    const near = watch.waitFor(at(3), 10_000);
    const far = watch.waitFor(at(30), 300);
    await firstLooks(1);
    oldest = at(3);
    await notify();

    await expect(near).resolves.toBe(true);
    await expect(far).resolves.toBe(false);
  });

  it('answers false when the checkpoints do not get there in time', async () => {
    await expect(watch.waitFor(at(10), 100)).resolves.toBe(false);
  });

  it('listens again after its connection was lost, and the slow poll answers meanwhile', async () => {
    await watch.close();
    watch = new CheckpointWatch({ pool, channel, oldestCheckpoint: readCheckpoints, pollIntervalMs: 100 });
    const listeners = async (): Promise<number> => {
      const { rows } = await pool.query<{ n: number }>(
        `select count(*)::int as n from pg_stat_activity where query = $1 and pid <> pg_backend_pid()`,
        [`listen "${channel}"`],
      );
      return rows[0]!.n;
    };
    oldest = at(1);
    await watch.waitFor(at(1), 1_000); // opens the listening connection
    expect(await listeners()).toBe(1);
    await pool.query(
      `select pg_terminate_backend(pid) from pg_stat_activity where query = $1 and pid <> pg_backend_pid()`,
      [`listen "${channel}"`],
    );

    const waiting = watch.waitFor(at(20), 10_000);
    await firstLooks(looks + 1);
    oldest = at(20);
    await expect(waiting).resolves.toBe(true);

    // A new listening connection is open (reopened by the next wait or by the poll).
    const deadline = Date.now() + 5_000;
    while ((await listeners()) !== 1 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    expect(await listeners()).toBe(1);
  });

  it('answers false to everyone waiting when closed', async () => {
    const waiting = watch.waitFor(at(10), 10_000);
    await firstLooks(1);
    await watch.close();
    await expect(waiting).resolves.toBe(false);
  });
});
