import 'reflect-metadata';
import { HttpException } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import {
  createValidationPipe,
  HttpMetrics,
  installAnswerLanguage,
  installRequestLogging,
  keepShortLivedObjectsYoung,
  NfcNormalisationPipe,
  PinoLoggerService,
  ProblemDetailsFilter,
  trustedProxies,
  type AppConfig,
  type TokenVerifier,
} from '#libs/platform';
import { ApiModule } from './api.module.js';
import { createOpenApiDocument } from './contract/openapi-document.js';
import { TOKEN_VERIFIER } from './auth/authentication.guard.js';
import { installRateLimits } from './edges/rate-limits.js';
import { installSecurityHeaders } from './edges/security-headers.js';
import { BODY_LIMIT_BYTES, installBodyParsers, tooLargeProblem } from './body-parsers.js';
import { answerClientError, answerFrameworkError } from './framework-errors.js';
import { installDashboard } from './web/web-app.js';

/**
 * Builds the HTTP application (Nest on Fastify, see docs/adr/0006-fastify-http-platform.md);
 * main.ts listens, tests call this and listen on a spare port.
 */
export async function createApiApplication(config: AppConfig): Promise<NestFastifyApplication> {
  // Before the start-up reads: a request's garbage must die young (ADR 0047).
  keepShortLivedObjectsYoung(config);
  const adapter = new FastifyAdapter({
    // 1 MB unless a route says otherwise (only POST /plans/import does; see body-parsers.ts).
    bodyLimit: BODY_LIMIT_BYTES,
    // As before: /tasks/ is /tasks.
    routerOptions: { ignoreTrailingSlash: true },
    // What Fastify refuses before routing answers problem+json too (framework-errors.ts).
    frameworkErrors: answerFrameworkError,
    clientErrorHandler: answerClientError,
    // Whose X-Forwarded-For / -Proto to believe: the client's address (per-IP limit), https (HSTS).
    trustProxy: trustedProxies(config),
  });
  const app = await NestFactory.create<NestFastifyApplication>(ApiModule.forRoot(config), adapter, {
    bufferLogs: true,
    bodyParser: false,
    // Throw start-up errors to the caller (main.ts prints them) instead of exiting the process.
    abortOnError: false,
  });
  app.useLogger(app.get(PinoLoggerService));
  // From here on, log straight to pino rather than buffer until init ends (see apps/worker).
  app.flushLogs();
  installRequestLogging(app.getHttpAdapter().getInstance());
  // Content-Language and Vary: Accept-Language on every JSON answer (Vietnamese by default).
  installAnswerLanguage(app.getHttpAdapter().getInstance());
  // Headers first, so that a refusal by the rate limit carries them too (edges/, ADR 0016).
  installSecurityHeaders(app.getHttpAdapter().getInstance(), config);
  await installRateLimits(app.getHttpAdapter().getInstance(), config, app.get<TokenVerifier>(TOKEN_VERIFIER));
  app.get(HttpMetrics).install(app.getHttpAdapter().getInstance());
  // Before the routes are registered (at init): it sets each route's body limit as it is added.
  installBodyParsers(app.getHttpAdapter().getInstance()); // 1 MB; plan documents up to 10 MB
  app.useGlobalPipes(new NfcNormalisationPipe(), createValidationPipe());
  // A body the server refused by its length alone gets the problem its route would have given.
  app.useGlobalFilters(
    new ProblemDetailsFilter((exception, request) =>
      exception instanceof HttpException && exception.getStatus() === 413
        ? tooLargeProblem(request)
        : exception,
    ),
  );

  // The dashboard at / (the built files of web/, when built: dist/web).
  if (!(await installDashboard(app.getHttpAdapter().getInstance()))) {
    app.get(PinoLoggerService).warn('The dashboard is not built (npm run build:web): / is not served', 'Api');
  }
  SwaggerModule.setup('docs', app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
