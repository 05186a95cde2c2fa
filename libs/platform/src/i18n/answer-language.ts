import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { negotiateLanguage, type Language } from './languages.js';

/** The language a request's answer is given in (Accept-Language; Vietnamese by default). */
export function answerLanguage(request: Pick<FastifyRequest, 'headers'>): Language {
  return negotiateLanguage(request.headers['accept-language']);
}

/** Answers that hold text for people: JSON and problem+json. */
const LOCALISED_TYPES = /^application\/(problem\+)?json\b/i;

/**
 * Every JSON answer says its language (Content-Language) and that it depends on Accept-Language
 * (Vary), so that a shared cache keeps the Vietnamese and the English answers apart.
 */
export function installAnswerLanguage(instance: FastifyInstance): void {
  instance.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload: unknown) => {
    const type = reply.getHeader('content-type');
    if (typeof type !== 'string' || !LOCALISED_TYPES.test(type)) return payload;
    void reply.header('content-language', answerLanguage(request));
    const vary = reply.getHeader('vary');
    const present = typeof vary === 'string' ? vary.split(',').map((name) => name.trim().toLowerCase()) : [];
    if (!present.includes('accept-language') && !present.includes('*'))
      void reply.header(
        'vary',
        typeof vary === 'string' && vary !== '' ? `${vary}, Accept-Language` : 'Accept-Language',
      );
    return payload;
  });
}
