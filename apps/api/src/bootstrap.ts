import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { Logger } from 'nestjs-pino';
import {
  createValidationPipe,
  NfcNormalisationPipe,
  ProblemDetailsFilter,
  type AppConfig,
} from '#libs/platform';
import { ApiModule } from './api.module.js';
import { installPlanUploadParsers } from './plans/plan-upload.js';

/** Builds the HTTP application; main.ts listens, tests call this and listen on a spare port. */
export async function createApiApplication(config: AppConfig): Promise<NestExpressApplication> {
  const app = await NestFactory.create<NestExpressApplication>(ApiModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
    // Throw start-up errors to the caller (main.ts prints them) instead of exiting the process.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));
  installPlanUploadParsers(app); // before the 1 MB JSON parser: plan documents up to 10 MB
  app.useBodyParser('json', { limit: '1mb', type: ['application/json', 'application/*+json'] });
  app.enableShutdownHooks();
  app.useGlobalPipes(new NfcNormalisationPipe(), createValidationPipe());
  app.useGlobalFilters(new ProblemDetailsFilter());

  const openApi = new DocumentBuilder()
    .setTitle('Child-protection coordination service')
    .setDescription(
      "Plans of People's Committees, the duties they assign to agencies, and every step taken on them, recorded as events.",
    )
    .setVersion('0.1.0')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'docs-json',
  });
  return app;
}
