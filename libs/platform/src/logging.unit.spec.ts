import { Writable } from 'node:stream';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { PinoLoggerService } from './logging.js';

/** A PinoLoggerService over a pino logger that writes its JSON lines into an array. */
function loggerWithLines(): { logger: PinoLoggerService; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const root = pino({ level: 'trace', base: { service: 'coord-test' } }, sink);
  return { logger: new PinoLoggerService(root), lines };
}

describe('PinoLoggerService', () => {
  it("writes Nest's message and context as msg and context, at the matching pino level", () => {
    const { logger, lines } = loggerWithLines();
    logger.log('Coordination API listening', 'Bootstrap');
    logger.warn('slow projection', 'ProjectionRunner');
    logger.verbose('detail');
    expect(lines).toMatchObject([
      { level: 30, service: 'coord-test', context: 'Bootstrap', msg: 'Coordination API listening' },
      { level: 40, context: 'ProjectionRunner', msg: 'slow projection' },
      { level: 10, msg: 'detail' },
    ]);
    expect(lines[2]).not.toHaveProperty('context');
  });

  it('logs an object as fields of the line, and further parameters as its message', () => {
    const { logger, lines } = loggerWithLines();
    logger.log({ agency: 'lc-so-y-te', events: 3 }, 'caught up', 'Fanout');
    expect(lines[0]).toMatchObject({
      level: 30,
      agency: 'lc-so-y-te',
      events: 3,
      msg: 'caught up',
      context: 'Fanout',
    });
  });

  it('logs an Error under err, with its message and stack', () => {
    const { logger, lines } = loggerWithLines();
    logger.error(new Error('connection refused'), 'NatsModule');
    expect(lines[0]).toMatchObject({
      level: 50,
      context: 'NatsModule',
      err: { type: 'Error', message: 'connection refused' },
    });
    expect((lines[0]!['err'] as { stack: string }).stack).toContain('connection refused');
  });

  it("turns an exception handler's (message, stack, context) into one error with that stack", () => {
    const { logger, lines } = loggerWithLines();
    const stack = 'Error: boom\n    at handler (apps/api/src/plans/plans.controller.ts:10:5)';
    logger.error('boom', stack, 'ExceptionsHandler');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({
      level: 50,
      context: 'ExceptionsHandler',
      err: { message: 'boom', stack },
    });
  });

  it('keeps an error message whose second parameter is no stack as a message, not an error', () => {
    const { logger, lines } = loggerWithLines();
    logger.error('stopping', 'not a stack', 'Worker');
    expect(lines[0]).toMatchObject({ level: 50, context: 'Worker', msg: 'stopping' });
    expect(lines[0]).not.toHaveProperty('err');
  });

  it("formats the parameters between message and context into the message, as pino's printf does", () => {
    const { logger, lines } = loggerWithLines();
    logger.log('projection %s at position %d', 'plans', 42, 'ProjectionRunner');
    expect(lines[0]).toMatchObject({ context: 'ProjectionRunner', msg: 'projection plans at position 42' });
  });
});
