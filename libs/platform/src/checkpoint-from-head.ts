import { compareLogPositions, START_OF_LOG, type LogPosition } from '#libs/event-store';

/**
 * The checkpoint of a consumer that acts on what happens from now on (e-mails, webhooks), never
 * on the history: on its first run it starts at the log's readable head, and keeps that.
 */
export async function checkpointFromHead(
  checkpoints: {
    load(name: string): Promise<LogPosition>;
    save(name: string, position: LogPosition): Promise<void>;
  },
  name: string,
  log: { readableHead(): Promise<LogPosition> },
): Promise<LogPosition> {
  const stored = await checkpoints.load(name);
  if (compareLogPositions(stored, START_OF_LOG) !== 0) return stored;
  const head = await log.readableHead();
  await checkpoints.save(name, head);
  return head;
}
