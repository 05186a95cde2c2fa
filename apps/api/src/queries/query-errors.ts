import { InvalidProjectionQueryError } from '#libs/projections';
import { problemType, ProblemError } from '#libs/platform';

/** Runs a projection query, turning its input refusals into 422 problems that point at the parameter. */
export async function runQuery<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof InvalidProjectionQueryError) {
      throw new ProblemError({
        type: problemType('validation'),
        title: 'The request is not valid',
        status: 422,
        code: 'validation',
        detail: error.message,
        errors: [{ pointer: `/${error.field}`, detail: error.message }],
      });
    }
    throw error;
  }
}
