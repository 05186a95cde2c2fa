import {
  createInbox,
  type Msg,
  type MsgHdrs,
  type NatsConnection,
  type Subscription,
} from '@nats-io/transport-node';

/** What JetStream answers to a stored (or de-duplicated) message. */
export interface StreamAck {
  readonly stream: string;
  readonly seq: number;
  readonly duplicate: boolean;
}

export interface PipelinedMessage {
  readonly subject: string;
  readonly payload: string | Uint8Array;
  readonly headers: MsgHdrs;
}

/** JetStream refused a message (e.g. wrong expected stream), or nothing captured its subject. */
export class JetStreamPublishError extends Error {
  override readonly name = 'JetStreamPublishError';
  constructor(
    message: string,
    readonly code?: number,
  ) {
    super(message);
  }
}

export class PubAckTimeoutError extends Error {
  override readonly name = 'PubAckTimeoutError';
}

interface Pending {
  readonly subject: string;
  resolve(ack: StreamAck): void;
  reject(error: Error): void;
}

/**
 * JetStream publishing without a request per message: every message is a plain publish whose
 * reply subject is a token under one inbox subscription, and the PubAcks are matched as they
 * come back (what the Go client calls PublishAsync). About three times the throughput of
 * awaiting `js.publish` per message, because no per-request subscription, timer or promise
 * chain is set up; the server treats both the same.
 */
export class PipelinedPublisher {
  private readonly inbox = createInbox();
  private readonly pending = new Map<string, Pending>();
  private subscription: Subscription | undefined;
  private counter = 0;

  constructor(private readonly nc: NatsConnection) {}

  /**
   * Publishes every message and settles each with its PubAck, its refusal, or a timeout once
   * `timeoutMs` has passed since the last was sent.
   */
  async publishAll(
    messages: readonly PipelinedMessage[],
    timeoutMs: number,
  ): Promise<PromiseSettledResult<StreamAck>[]> {
    this.subscribe();
    const tokens: string[] = [];
    const outcomes = messages.map(
      (message) =>
        new Promise<StreamAck>((resolve, reject) => {
          const token = (this.counter++).toString(36);
          tokens.push(token);
          this.pending.set(token, { subject: message.subject, resolve, reject });
          try {
            this.nc.publish(message.subject, message.payload, {
              reply: `${this.inbox}.${token}`,
              headers: message.headers,
            });
          } catch (error) {
            this.pending.delete(token);
            reject(error instanceof Error ? error : new Error(String(error)));
          }
        }),
    );
    const timer = setTimeout(() => {
      for (const token of tokens) {
        const pending = this.pending.get(token);
        if (!pending) continue;
        this.pending.delete(token);
        pending.reject(new PubAckTimeoutError(`No PubAck for ${pending.subject} within ${timeoutMs} ms`));
      }
    }, timeoutMs);
    try {
      return await Promise.allSettled(outcomes);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Fails every publish still waiting for its PubAck (the connection was lost or closed). */
  failPending(reason: string): void {
    for (const [token, pending] of this.pending) {
      this.pending.delete(token);
      pending.reject(new PubAckTimeoutError(`No PubAck for ${pending.subject}: ${reason}`));
    }
  }

  close(): void {
    this.subscription?.unsubscribe();
    this.subscription = undefined;
  }

  private subscribe(): void {
    if (this.subscription && !this.subscription.isClosed()) return;
    this.subscription = this.nc.subscribe(`${this.inbox}.*`, {
      callback: (_error, msg) => this.settle(msg),
    });
  }

  private settle(msg: Msg): void {
    const token = msg.subject.slice(this.inbox.length + 1);
    const pending = this.pending.get(token);
    if (!pending) return; // timed out already
    this.pending.delete(token);
    if (msg.data.length === 0) {
      const code = msg.headers?.code ?? 0;
      pending.reject(
        new JetStreamPublishError(
          code === 503
            ? `No JetStream stream captures ${pending.subject} (503 no responders)`
            : `Unexpected reply ${code} ${msg.headers?.description ?? ''} for ${pending.subject}`,
          code,
        ),
      );
      return;
    }
    let reply: {
      stream?: unknown;
      seq?: unknown;
      duplicate?: unknown;
      error?: { code?: number; description?: string };
    };
    try {
      reply = msg.json();
    } catch {
      pending.reject(new JetStreamPublishError(`Unreadable PubAck for ${pending.subject}`));
      return;
    }
    if (reply.error) {
      pending.reject(
        new JetStreamPublishError(
          `JetStream refused ${pending.subject}: ${reply.error.description ?? 'unknown error'}`,
          reply.error.code,
        ),
      );
      return;
    }
    if (typeof reply.stream !== 'string' || typeof reply.seq !== 'number') {
      pending.reject(new JetStreamPublishError(`Invalid PubAck for ${pending.subject}`));
      return;
    }
    pending.resolve({ stream: reply.stream, seq: reply.seq, duplicate: reply.duplicate === true });
  }
}
