import type { IncomingMessage, ServerResponse } from 'node:http';
import { LoggerModule } from 'nestjs-pino';
import { stdSerializers } from 'pino';
import { RequestMethod, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config.js';

type LoggedRequest = IncomingMessage & { id?: unknown; originalUrl?: string };

/**
 * What a request log line says about the request: its id, method and path, never its headers (no
 * tokens or cookies in the logs, and nothing to copy or redact). pino-http binds this to a child
 * logger when each request arrives, whether or not a line is written, so it must stay cheap.
 * The path is `originalUrl`: the middleware layer strips the matched prefix from `url`.
 */
function requestSummary(request: LoggedRequest) {
  return { id: request.id, method: request.method, url: request.originalUrl ?? request.url };
}

function responseSummary(response: ServerResponse) {
  return { statusCode: response.statusCode };
}

/** Structured JSON logs (pino), one line per event, with a request id on every HTTP log line. */
export function loggingModule(config: AppConfig, service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      base: { service },
      // The serializers receive the raw objects (not pino's copies with every header).
      wrapSerializers: false,
      serializers: { req: requestSummary, res: responseSummary, err: stdSerializers.err },
      autoLogging: { ignore: (req: LoggedRequest) => (req.originalUrl ?? req.url) === '/health' },
    },
    // Every route (nestjs-pino's own default pattern matches none on Fastify).
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
  });
}
