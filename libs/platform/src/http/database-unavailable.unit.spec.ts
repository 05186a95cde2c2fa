import { isDatabaseUnavailable } from './database-unavailable.js';

function pgError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code ? { code } : {});
}

describe('isDatabaseUnavailable', () => {
  it.each([
    ['a refused connection', pgError('connect ECONNREFUSED 10.0.0.7:5432', 'ECONNREFUSED')],
    ['a reset socket', pgError('read ECONNRESET', 'ECONNRESET')],
    [
      'pg_terminate_backend or a fast shutdown',
      pgError('terminating connection due to administrator command', '57P01'),
    ],
    ['a server starting up', pgError('the database system is starting up', '57P03')],
    ['a connection exception (class 08)', pgError('connection failure', '08006')],
    ['a connection that ended under a query', pgError('Connection terminated unexpectedly')],
    ['a client left unusable', pgError('Client has encountered a connection error and is not queryable')],
    ['a pool that waited for a connection in vain', pgError('timeout exceeded when trying to connect')],
  ])('recognises %s', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(true);
  });

  it('looks through what wraps the driver error (TypeORM, causes, AggregateError)', () => {
    const lost = pgError('Connection terminated unexpectedly');
    expect(isDatabaseUnavailable(Object.assign(new Error('Query failed'), { driverError: lost }))).toBe(true);
    expect(isDatabaseUnavailable(new Error('append failed', { cause: lost }))).toBe(true);
    expect(isDatabaseUnavailable(new AggregateError([pgError('x', 'ECONNREFUSED')], 'all failed'))).toBe(
      true,
    );
  });

  it.each([
    ['a unique violation', pgError('duplicate key value violates unique constraint', '23505')],
    ['a syntax error', pgError('syntax error at or near "x"', '42601')],
    ['a plain bug', new TypeError("Cannot read properties of undefined (reading 'id')")],
    ['a value that is no error', 'Connection terminated'],
  ])('leaves %s to be an internal error', (_what, error) => {
    expect(isDatabaseUnavailable(error)).toBe(false);
  });

  it('survives an error that wraps itself', () => {
    const error: Error & { cause?: unknown } = new Error('loop');
    error.cause = error;
    expect(isDatabaseUnavailable(error)).toBe(false);
  });
});
