import { Inject, Injectable, Module, type DynamicModule, type LoggerService } from '@nestjs/common';
import type { FastifyInstance } from 'fastify';
import { pino, stdSerializers, type Level, type Logger } from 'pino';
import type { AppConfig } from './config.js';

/**
 * Structured JSON logs (pino), one line per event. The application's own logs (Nest's Logger)
 * go through `PinoLoggerService` to the one pino logger of the process; HTTP requests are logged
 * by `installRequestLogging`. This stands where nestjs-pino stood: no release of it supports both
 * Nest 12 and Node 20, and this is all of it the services used (docs/adr/0008-node-20-dependencies.md).
 */
const ROOT_LOGGER = Symbol('pino root logger');

/** The logger the logging module made last: the one the process's application logs to. */
let currentRoot: Logger | undefined;

function createRootLogger(config: AppConfig, service: string): Logger {
  currentRoot = pino(
    // `base` replaces pino's pid and hostname: every line says which service wrote it.
    { level: config.logLevel, base: { service }, serializers: { err: stdSerializers.err } },
    // Written as it is logged. pino's default buffers lines and writes them from a thread; at exit
    // it wrote the newest synchronously while an older one was still on its way, so a shutdown's
    // last lines came out in the wrong order, or not at all. Measured: 3.3 µs of CPU a line
    // written synchronously, 4.7 µs buffered.
    pino.destination({ dest: 1, sync: true }),
  );
  return currentRoot;
}

/**
 * Nest's logger interface written to pino. The last optional parameter is Nest's context (the
 * class that logged), kept as `context`; an Error is logged under `err` with its stack.
 */
@Injectable()
export class PinoLoggerService implements LoggerService {
  constructor(@Inject(ROOT_LOGGER) private readonly logger: Logger) {}

  verbose(message: unknown, ...optionalParams: unknown[]): void {
    this.write('trace', message, optionalParams);
  }

  debug(message: unknown, ...optionalParams: unknown[]): void {
    this.write('debug', message, optionalParams);
  }

  log(message: unknown, ...optionalParams: unknown[]): void {
    this.write('info', message, optionalParams);
  }

  warn(message: unknown, ...optionalParams: unknown[]): void {
    this.write('warn', message, optionalParams);
  }

  error(message: unknown, ...optionalParams: unknown[]): void {
    this.write('error', message, optionalParams);
  }

  fatal(message: unknown, ...optionalParams: unknown[]): void {
    this.write('fatal', message, optionalParams);
  }

  private write(level: Level, message: unknown, optionalParams: unknown[]): void {
    // pino takes (fields, message, ...interpolation values), as nestjs-pino passed them on.
    const log = (fields: object, ...rest: unknown[]): void => {
      Reflect.apply(this.logger[level], this.logger, [fields, ...rest]);
    };
    const fields: Record<string, unknown> = {};
    let params = optionalParams;
    if (params.length > 0) {
      fields['context'] = params[params.length - 1];
      params = params.slice(0, -1);
    }
    if (message instanceof Error) {
      log({ ...fields, err: message }, ...params);
    } else if (typeof message === 'object' && message !== null) {
      log({ ...fields, ...message }, ...params);
    } else if (isMessageAndStack(level, message, params)) {
      // Nest's exception handlers call error(message, stack, context): one error with that stack.
      const err = new Error(message as string);
      err.stack = params[0] as string;
      log({ ...fields, err });
    } else {
      log(fields, message, ...params);
    }
  }
}

function isMessageAndStack(level: Level, message: unknown, params: unknown[]): boolean {
  return (
    level === 'error' &&
    typeof message === 'string' &&
    params.length === 1 &&
    typeof params[0] === 'string' &&
    /\n\s*at /.test(params[0])
  );
}

@Module({})
class LoggingModule {}

/** The process's pino logger and `PinoLoggerService` (pass it to `app.useLogger`), for every module. */
export function loggingModule(config: AppConfig, service: string): DynamicModule {
  return {
    module: LoggingModule,
    global: true,
    providers: [
      { provide: ROOT_LOGGER, useFactory: () => createRootLogger(config, service) },
      PinoLoggerService,
    ],
    exports: [ROOT_LOGGER, PinoLoggerService],
  };
}

/**
 * One line per HTTP request when it has been answered: its id (Fastify's, also the commands'
 * default correlation id), method, path, status and time taken. Never headers: no tokens or
 * cookies in the logs, and nothing to redact. Probes and scrapes (UNLOGGED_PATHS) are not logged.
 */
export function installRequestLogging(fastify: FastifyInstance): void {
  const logger = rootLogger();
  fastify.addHook('onResponse', (request, reply, done) => {
    if (logger.isLevelEnabled('info') && !UNLOGGED_PATHS.has(request.url)) {
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

/** Asked every few seconds by Kubernetes and Prometheus: a line each would drown the others. */
const UNLOGGED_PATHS = new Set(['/health', '/health/live', '/health/ready', '/metrics']);

/** The pino logger of the application created last, once its logging module has been instantiated. */
function rootLogger(): Logger {
  if (!currentRoot) throw new Error('The logging module has not started: import loggingModule() first');
  return currentRoot;
}
