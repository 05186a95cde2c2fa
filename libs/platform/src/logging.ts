import type { FastifyInstance } from 'fastify';
import { LoggerModule, PinoLogger } from 'nestjs-pino';
import { stdSerializers, type Logger } from 'pino';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config.js';

/**
 * Structured JSON logs (pino), one line per event. The application's own logs (Nest's Logger)
 * go through nestjs-pino's root logger. HTTP requests are logged by `installRequestLogging`, not
 * by nestjs-pino's pino-http middleware: on Fastify that middleware runs through middie and an
 * AsyncLocalStorage context for every request, about a tenth of the API's CPU per command.
 */
export function loggingModule(config: AppConfig, service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      base: { service },
      // Request lines carry plain summaries (installRequestLogging): logged as they are.
      wrapSerializers: false,
      serializers: { req: asLogged, res: asLogged, err: stdSerializers.err },
    },
    // No request middleware (see above).
    forRoutes: [],
  });
}

/**
 * One line per HTTP request when it has been answered: its id (Fastify's, also the commands'
 * default correlation id), method, path, status and time taken. Never headers: no tokens or
 * cookies in the logs, and nothing to redact. /health is not logged.
 */
export function installRequestLogging(fastify: FastifyInstance): void {
  const logger = rootLogger();
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && request.url !== '/health') {
      logger.info(
        {
          req: { id: request.id, method: request.method, url: request.url },
          res: { statusCode: reply.statusCode },
          responseTime: Math.round(reply.elapsedTime * 10) / 10,
        },
        'request completed',
      );
    }
    done();
  });
}

function asLogged(value: unknown): unknown {
  return value;
}

/** The pino logger behind nestjs-pino, once its LoggerModule has been instantiated. */
function rootLogger(): Logger {
  const root = PinoLogger.root as Logger | undefined;
  if (!root) throw new Error('The logging module has not started: import loggingModule() first');
  return root;
}
