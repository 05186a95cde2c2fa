import { Body, Controller, Get, Inject, Param, Post, Query } from '@nestjs/common';
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
import { agencyModel, readStreamState } from '#libs/application';
import { IsCalendarDate, type CommandLayer } from '#libs/platform';
import { CommandRequest } from '../commands/command-context.js';
import type { CommandContext } from '../commands/command-context.js';
import type { CommandResult } from '../commands/command-result.js';
import { COMMAND_LAYER } from '../commands/commands.module.js';
import { unknownAgency } from './agencies.http.controller.js';
import { DecideAgency } from './decide-agency.command.js';
import { AGENCY_DIRECTORY } from './agency-directory.provider.js';

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

export class HeadsQuery {
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
    @Inject(COMMAND_LAYER) private readonly layer: CommandLayer,
    private readonly commandBus: CommandBus,
  ) {}

  @Post()
  @ApiOperation({ summary: "Record the agency's head from a date (an issuer of its jurisdiction)" })
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
  @ApiOperation({ summary: "The agency's heads, oldest first, and who was head on a date (?on=)" })
  async list(
    @Param('code') code: string,
    @Query() query: HeadsQuery,
  ): Promise<{
    agencyCode: string;
    heads: AgencyHeadTerm[];
    on?: { date: string; head: AgencyHeadTerm | null };
  }> {
    if (!this.directory.get(code)) throw unknownAgency(code);
    // Read from the agency's stream itself: always up to date, no projection to wait for.
    const state = await readStreamState(this.layer.eventStore, agencyStreamId(code), agencyModel);
    return {
      agencyCode: code,
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
