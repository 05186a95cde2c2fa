import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { answerLanguage, type Language } from '#libs/platform';

/** The language the answer is given in: Accept-Language, Vietnamese by default (libs/platform i18n). */
export const AnswerLanguage = createParamDecorator((_data: unknown, context: ExecutionContext): Language =>
  answerLanguage(context.switchToHttp().getRequest<FastifyRequest>()),
);
