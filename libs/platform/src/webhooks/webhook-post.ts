import http from 'node:http';
import https from 'node:https';

/**
 * One POST of a delivery over node:http(s), on keep-alive agents: several times the requests per
 * second of fetch on the same core (measured for bench:webhooks), which is what a sender to
 * hundreds of endpoints spends its time on. Redirects are not followed. The answer's body is read
 * and dropped, so the connection serves the next delivery.
 */
export interface WebhookPoster {
  post(
    url: string,
    headers: Readonly<Record<string, string>>,
    body: string,
    timeoutMs: number,
  ): Promise<number>;
  close(): void;
}

export class WebhookTimeoutError extends Error {
  override readonly name = 'TimeoutError';
}

export function createWebhookPoster(options: { readonly socketsPerEndpoint?: number } = {}): WebhookPoster {
  const settings = { keepAlive: true, maxSockets: options.socketsPerEndpoint ?? 16, keepAliveMsecs: 10_000 };
  const agents = { http: new http.Agent(settings), https: new https.Agent(settings) };
  return {
    post(url, headers, body, timeoutMs) {
      return new Promise<number>((resolve, reject) => {
        const target = new URL(url);
        const secure = target.protocol === 'https:';
        const payload = Buffer.from(body, 'utf8');
        const request = (secure ? https : http).request(
          target,
          {
            method: 'POST',
            agent: secure ? agents.https : agents.http,
            headers: { ...headers, 'content-length': String(payload.length) },
          },
          (response) => {
            response.resume();
            response.on('end', () => {
              clearTimeout(timer);
              resolve(response.statusCode ?? 0);
            });
            response.on('error', fail);
          },
        );
        const timer = setTimeout(
          () => request.destroy(new WebhookTimeoutError('the endpoint did not answer in time')),
          timeoutMs,
        );
        function fail(error: Error): void {
          clearTimeout(timer);
          reject(error);
        }
        request.on('error', fail);
        request.end(payload);
      });
    },
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}
