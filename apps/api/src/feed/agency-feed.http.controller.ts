import type { ServerResponse } from 'node:http';
import { Controller, Headers, Inject, Param, Query, Res, Sse, type MessageEvent } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiForbiddenResponse,
  ApiHeader,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import type { Observable } from 'rxjs';
import type { AgencyDirectory } from '#libs/agencies';
import type { ReadPolicy } from '#libs/application';
import { IsPosition, isPosition, problemType, ProblemError, type Principal } from '#libs/platform';
import { unknownAgency } from '../agencies/agencies.http.controller.js';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { assertMayReadAgencyFeed } from './feed-access.js';
import { AgencyFeedService, type FeedStart } from './agency-feed.service.js';
import { ApiProblems } from '../contract/problems.js';

export class AgencyFeedQuery {
  @ApiPropertyOptional({
    description:
      'First connection only: start at this global position (that event and everything after it in log order; 0 = the whole history). Without it, and without Last-Event-ID, only new events are sent. Last-Event-ID wins when both are sent. A whole number from 0 to 9223372036854775807; anything else is 422 naming the parameter.',
    example: '1234',
    pattern: '^\\d{1,19}$',
  })
  @IsOptional()
  @IsPosition()
  from?: string;
}

/** Live feed of an agency's events, as Server-Sent Events. */
@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies/:code')
export class AgencyFeedHttpController {
  constructor(
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    private readonly feeds: AgencyFeedService,
  ) {}

  @Sse('feed')
  @ApiOperation({
    summary: "The agency's events as Server-Sent Events: catch-up from a position, then live",
    description: [
      'Each event is one SSE message: `id` is the global position of the event in the log, `data` the',
      'CloudEvents 1.0 JSON envelope also published on NATS (`coord.agency.{code}.{EventType}`).',
      'Ids follow log order, which is not always numeric order. A client that reconnects with',
      '`Last-Event-ID` (browsers do it by themselves) gets everything after that event, once.',
      'A feed that starts live (neither `from` nor `Last-Event-ID`) opens with a message that has',
      'an `id` and no data: where it starts (0 on an empty log), so that a client that reconnects',
      'before the first event still misses nothing.',
      'A comment (`: keep-alive`) is sent every FEED_KEEPALIVE_SECONDS (15 s by default).',
      'Officers and issuers may follow their own agency; auditors and inspectors any agency.',
    ].join(' '),
  })
  @ApiProduces('text/event-stream')
  @ApiHeader({
    name: 'Last-Event-ID',
    required: false,
    description:
      'The id of the last message received (0: the start of the log): resume right after it. A whole number from 0 to 9223372036854775807; anything else is 400 feed.invalid-last-event-id.',
  })
  @ApiOkResponse({
    description: 'An event stream that stays open',
    content: {
      'text/event-stream': {
        schema: { type: 'string' },
        example:
          ': keep-alive\n\nid: 1234\ndata: {"specversion":"1.0","id":"…:lc-so-y-te","type":"vn.coord.TaskAssigned",…}\n\n',
      },
    },
  })
  @ApiBadRequestResponse({ description: 'Last-Event-ID or from names no event of the log' })
  @ApiForbiddenResponse({ description: "The caller may not follow this agency's feed" })
  @ApiNotFoundResponse({ description: 'No agency has this code' })
  @ApiProblems('agency.not-found', 'feed.forbidden', 'feed.invalid-last-event-id', 'feed.unknown-position')
  async feed(
    @Param('code') code: string,
    @Query() query: AgencyFeedQuery,
    @Headers('last-event-id') lastEventId: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: { readonly raw?: ServerResponse },
  ): Promise<Observable<MessageEvent>> {
    if (!this.directory.get(code)) throw unknownAgency(code);
    assertMayReadAgencyFeed(this.policy, principal, code);
    const start = startOf(lastEventId, query.from);
    const after = await this.feeds.startAfter(start);
    return this.feeds.stream(code, after, {
      announceStart: start.kind === 'live',
      ...(reply.raw ? { responseFinished: finishedOf(reply.raw) } : {}),
    });
  }
}

/** Settles once the response is written out, or its connection is gone. */
function finishedOf(response: ServerResponse): Promise<void> {
  if (response.writableFinished || response.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    response.once('finish', () => resolve());
    response.once('close', () => resolve());
  });
}

function startOf(lastEventId: string | undefined, from: string | undefined): FeedStart {
  const resume = lastEventId?.trim();
  if (resume) {
    if (!isPosition(resume)) {
      throw new ProblemError({
        type: problemType('feed.invalid-last-event-id'),
        title: 'Bad request',
        status: 400,
        code: 'feed.invalid-last-event-id',
        detail: `Last-Event-ID "${resume.slice(0, 40)}" is not an id this feed sent (a global position).`,
        header: 'Last-Event-ID',
      });
    }
    return { kind: 'after-event', position: BigInt(resume) };
  }
  if (from !== undefined) return { kind: 'from-position', position: BigInt(from) };
  return { kind: 'live' };
}
