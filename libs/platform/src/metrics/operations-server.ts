import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { httpStatusOfHealth, publicHealth, ReadinessCheck } from '../health/readiness-check.js';
import { MetricsRegistry } from './metrics-registry.js';

/**
 * A small HTTP listener for a process without an HTTP API (the worker): GET /metrics,
 * /health/live and /health/ready, as the API serves them, so Prometheus can scrape it and
 * Kubernetes probe it. Nothing else is served; nothing needs a token, and nothing sensitive is
 * there: the probes answer their status alone (the worker verifies no token, so it shows no
 * operator the details; what is down, and why, is in its log; see README, "Metrics and health").
 */
@Injectable()
export class OperationsServer implements OnApplicationShutdown {
  private readonly logger = new Logger('Operations');
  private server: Server | undefined;

  constructor(
    private readonly metrics: MetricsRegistry,
    private readonly readiness: ReadinessCheck,
  ) {}

  /** Listens on `port` (0: a spare one) of every interface; resolves with the port. */
  async listen(port: number, host = '0.0.0.0'): Promise<number> {
    const server = createServer((request, response) => {
      this.answer(request, response).catch((error: unknown) => {
        this.logger.error({ err: error, msg: 'operations request failed' });
        if (!response.headersSent) send(response, 500, 'text/plain; charset=utf-8', 'internal error\n');
        else response.destroy();
      });
    });
    // Probes and scrapes hold keep-alive connections; a shutdown must not wait for them.
    server.keepAliveTimeout = 5_000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    const bound = (server.address() as AddressInfo).port;
    this.logger.log(`metrics and health on http://${host}:${bound} (/metrics, /health/live, /health/ready)`);
    return bound;
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }

  private async answer(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      response.setHeader('allow', 'GET, HEAD');
      return send(response, 405, 'text/plain; charset=utf-8', 'method not allowed\n');
    }
    switch (path) {
      case '/metrics':
        return send(response, 200, this.metrics.contentType, await this.metrics.scrape());
      case '/health/live':
        return sendJson(response, 200, publicHealth(this.readiness.live()));
      case '/health':
      case '/health/ready': {
        const report = await this.readiness.ready();
        return sendJson(response, httpStatusOfHealth(report), publicHealth(report));
      }
      default:
        return send(
          response,
          404,
          'text/plain; charset=utf-8',
          'not found: try /metrics, /health/live, /health/ready\n',
        );
    }
  }
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  send(response, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

function send(response: ServerResponse, status: number, contentType: string, body: string): void {
  response.writeHead(status, { 'content-type': contentType, 'cache-control': 'no-store' });
  response.end(response.req.method === 'HEAD' ? undefined : body);
}
