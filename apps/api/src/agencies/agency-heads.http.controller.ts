import { Body, Controller, Get, HttpCode, Inject, Param, Post, Query } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import {
  agencyStreamId,
  headOn,
  type AgencyDirectory,
  type AgencyHeadTerm,
  type RecordAgencyHead,
} from '#libs/agencies';
import { agencyModel, foldStream } from '#libs/application';
import { EVENT_STORE, IsCalendarDate } from '#libs/platform';
import { describeInstant, isBefore, type AnsweredInstant, type StreamsReader } from '#libs/projections';
import { PastStateQuery, requestedInstant } from '../queries/past-state.query.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { CommandRequest } from '../commands/command-context.js';
import type { CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-result.js';
import { unknownAgency } from './agencies.http.controller.js';
import { DecideAgency } from './decide-agency.command.js';
import { AGENCY_DIRECTORY } from './agency-directory.provider.js';
import { ApiAnswer, ApiIdempotencyKey } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

export class RecordHeadDto {
  @ApiProperty({ example: 'Nguyễn Văn An' }) @IsString() @MinLength(1) @MaxLength(200) personName!: string;
  @ApiProperty({ example: 'Giám đốc' }) @IsString() @MinLength(1) @MaxLength(200) title!: string;

  @ApiProperty({ example: '2024-01-15', description: 'The date the appointment took effect' })
  @IsCalendarDate()
  since!: string;

  @ApiProperty({
    example: 'Quyết định số 123/QĐ-UBND ngày 10/01/2024',
    description: 'The decision it rests on',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(5_000)
  reason!: string;
}

export class HeadsQuery extends PastStateQuery {
  @ApiPropertyOptional({ example: '2024-12-01', description: 'Also answer who was head on this date' })
  @IsOptional()
  @IsCalendarDate()
  on?: string;
}

/**
 * Who heads an agency, since when: heads answer personally for cases not handled in time, and an
 * inspector asks who headed an agency when a deadline lapsed.
 */
@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies/:code/heads')
export class AgencyHeadsHttpController {
  constructor(
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    @Inject(EVENT_STORE) private readonly store: StreamsReader,
    private readonly commandBus: CommandBus,
  ) {}

  @Post()
  // A fact on the agency's register (GET .../heads), not a resource of its own: 200, like other commands.
  @HttpCode(200)
  @ApiOperation({ summary: "Record the agency's head from a date (an issuer of its jurisdiction)" })
  @ApiAnswer(200, 'CommandResult', 'Where the events went')
  @ApiIdempotencyKey()
  @ApiProblems('agency.not-found', 'agency.forbidden', 'agency.head-conflict')
  record(
    @Param('code') code: string,
    @Body() body: RecordHeadDto,
    @CommandRequest() request: CommandContext,
  ): Promise<CommandResult> {
    if (!this.directory.get(code)) throw unknownAgency(code);
    const command: Omit<RecordAgencyHead, 'metadata'> = {
      type: 'RecordAgencyHead',
      data: { agencyCode: code, answersTo: this.answersTo(code), ...body },
    };
    return this.commandBus.execute(new DecideAgency(command, request));
  }

  @Get()
  @AuditedRead('agency.heads')
  @ApiOperation({
    summary:
      "The agency's heads, oldest first, and who was head on a date (?on=); as recorded by (knownAt=) or as true at (validAt=) an instant",
  })
  @ApiAnswer(200, 'AgencyHeadsListAnswer', 'The heads register of the agency')
  @ApiProblems('agency.not-found', 'agency.forbidden')
  async list(
    @Param('code') code: string,
    @Query() query: HeadsQuery,
  ): Promise<{
    agencyCode: string;
    heads: AgencyHeadTerm[];
    on?: { date: string; head: AgencyHeadTerm | null };
    pastState?: AnsweredInstant;
  }> {
    if (!this.directory.get(code)) throw unknownAgency(code);
    const instant = requestedInstant(query);
    // Read from the agency's stream itself: always up to date, no projection to wait for. A past
    // state folds the events of the instant's axis only.
    const events = await this.store.readStream(agencyStreamId(code));
    const state = foldStream(
      agencyModel,
      instant ? events.filter((event) => isBefore(event, instant)) : events,
    );
    return {
      agencyCode: code,
      ...(instant ? { pastState: describeInstant(instant) } : {}),
      heads: [...state.heads],
      ...(query.on ? { on: { date: query.on, head: headOn(state, query.on) } } : {}),
    };
  }

  /** The agency and its superiors in the directory, nearest first. */
  private answersTo(code: string): string[] {
    const chain: string[] = [];
    for (let agency = this.directory.get(code); agency && !chain.includes(agency.code);) {
      chain.push(agency.code);
      agency = agency.parentCode ? this.directory.get(agency.parentCode) : undefined;
    }
    return chain;
  }
}
