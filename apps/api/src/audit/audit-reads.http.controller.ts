import { Controller, Get, Header, Inject, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { stringify } from 'csv-stringify/sync';
import { IsIn, IsISO8601, IsOptional, IsString, MaxLength } from 'class-validator';
import type { FastifyReply } from 'fastify';
import type { AgencyDirectory } from '#libs/agencies';
import type { ReadAuditLog, ReadPolicy, RecordedRead } from '#libs/application';
import {
  IsInstantWithin,
  IsIntegerParameter,
  MAX_OFFSET,
  problemType,
  ProblemError,
  QUERY_INSTANT_WINDOW,
  READ_AUDIT,
  type Principal,
} from '#libs/platform';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { AuditedRead } from './audited-read.decorator.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';
import { encodeCursor } from '#libs/projections';
import {
  CountParameter,
  CursorParameter,
  cursorKey,
  cursorOrOffset,
  LimitParameter,
} from '../queries/paging.query.js';

/** The audit's cursor: the seq of the page's last read (a whole number far below 2^53). */
const READS_CURSOR = 'audit-reads';

export class ReadAuditQuery {
  @ApiPropertyOptional({ description: 'The person who read (their id, the token subject)' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  actor?: string;

  @ApiPropertyOptional({ description: 'What was read: a path (/tasks/T-1) or an id in it (T-1, lc-so-y-te)' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  resource?: string;

  @ApiPropertyOptional({ description: 'Reads recorded at or after this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  from?: string;

  @ApiPropertyOptional({ description: 'Reads recorded at or before this instant' })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  to?: string;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  format?: 'json' | 'csv';

  @LimitParameter(100, 500)
  limit?: number;

  @CursorParameter()
  cursor?: string;

  @CountParameter()
  count?: boolean;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: MAX_OFFSET,
    description: 'Reads to skip, as before cursors; prefer `cursor` (not with it)',
  })
  @IsOptional()
  @IsIntegerParameter(0, MAX_OFFSET)
  offset?: number;
}

const CSV_COLUMNS = [
  'seq',
  'recordedAt',
  'actorPersonId',
  'actorAgencyCode',
  'actorRoles',
  'kind',
  'method',
  'path',
  'query',
  'items',
  'prevHash',
  'hash',
] as const;

/**
 * Who read what (ADR 0021): auditors and inspectors, a national one every record, the others the
 * reads made by people of agencies within their jurisdiction. Reading it is itself a read.
 */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('audit/reads')
export class AuditReadsHttpController {
  constructor(
    @Inject(READ_AUDIT) private readonly audit: ReadAuditLog,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
  ) {}

  @Get()
  @AuditedRead('audit.reads')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary:
      'The audit of reads, oldest first: who read what, when, with which query and how many items (auditors, inspectors); format=csv for a CSV file. A page holds up to `limit`; `next` is the cursor of the next page, null at the end; `total` with count=true',
  })
  @ApiAnswer(
    200,
    'AuditReadsListAnswer',
    'A page of recorded reads (next: the cursor of the following page; total with count=true); with format=csv, the same rows as text/csv',
    { contentTypes: ['application/json', 'text/csv'] },
  )
  @ApiProblems('forbidden')
  async list(
    @Query() query: ReadAuditQuery,
    @CurrentPrincipal() principal: Principal,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<{ items: RecordedRead[]; next: string | null; total?: number } | string> {
    if (!this.policy.mayReadReadAudit(principal)) {
      throw new ProblemError({
        type: problemType('forbidden'),
        title: 'Not allowed',
        status: 403,
        code: 'forbidden',
        detail: 'The audit of reads is for auditors and inspectors.',
      });
    }
    cursorOrOffset(query);
    const afterSeq =
      query.cursor === undefined ? undefined : String(cursorKey(query.cursor, READS_CURSOR, ['int'])[0]);
    const limit = query.limit ?? 100;
    const listed = await this.audit.list({
      actor: query.actor,
      resource: query.resource,
      from: query.from,
      to: query.to,
      actorAgencies: principal.national === true ? undefined : this.agenciesOverseenBy(principal),
      limit,
      offset: query.offset ?? 0,
      afterSeq,
      count: query.count === true,
    });
    const last = listed.items[listed.items.length - 1];
    const page = {
      items: listed.items,
      next: listed.more && last ? encodeCursor(READS_CURSOR, [Number(last.seq)]) : null,
      ...(listed.total === undefined ? {} : { total: listed.total }),
    };
    if (query.format !== 'csv') return page;
    void reply.header('content-type', 'text/csv; charset=utf-8');
    void reply.header('content-disposition', 'attachment; filename="reads.csv"');
    return stringify(
      page.items.map((read) => [
        read.seq,
        read.recordedAt,
        read.actor.personId,
        read.actor.agencyCode,
        read.actor.roles.join(' '),
        read.kind,
        read.method,
        read.path,
        new URLSearchParams(read.query).toString(),
        read.items,
        read.prevHash,
        read.hash,
      ]),
      { header: true, columns: [...CSV_COLUMNS] },
    );
  }

  /** The agencies whose people's reads a provincial auditor or inspector sees. */
  private agenciesOverseenBy(principal: Principal): string[] {
    return this.directory
      .list()
      .map((agency) => agency.code)
      .filter((code) => this.policy.seesReadsOf(principal, code));
  }
}
