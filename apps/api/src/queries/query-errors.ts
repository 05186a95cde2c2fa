import { InvalidProjectionQueryError } from '#libs/projections';
import { validationProblem } from '#libs/platform';

/** Runs a projection query, turning its input refusals into 422 problems that point at the parameter. */
export async function runQuery<T>(query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    if (error instanceof InvalidProjectionQueryError) {
      // The parameter is named too, as for the query's other problems (queryParameterProblem).
      throw validationProblem(
        [{ pointer: `/${error.field}`, parameter: error.field, detail: error.message }],
        error.message,
      );
    }
    throw error;
  }
}
