import { Controller, Get, Headers, Inject, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { DataSource, EntityManager } from 'typeorm';
import { agencyStreamId, headOn, type AgencyDirectory, type AgencyState } from '#libs/agencies';
import {
  agencyModel,
  agencyWorkForbidden,
  readStreamState,
  taskNotFound,
  type Clock,
  type ReadPolicy,
} from '#libs/application';
import {
  CLOCK,
  IsCalendarDate,
  IsInstantWithin,
  PROJECTION_DATA_SOURCE,
  QUERY_INSTANT_WINDOW,
  queryParameterProblem,
  type CommandLayer,
  type Principal,
} from '#libs/platform';
import {
  agencyScorecard,
  getTaskState,
  lapsesPage,
  LAPSES_DEFAULT_LIMIT,
  listLapses,
  MAX_LIMIT,
  type AccountabilityFilter,
  type LapseRecord,
  type Page,
  type ScorecardRow,
} from '#libs/projections';
import { unknownAgency } from '../agencies/agencies.http.controller.js';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { COMMAND_LAYER } from '../commands/commands.module.js';
import { CountParameter, CursorParameter, LimitParameter } from '../queries/paging.query.js';
import { runQuery } from '../queries/query-errors.js';
import { ConsistencyQuery, ReadYourWrites } from '../queries/read-your-writes.js';
import {
  CSV_TYPE,
  LAPSE_COLUMNS,
  SCORECARD_COLUMNS,
  toCsv,
  toXlsx,
  XLSX_TYPE,
  type ExportFormat,
  type ExportLanguage,
  type ExportTable,
} from './accountability-export.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';
import type { LapseAnswer } from './accountability.types.js';

export class AccountabilityQuery extends ConsistencyQuery {
  @ApiPropertyOptional({ example: '2025-01-01', description: 'Lapses from this date (inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ example: '2025-12-31', description: 'Lapses until this date (inclusive)' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    description: 'Days late and open states are counted as of this instant; default now',
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  asOf?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv', 'xlsx'], description: 'Overrides Accept' })
  @IsOptional()
  @IsIn(['json', 'csv', 'xlsx'])
  format?: ExportFormat;

  @ApiPropertyOptional({ enum: ['vi', 'en'], default: 'vi', description: 'Column headers of CSV and XLSX' })
  @IsOptional()
  @IsIn(['vi', 'en'])
  lang?: ExportLanguage;

  @ApiPropertyOptional({
    enum: ['lapses', 'scorecard'],
    default: 'lapses',
    description: 'CSV holds one table: which (XLSX has a sheet for each)',
  })
  @IsOptional()
  @IsIn(['lapses', 'scorecard'])
  table?: 'lapses' | 'scorecard';

  @LimitParameter(LAPSES_DEFAULT_LIMIT, MAX_LIMIT)
  limit?: number;

  @CursorParameter()
  cursor?: string;

  @CountParameter()
  count?: boolean;
}

const LAPSES_SHEET = { vi: 'Quá hạn', en: 'Lapses' };
const SCORECARD_SHEET = { vi: 'Tổng hợp', en: 'Scorecard' };

/**
 * For inspectors: every lapsed deadline of an agency (or of one task), how late it was done,
 * who headed the responsible agency on the lapse date, the reminders and escalations; and a
 * scorecard per year in the four states government reports use. JSON, CSV or XLSX.
 */
@ApiTags('accountability')
@ApiBearerAuth()
@Controller()
export class AccountabilityHttpController {
  constructor(
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(COMMAND_LAYER) private readonly layer: CommandLayer,
    @Inject(CLOCK) private readonly clock: Clock,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
  ) {}

  @Get('agencies/:code/accountability')
  @AuditedRead('agency.accountability')
  @ApiOperation({
    summary:
      "An agency's lapsed deadlines in a period, oldest first, with its head then, and its scorecard. The lapses come `limit` at a time (default 100); `next` is the cursor of the next page, null at the end; `total` with count=true. A CSV or XLSX file holds every lapse of the period",
  })
  @ApiAnswer(
    200,
    'AgencyAccountability',
    'A page of the lapses, and the scorecard (format=csv: one table, whole; xlsx: both sheets, whole)',
    { contentTypes: ['application/json', 'text/csv', XLSX_TYPE] },
  )
  @ApiProblems('agency.not-found', 'agency.forbidden')
  async agency(
    @Param('code') code: string,
    @Query() query: AccountabilityQuery,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    if (!this.directory.get(code)) throw unknownAgency(code);
    if (!this.policy.mayReadAgencyWork(principal, code)) throw agencyWorkForbidden();
    await this.readYourWrites.ensure(query.minPosition);
    const filter = this.filter(query, { agencyCode: code });
    const format = this.format(query, accept);
    const [lapses, scorecard] = await runQuery(() =>
      this.read(format, (manager) =>
        Promise.all([
          this.lapses(manager, query, format, filter),
          agencyScorecard(manager, { ...filter, agencyCode: code }),
        ]),
      ),
    );
    const answer = { agencyCode: code, from: filter.from, to: filter.to, asOf: filter.asOf };
    const withHeads = await this.withHeads(lapses.items);
    return this.answer(query, format, reply, `accountability-${code}`, {
      json: { ...answer, lapses: withHeads, scorecard, ...pageEnd(lapses) },
      lapses: withHeads,
      scorecard,
    });
  }

  @Get('tasks/:taskId/accountability')
  @AuditedRead('task.accountability')
  @ApiOperation({
    summary:
      "One task's lapsed deadlines, with the responsible agency's head then; paged as the agency's (`limit`, `cursor`, `count`)",
  })
  @ApiAnswer(200, 'TaskAccountability', "A page of the task's lapses (format=csv or xlsx: every lapse)", {
    contentTypes: ['application/json', 'text/csv', XLSX_TYPE],
  })
  @ApiProblems('task.not-found')
  async task(
    @Param('taskId') taskId: string,
    @Query() query: AccountabilityQuery,
    @Headers('accept') accept: string | undefined,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const state = await getTaskState(this.dataSource.manager, taskId);
    if (!state || !this.policy.mayReadTask(principal, state)) throw taskNotFound();
    const filter = this.filter(query, { taskId });
    const format = this.format(query, accept);
    const page = await runQuery(() =>
      this.read(format, (manager) => this.lapses(manager, query, format, filter)),
    );
    const lapses = await this.withHeads(page.items);
    return this.answer(query, format, reply, `accountability-${taskId}`, {
      json: { taskId, asOf: filter.asOf, lapses, ...pageEnd(page) },
      lapses,
      scorecard: null,
    });
  }

  /** JSON, CSV or XLSX: `format` wins over Accept. */
  private format(query: AccountabilityQuery, accept: string | undefined): ExportFormat {
    const format = query.format ?? formatAccepted(accept);
    if (format !== 'json') {
      // A file is the whole report of the period; pages are for the JSON answer.
      for (const parameter of ['cursor', 'limit', 'count'] as const) {
        if (query[parameter] !== undefined && query[parameter] !== false) {
          throw queryParameterProblem(
            parameter,
            `${parameter}: a ${format.toUpperCase()} file holds every lapse of the period; limit, cursor and count are for the JSON answer's pages`,
          );
        }
      }
    }
    return format;
  }

  /**
   * Reads for an answer: a JSON page as it comes; a file in one snapshot (a repeatable-read
   * transaction), so that its batches of lapses and its scorecard see the same lapses even while
   * the deadline firer records more.
   */
  private read<T>(format: ExportFormat, work: (manager: EntityManager) => Promise<T>): Promise<T> {
    if (format === 'json') return work(this.dataSource.manager);
    return this.dataSource.transaction('REPEATABLE READ', work);
  }

  /** A page of the lapses for JSON; every lapse of the period for a file. */
  private async lapses(
    manager: EntityManager,
    query: AccountabilityQuery,
    format: ExportFormat,
    filter: AccountabilityFilter,
  ): Promise<Page<LapseRecord>> {
    if (format !== 'json') return { items: await listLapses(manager, filter), next: null };
    return lapsesPage(manager, filter, query);
  }

  private filter(query: AccountabilityQuery, scope: { agencyCode?: string; taskId?: string }) {
    return {
      ...scope,
      from: query.from ?? '2000-01-01',
      to: query.to ?? '2100-12-31',
      asOf: new Date(Date.parse(query.asOf ?? this.clock.now())).toISOString(),
    };
  }

  /** Who headed the responsible agency on each lapse date (the heads register, read from its stream). */
  private async withHeads(lapses: readonly LapseAnswer[] | readonly Omit<LapseAnswer, 'headOnLapseDate'>[]) {
    const registers = new Map<string, Promise<AgencyState>>();
    return Promise.all(
      lapses.map(async (lapse): Promise<LapseAnswer> => {
        const agency = lapse.responsibleAgency;
        if (!agency) return { ...lapse, headOnLapseDate: null };
        let register = registers.get(agency);
        if (!register) {
          register = readStreamState(this.layer.eventStore, agencyStreamId(agency), agencyModel);
          registers.set(agency, register);
        }
        return { ...lapse, headOnLapseDate: headOn(await register, lapse.lapseDate) };
      }),
    );
  }

  private async answer(
    query: AccountabilityQuery,
    format: ExportFormat,
    reply: FastifyReply,
    fileName: string,
    answer: { json: object; lapses: readonly LapseAnswer[]; scorecard: readonly ScorecardRow[] | null },
  ): Promise<object | string | Buffer> {
    const language = query.lang ?? 'vi';
    if (format === 'json') return answer.json;
    const lapses: ExportTable<LapseAnswer> = {
      sheet: LAPSES_SHEET,
      columns: LAPSE_COLUMNS,
      rows: answer.lapses,
    };
    const scorecard: ExportTable<ScorecardRow> | null = answer.scorecard
      ? { sheet: SCORECARD_SHEET, columns: SCORECARD_COLUMNS, rows: answer.scorecard }
      : null;
    if (format === 'csv') {
      const table = query.table === 'scorecard' && scorecard ? scorecard : lapses;
      reply.header('content-type', CSV_TYPE);
      reply.header('content-disposition', `attachment; filename="${fileName}.csv"`);
      return table === lapses ? toCsv(lapses, language) : toCsv(table as ExportTable<ScorecardRow>, language);
    }
    reply.header('content-type', XLSX_TYPE);
    reply.header('content-disposition', `attachment; filename="${fileName}.xlsx"`);
    return toXlsx(scorecard ? [lapses, scorecard] : [lapses], language);
  }
}

/** `next` of a page of lapses, and `total` when counted. */
function pageEnd(page: Page<LapseRecord>): { next: string | null; total?: number } {
  return { next: page.next, ...(page.total === undefined ? {} : { total: page.total }) };
}

/** CSV or XLSX when the Accept header asks for it (before JSON), else JSON. */
function formatAccepted(accept: string | undefined): ExportFormat {
  const types = (accept ?? '').split(',').map((part) => part.split(';')[0]!.trim().toLowerCase());
  for (const type of types) {
    if (type === 'text/csv') return 'csv';
    if (type === XLSX_TYPE) return 'xlsx';
    if (type === 'application/json') return 'json';
  }
  return 'json';
}
