import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import type { AppConfig } from './config.js';

/** Structured JSON logs (pino), one line per event, with a request id on every HTTP log line. */
export function loggingModule(config: AppConfig, service: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level: config.logLevel,
      base: { service },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      customProps: () => ({ service }),
      autoLogging: { ignore: (req) => req.url === '/health' },
    },
  });
}
