import { Injectable } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { IsPosition, ProjectionWaiter, problemType, ProblemError } from '#libs/platform';

/** How long a query waits for the projections before answering 503. */
const WAIT_MS = 5_000;

/** Query parameter every read accepts to see the caller's own writes. */
export class ConsistencyQuery {
  @ApiPropertyOptional({
    description:
      'The position a command answered: wait (up to 5 s) until the projections include it. A whole number from 0 to 9223372036854775807; anything else is 422 naming the parameter.',
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

  /** Returns once the projections have caught up to `minPosition`, or throws 503 with Retry-After. */
  async ensure(minPosition: string | undefined): Promise<void> {
    if (minPosition === undefined) return;
    if (await this.waiter.waitFor(BigInt(minPosition), WAIT_MS)) return;
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
