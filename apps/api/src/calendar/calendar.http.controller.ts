import { Body, Controller, Get, HttpCode, Inject, Post, Query } from '@nestjs/common';
import { Command, CommandBus, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';
import {
  ApplicationError,
  calendarModel,
  CommandProcessor,
  readStreamState,
  type CommandResult,
} from '#libs/application';
import {
  decideCalendar,
  HOLIDAY_CALENDAR_STREAM,
  publicHolidays,
  SHIPPED_HOLIDAY_YEARS,
  WorkingCalendar,
  type AmendHolidays,
} from '#libs/calendar';
import { IsCalendarDate, type CommandLayer } from '#libs/platform';
import { actorOf } from '../commands/actor.js';
import { applicationContext, CommandRequest, type CommandContext } from '../commands/command-context.js';
import { COMMAND_LAYER } from '../commands/commands.module.js';
import { ApiAnswer, ApiIdempotencyKey } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

export class AmendHolidayDto {
  @ApiProperty({ enum: ['add', 'remove'] }) @IsIn(['add', 'remove']) action!: 'add' | 'remove';
  @ApiProperty({ example: '2025-05-02' }) @IsCalendarDate() date!: string;

  @ApiPropertyOptional({ example: 'Nghỉ hoán đổi' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name?: string;

  @ApiProperty({ example: 'Công văn số 123/BNV về hoán đổi ngày làm việc' })
  @IsString()
  @MinLength(1)
  @MaxLength(5_000)
  reason!: string;
}

export class HolidaysQuery {
  @ApiPropertyOptional({
    example: 2025,
    description: `Default the current year; the table ships ${SHIPPED_HOLIDAY_YEARS.from}–${SHIPPED_HOLIDAY_YEARS.to}`,
  })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year?: number;
}

export class WorkingDaysQuery {
  @ApiProperty({ example: '2025-01-24' }) @IsCalendarDate() from!: string;
  @ApiProperty({ example: '2025-02-05' }) @IsCalendarDate() to!: string;
}

export class DecideCalendar extends Command<CommandResult> {
  constructor(
    readonly command: Omit<AmendHolidays, 'metadata'>,
    readonly context: CommandContext,
  ) {
    super();
  }
}

@CommandHandler(DecideCalendar)
export class DecideCalendarHandler implements ICommandHandler<DecideCalendar> {
  constructor(private readonly commands: CommandProcessor) {}

  execute({ command, context }: DecideCalendar): Promise<CommandResult> {
    const actor = actorOf(context.principal);
    return this.commands.handleCommand({
      name: command.type,
      streamId: HOLIDAY_CALENDAR_STREAM,
      model: calendarModel,
      decide: (state, now) => decideCalendar({ ...command, metadata: { actor, now } }, state),
      context: applicationContext(context, actor),
    });
  }
}

/**
 * Vietnam's public holidays, the shipped table (libs/calendar) with the changes issuers recorded,
 * and working days counted over them. Read by anyone signed in; amended by an issuer.
 */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('calendar')
export class CalendarHttpController {
  constructor(
    @Inject(COMMAND_LAYER) private readonly layer: CommandLayer,
    private readonly commandBus: CommandBus,
  ) {}

  @Post('holidays')
  // An amendment of the year's calendar (GET holidays), not a resource of its own: 200, like other commands.
  @HttpCode(200)
  @ApiOperation({ summary: 'Add or remove a day off for a year (an issuer), e.g. a swapped Tết day' })
  @ApiAnswer(200, 'CommandResult', 'Where the events went')
  @ApiIdempotencyKey()
  @ApiProblems('calendar.forbidden')
  amend(@Body() body: AmendHolidayDto, @CommandRequest() request: CommandContext): Promise<CommandResult> {
    return this.commandBus.execute(new DecideCalendar({ type: 'AmendHolidays', data: body }, request));
  }

  @Get('holidays')
  @ApiOperation({ summary: "A year's days off: holidays, days in lieu, with the recorded amendments" })
  @ApiAnswer(200, 'CalendarHolidaysAnswer', "The year's public holidays, with the amendments recorded")
  async holidays(@Query() query: HolidaysQuery) {
    const year = query.year ?? new Date(Date.now() + 7 * 3_600_000).getUTCFullYear();
    const { amendments } = await this.amendments();
    return {
      year,
      holidays: publicHolidays(year, amendments),
      amendments: amendments.filter((a) => a.date.startsWith(`${year}-`)),
    };
  }

  @Get('working-days')
  @ApiOperation({ summary: 'Working days after `from` up to and including `to`' })
  @ApiAnswer(200, 'CalendarWorkingDaysAnswer', 'Working days between two dates, inclusive')
  async workingDays(@Query() query: WorkingDaysQuery) {
    if (Date.parse(query.to) - Date.parse(query.from) > 3_660 * 86_400_000) {
      throw new ApplicationError('validation', 'Count over ten years at most.', {
        errors: [{ pointer: '/to', detail: 'must be at most ten years after from' }],
      });
    }
    const { amendments } = await this.amendments();
    return {
      from: query.from,
      to: query.to,
      workingDays: new WorkingCalendar(amendments).workingDaysBetween(query.from, query.to),
    };
  }

  /** Read from the stream itself: always up to date, no projection to wait for. */
  private amendments() {
    return readStreamState(this.layer.eventStore, HOLIDAY_CALENDAR_STREAM, calendarModel);
  }
}
