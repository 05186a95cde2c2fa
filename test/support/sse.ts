import { expectContract } from './contract.js';
/** One Server-Sent Events message as a client sees it. */
export interface SseMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * A minimal SSE client over fetch for tests: it records messages and comments as they arrive,
 * and lets a test wait for a condition (bounded, never a fixed sleep).
 */
export class SseConnection {
  /** The messages with data, in order (a message with only an id is not one of them). */
  readonly messages: SseMessage[] = [];
  /** The ids of the messages without data (a feed's starting point), in order. */
  readonly idOnly: string[] = [];
  /** The last id received, with or without data: what a browser sends back as Last-Event-ID. */
  lastEventId: string | undefined;
  readonly comments: string[] = [];
  private ended = false;
  private failure: unknown;
  private readonly waiters = new Set<() => void>();

  private constructor(
    readonly status: number,
    readonly headers: Headers,
    private readonly abort: AbortController,
  ) {}

  /** Opens the stream; a non-2xx answer is returned with its body in `problem`. */
  static async open(
    url: string,
    headers: Record<string, string>,
  ): Promise<{ connection?: SseConnection; status: number; contentType: string | null; problem?: any }> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    const contentType = response.headers.get('content-type');
    // As every answer a suite sees: one the API's OpenAPI document describes (contract.ts).
    const { origin, pathname, search } = new URL(url);
    if (!response.ok || !response.body) {
      const text = await response.text();
      const problem = text ? JSON.parse(text) : null;
      await expectContract(origin, 'GET', pathname + search, {
        status: response.status,
        headers: response.headers,
        body: problem,
      });
      return { status: response.status, contentType, problem };
    }
    await expectContract(origin, 'GET', pathname + search, {
      status: response.status,
      headers: response.headers,
      body: null,
    });
    const connection = new SseConnection(response.status, response.headers, abort);
    void connection.read(response.body);
    return { connection, status: response.status, contentType };
  }

  /** The ids of the messages received, in order. */
  get ids(): string[] {
    return this.messages.map((message) => message.id ?? '');
  }

  /** The JSON data of each message. */
  get data(): any[] {
    return this.messages.map((message) => JSON.parse(message.data));
  }

  /** Resolves once `condition` holds; fails after `timeoutMs` or when the stream ends first. */
  async until(condition: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!condition()) {
      if (this.failure)
        throw new Error(
          `the stream failed while waiting for ${what}: ${this.failure instanceof Error ? this.failure.message : 'unknown error'}`,
        );
      if (this.ended) throw new Error(`the stream ended while waiting for ${what}`);
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new Error(
          `timed out waiting for ${what}; received ids ${JSON.stringify(this.ids)}, comments ${JSON.stringify(this.comments)}`,
        );
      }
      await this.change(Math.min(left, 1_000));
    }
  }

  /** Resolves once the server has ended the stream; fails after `timeoutMs`. */
  async end(timeoutMs = 10_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.ended) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error('the stream is still open');
      await this.change(Math.min(left, 1_000));
    }
  }

  /** Waits for the next chunk or the end of the stream, at most `ms`. */
  private change(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const waiters = this.waiters;
      function done(): void {
        clearTimeout(timer);
        waiters.delete(done);
        resolve();
      }
      waiters.add(done);
    });
  }

  close(): void {
    this.abort.abort();
  }

  private async read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    let block: { id?: string; event?: string; data: string[] } = { data: [] };
    try {
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        buffer += decoder.decode(chunk, { stream: true });
        let newline: number;
        while ((newline = buffer.search(/\r\n|\r|\n/)) >= 0) {
          const line = buffer.slice(0, newline);
          buffer = buffer.slice(newline + (buffer.startsWith('\r\n', newline) ? 2 : 1));
          if (line === '') {
            if (block.id !== undefined) this.lastEventId = block.id;
            if (block.data.length > 0) {
              this.messages.push({ id: block.id, event: block.event, data: block.data.join('\n') });
            } else if (block.id !== undefined) {
              this.idOnly.push(block.id);
            }
            block = { data: [] };
          } else if (line.startsWith(':')) {
            this.comments.push(line.slice(1).trim());
          } else {
            const colon = line.indexOf(':');
            const field = colon < 0 ? line : line.slice(0, colon);
            const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
            if (field === 'data') block.data.push(value);
            else if (field === 'id') block.id = value;
            else if (field === 'event') block.event = value;
          }
        }
        this.notify();
      }
    } catch (error) {
      if (!this.abort.signal.aborted) this.failure = error;
    } finally {
      this.ended = true;
      this.notify();
    }
  }

  private notify(): void {
    for (const waiter of [...this.waiters]) waiter();
  }
}
