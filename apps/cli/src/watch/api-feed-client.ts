import { parseCloudEvent, type CoordCloudEvent } from '#libs/fanout';

/** A refusal or a failure `coord watch` cannot recover from by reconnecting. */
export class WatchError extends Error {
  override readonly name = 'WatchError';
}

export interface ApiFeedOptions {
  /** The API's base URL, e.g. http://localhost:3000. */
  readonly baseUrl: string;
  readonly agencyCode: string;
  readonly token: string;
  /** First connection only: from this global position (inclusive); otherwise only new events. */
  readonly from?: bigint;
  readonly onEvent: (envelope: CoordCloudEvent) => void;
  /** Connection news for the operator (stderr). */
  readonly onStatus: (message: string) => void;
  readonly signal: AbortSignal;
}

/**
 * Follows `GET /agencies/{code}/feed` and reconnects for ever with the last id received
 * (Last-Event-ID), so a dropped connection or an API restart loses and repeats nothing. A feed
 * that starts live sends its starting position first, as a message with an id and no data: a
 * connection that drops before the first event resumes from there, not live again.
 * Refusals (401, 403, 404, 400) end the watch with the API's own explanation; a first
 * connection that cannot reach the API at all ends it too. A message that is not a CloudEvent
 * is reported and skipped (reconnecting would only receive it again).
 * The feed is a text/event-stream read as it comes, so it is fetched directly rather than through
 * the typed client (libs/api-client), which answers whole JSON bodies; the watch makes no other call.
 */
export async function followApiFeed(options: ApiFeedOptions): Promise<void> {
  let lastEventId: string | undefined;
  let connectedOnce = false;
  let failures = 0;
  while (!options.signal.aborted) {
    const url = new URL(
      `agencies/${encodeURIComponent(options.agencyCode)}/feed`,
      withSlash(options.baseUrl),
    );
    if (lastEventId === undefined && options.from !== undefined)
      url.searchParams.set('from', String(options.from));
    let response: Response;
    try {
      response = await fetch(url, {
        headers: {
          accept: 'text/event-stream',
          // The CLI speaks English: so do the problems it prints.
          'accept-language': 'en',
          authorization: `Bearer ${options.token}`,
          ...(lastEventId === undefined ? {} : { 'last-event-id': lastEventId }),
        },
        signal: options.signal,
      });
    } catch (error) {
      if (options.signal.aborted) return;
      if (!connectedOnce) {
        throw new WatchError(
          `cannot reach the API at ${options.baseUrl} (${causeOf(error)}); is it running (npm start)? Pass --api URL otherwise`,
        );
      }
      failures += 1;
      options.onStatus(`the API does not answer (${causeOf(error)}); retrying`);
      await pause(backoff(failures), options.signal);
      continue;
    }
    if (!response.ok || !response.body) {
      const problem = await readProblem(response);
      if (response.status >= 500 || response.status === 429) {
        failures += 1;
        options.onStatus(`the API answered ${response.status} ${problem}; retrying`);
        await pause(backoff(failures), options.signal);
        continue;
      }
      throw new WatchError(
        `the API refused the feed of ${options.agencyCode}: ${response.status} ${problem}`,
      );
    }
    if (connectedOnce) {
      options.onStatus(
        `reconnected${lastEventId === undefined ? '' : `, resuming after position ${lastEventId}`}`,
      );
    } else {
      options.onStatus(
        `connected to the feed of ${options.agencyCode}${options.from === undefined ? '; showing new events' : ''}`,
      );
    }
    connectedOnce = true;
    failures = 0;
    try {
      let ended = true;
      for await (const message of readEventStream(response.body)) {
        if (message.event === 'error') {
          options.onStatus(`the API ended the feed with an error: ${message.data}`);
          ended = false;
          break;
        }
        if (message.data === '') {
          // An id without data: where a live feed starts. Resume from there if it drops.
          if (message.id !== undefined) lastEventId = message.id;
          continue;
        }
        let envelope: CoordCloudEvent;
        try {
          envelope = parseCloudEvent(message.data);
        } catch (error) {
          options.onStatus(
            `skipped message ${message.id ?? '(no id)'}, which is not a CloudEvent: ${messageOf(error)}`,
          );
          if (message.id !== undefined) lastEventId = message.id;
          continue;
        }
        options.onEvent(envelope);
        if (message.id !== undefined) lastEventId = message.id;
      }
      if (ended && !options.signal.aborted) options.onStatus('the API closed the feed (restarting?)');
    } catch (error) {
      if (options.signal.aborted) return;
      options.onStatus(`connection to the API lost (${causeOf(error)})`);
    }
    if (options.signal.aborted) return;
    failures += 1;
    await pause(backoff(failures), options.signal);
  }
}

interface StreamMessage {
  readonly id: string | undefined;
  readonly event: string | undefined;
  readonly data: string;
}

/**
 * Parses a text/event-stream body into messages (comments are skipped). A message with an id
 * and no data is yielded too, with data '': it moves the last event id (as in a browser).
 */
export async function* readEventStream(body: ReadableStream<Uint8Array>): AsyncGenerator<StreamMessage> {
  const decoder = new TextDecoder();
  let buffer = '';
  let id: string | undefined;
  let event: string | undefined;
  let data: string[] = [];
  let hasId = false;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    buffer += decoder.decode(chunk, { stream: true });
    let end: number;
    while ((end = buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = buffer.slice(0, end);
      buffer = buffer.slice(end + (buffer.startsWith('\r\n', end) ? 2 : 1));
      if (line === '') {
        if (data.length > 0 || event !== undefined || hasId) yield { id, event, data: data.join('\n') };
        event = undefined;
        data = [];
        hasId = false;
        continue;
      }
      if (line.startsWith(':')) continue;
      const colon = line.indexOf(':');
      const field = colon < 0 ? line : line.slice(0, colon);
      const value = colon < 0 ? '' : line.slice(colon + 1).replace(/^ /, '');
      if (field === 'data') data.push(value);
      else if (field === 'id') {
        id = value;
        hasId = true;
      } else if (field === 'event') event = value;
    }
  }
}

async function readProblem(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  try {
    const problem = JSON.parse(text) as { code?: unknown; detail?: unknown; title?: unknown };
    const parts = [problem.code, problem.detail ?? problem.title].filter((part) => typeof part === 'string');
    if (parts.length > 0) return parts.join(': ');
  } catch {
    // Not problem+json: show the start of the body.
  }
  return text.slice(0, 200) || response.statusText;
}

function withSlash(url: string): string {
  return url.endsWith('/') ? url : `${url}/`;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } } | null)?.cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return error instanceof Error ? error.message : String(error);
}

function backoff(failures: number): number {
  return Math.min(10_000, 250 * 2 ** Math.min(failures, 6));
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
    function done(): void {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
  });
}
