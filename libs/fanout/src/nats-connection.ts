import { connect, type NatsConnection, type NodeConnectionOptions } from '@nats-io/transport-node';

/**
 * Connects with the settings a long-running publisher or consumer wants: reconnect for ever
 * (a NATS outage only delays delivery), including when NATS is not up yet at start-up. The
 * returned promise therefore waits for NATS; start the publisher without blocking the rest of
 * the worker on it.
 */
export function connectToNats(options: NodeConnectionOptions = {}): Promise<NatsConnection> {
  return connect({
    name: 'coord',
    maxReconnectAttempts: -1,
    reconnectTimeWait: 1_000,
    waitOnFirstConnect: true,
    ...options,
  });
}
