import { jetstream } from '@nats-io/jetstream';
import type { NatsConnection } from '@nats-io/transport-node';
import { parseCloudEvent, type CoordCloudEvent } from '../../src/index.js';

export interface Received {
  readonly envelope: CoordCloudEvent;
  readonly subject: string;
  readonly streamSequence: number;
}

/**
 * Reads a durable pull consumer the way an agency's system would (fetch, ack), until it has at
 * least `atLeast` messages and then nothing more arrives for about a second, or the deadline.
 */
export async function drainConsumer(
  nc: NatsConnection,
  stream: string,
  durable: string,
  options: { readonly atLeast?: number; readonly timeoutMs?: number } = {},
): Promise<Received[]> {
  const atLeast = options.atLeast ?? 0;
  const deadline = Date.now() + (options.timeoutMs ?? 20_000);
  const consumer = await jetstream(nc).consumers.get(stream, durable);
  const received: Received[] = [];
  while (Date.now() < deadline) {
    const batch = await consumer.fetch({ max_messages: 1_000, expires: 1_000 });
    let count = 0;
    try {
      for await (const msg of batch) {
        received.push({ envelope: parseCloudEvent(msg.data), subject: msg.subject, streamSequence: msg.seq });
        msg.ack();
        count += 1;
      }
    } catch (error) {
      // A busy host (or a server just restarted) can miss a pull's idle heartbeats: that pull
      // ends, and the next one goes on where the acknowledged messages left off.
      if (!/heartbeats missed/i.test(String(error))) throw error;
      continue;
    }
    if (count === 0 && received.length >= atLeast) break;
  }
  await nc.flush();
  return received;
}

/** The ids of a list of envelopes, in order. */
export const idsOf = (received: readonly Received[]): string[] => received.map((r) => r.envelope.id);
