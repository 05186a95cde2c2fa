import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import { IsInstantWithin, QUERY_INSTANT_WINDOW, validationProblem } from '#libs/platform';
import { InvalidProjectionQueryError, pastInstantOf, type PastInstant } from '#libs/projections';
import { ConsistencyQuery } from './read-your-writes.js';

/**
 * The two time axes of a past state (docs/adr/0020-two-time-axes.md): at most one of them. The
 * answer says which instant and axis it is for (`pastState`).
 */
export class PastStateQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'Record time: the state as the service knew it at this instant (events recorded by then). ' +
      `E.g. knownAt=2024-03-31T17:00:00Z: what the service said at the end of March. From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
    example: '2024-03-31T17:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  knownAt?: string;

  @ApiPropertyOptional({
    description:
      'Business time: what was true at this instant, as known now (events that occurred by then, including ones recorded later). ' +
      `E.g. validAt=2024-03-31T17:00:00Z: a completion dated 20 March but entered in May counts. From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
    example: '2024-03-31T17:00:00Z',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  validAt?: string;
}

/** The instant asked for, if any; both axes at once is 422 naming `validAt`. */
export function requestedInstant(query: PastStateQuery): PastInstant | null {
  try {
    return pastInstantOf(query);
  } catch (error) {
    if (error instanceof InvalidProjectionQueryError) {
      throw validationProblem([{ pointer: `/${error.field}`, detail: error.message }], error.message);
    }
    throw error;
  }
}
