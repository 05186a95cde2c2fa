import { Inject, Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { EventStore } from '#libs/event-store';
import { EVENT_STORE, IsPosition, ProjectionWaiter, problemType, ProblemError } from '#libs/platform';

/** How long a query waits for the projections before answering 503. */
const WAIT_MS = 5_000;

/** Query parameter every read accepts to see the caller's own writes. */
export class ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'The position a command answered: wait (up to 5 s) until the projections include it. A whole number from 0 to 9223372036854775807, and the position of a recorded event; anything else is 422 naming the parameter.',
    example: '1234',
    pattern: '^\\d{1,19}$',
  })
  @IsOptional()
  @IsPosition()
  minPosition?: string;
}

@Injectable()
export class ReadYourWrites {
  constructor(
    private readonly waiter: ProjectionWaiter,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  /**
   * Returns once the projections have caught up to `minPosition`, or throws 503 with Retry-After.
   * A position where no event is recorded (after the newest one, or a number a failed append used
   * up) is no command's answer (a command answers once its events are committed): waiting for it
   * would hold the request for nothing, so it is refused.
   */
  async ensure(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    const position = BigInt(minPosition);
    // 0 is the start of the log: every read includes it (no event has position 0).
    if (position === 0n) return;
    if ((await this.store.logPositionOf(position)) === null) throw notRecordedYet();
    if (await this.waiter.waitFor(position, WAIT_MS)) return;
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

function notRecordedYet(): ProblemError {
  return new ProblemError({
    type: problemType('validation'),
    title: 'The request is not valid',
    status: 422,
    code: 'validation',
    detail: 'Some query parameters are missing or wrong; see errors.',
    errors: [
      {
        pointer: '/minPosition',
        parameter: 'minPosition',
        detail: 'minPosition must be a position a command has answered: no event is recorded there',
      },
    ],
  });
}
