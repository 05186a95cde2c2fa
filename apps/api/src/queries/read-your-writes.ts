import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  IsPosition,
  ProjectionWaiter,
  problemType,
  ProblemError,
  queryParameterProblem,
} from '#libs/platform';

/** How long a query waits for its position to be recorded and projected. */
const WAIT_MS = 5_000;

/** Query parameter every read accepts to see the caller's own writes. */
export class ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'The position a command answered: wait (up to 5 s) until the projections include it; 503 with Retry-After if they have not by then. A whole number from 0 to 9223372036854775807; a position where no event is recorded within the wait is 422 naming the parameter.',
    example: '1234',
    pattern: '^\\d{1,19}$',
  })
  @IsOptional()
  @IsPosition()
  minPosition?: string;
}

@Injectable()
export class ReadYourWrites {
  constructor(private readonly waiter: ProjectionWaiter) {}

  /**
   * Returns once the projections have caught up to `minPosition`. A position not recorded yet is
   * waited for like one not projected yet (its transaction may be committing). By the end of the
   * wait, a recorded position the projections have not reached is 503 with Retry-After (the
   * service is behind); a position where still no event is recorded is no command's answer (a
   * command answers once its events are committed), so it is the caller's mistake: 422.
   */
  async ensure(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const position = BigInt(minPosition);
    // 0 is the start of the log: every read includes it (no event has position 0).
    if (position === 0n) return;
    const waited = await this.waiter.waitFor(position, WAIT_MS);
    if (waited === 'projected') return;
    if (waited === 'not-recorded') throw notRecorded();
    throw new ProblemError({
      type: problemType('projection-behind'),
      title: 'Temporarily unavailable',
      status: 503,
      code: 'projection-behind',
      detail: `The read models have not reached position ${minPosition} yet; retry shortly.`,
      retryAfterSeconds: 1,
    });
  }
}

function notRecorded(): ProblemError {
  return queryParameterProblem(
    'minPosition',
    'minPosition must be a position a command has answered: no event was recorded there within 5 s',
  );
}
