import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsISO8601, IsOptional } from 'class-validator';
import type { DataSource } from 'typeorm';
import type { AgencyDirectory } from '#libs/agencies';
import { assigneeRoles, type AssigneeRole } from '#libs/tasks';
import { agencyWorkForbidden, type ReadPolicy } from '#libs/application';
import {
  IsInstantWithin,
  IsIntegerParameter,
  MAX_OFFSET,
  PROJECTION_DATA_SOURCE,
  QUERY_INSTANT_WINDOW,
  type Principal,
} from '#libs/platform';
import {
  agencyRowsAt,
  describeInstant,
  listOutstanding,
  listResponsibilities,
  OUTSTANDING_STATES,
  pageOutstanding,
  pageResponsibilities,
  pastInstantOf,
  type OutstandingState,
} from '#libs/projections';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { PastStateQuery } from '../queries/past-state.query.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';
import { CountParameter, CursorParameter, LimitParameter } from '../queries/paging.query.js';
import { runQuery } from '../queries/query-errors.js';
import { unknownAgency } from './agencies.http.controller.js';
import { AGENCY_DIRECTORY, READ_POLICY } from './agency-directory.provider.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

class PageQuery extends PastStateQuery {
  @LimitParameter(50, 500)
  limit?: number;

  @CursorParameter()
  cursor?: string;

  @CountParameter()
  count?: boolean;

  @ApiPropertyOptional({
    default: 0,
    minimum: 0,
    maximum: MAX_OFFSET,
    description: 'Rows to skip, as before cursors; prefer `cursor` (not with it)',
  })
  @IsOptional()
  @IsIntegerParameter(0, MAX_OFFSET)
  offset?: number;
}

/** The paging of a list query, as the query layer takes it. */
function pageRequest(query: PageQuery) {
  return {
    limit: query.limit ?? 50,
    ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    ...(query.offset === undefined ? {} : { offset: query.offset }),
    ...(query.count === true ? { count: true } : {}),
  };
}

export class ResponsibilitiesQuery extends PageQuery {
  @ApiPropertyOptional({ enum: ['open', 'closed', 'all'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'closed', 'all'])
  status?: 'open' | 'closed' | 'all';

  @ApiPropertyOptional({ enum: assigneeRoles })
  @IsOptional()
  @IsIn(assigneeRoles)
  role?: AssigneeRole;
}

export class OutstandingQuery extends PageQuery {
  @ApiPropertyOptional({
    description: `Instant the overdue and due-soon flags are computed for; default now (with knownAt or validAt: that instant). From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  asOf?: string;

  @ApiPropertyOptional({ enum: ['dueDate', '-dueDate', 'state'], default: 'dueDate' })
  @IsOptional()
  @IsIn(['dueDate', '-dueDate', 'state'])
  sort?: 'dueDate' | '-dueDate' | 'state';

  @ApiPropertyOptional({ enum: OUTSTANDING_STATES })
  @IsOptional()
  @IsIn(OUTSTANDING_STATES)
  state?: OutstandingState;

  @ApiPropertyOptional({ description: 'true: only overdue; false: only not overdue' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean()
  overdue?: boolean;
}

/** What each agency owes: its responsibilities and its outstanding tasks. */
@ApiTags('agencies')
@ApiBearerAuth()
@Controller('agencies/:code')
export class AgencyWorkHttpController {
  constructor(
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get('responsibilities')
  @AuditedRead('agency.responsibilities')
  @ApiOperation({
    summary:
      'Tasks the agency leads, supports or is asked to help with, by due date; at a past instant with knownAt= or validAt=. A page holds up to `limit`; `next` is the cursor of the next page, null at the end; `total` with count=true',
  })
  @ApiAnswer(
    200,
    'AgencyWorkResponsibilitiesAnswer',
    'A page of the tasks the agency is or was a party to (next: the cursor of the following page; total with count=true)',
  )
  @ApiProblems('agency.not-found', 'agency.forbidden')
  async responsibilities(
    @Param('code') code: string,
    @Query() query: ResponsibilitiesQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    this.assertKnown(code, principal);
    await this.readYourWrites.ensure(query.minPosition);
    const options = {
      status: query.status ?? 'open',
      ...(query.role ? { role: query.role } : {}),
      ...pageRequest(query),
    } as const;
    return runQuery(async () => {
      const instant = pastInstantOf(query);
      if (!instant) return listResponsibilities(this.dataSource.manager, code, options);
      const { responsibilities } = await agencyRowsAt(
        this.dataSource.manager,
        code,
        instant,
        'responsibilities',
      );
      return {
        pastState: describeInstant(instant),
        ...pageResponsibilities(responsibilities, code, options),
      };
    });
  }

  @Get('outstanding')
  @AuditedRead('agency.outstanding')
  @ApiOperation({
    summary:
      'Open tasks of the agency with due dates, state, due-soon and overdue flags; at a past instant with knownAt= or validAt=. A page holds up to `limit`; `next` is the cursor of the next page, null at the end; `total` with count=true',
  })
  @ApiAnswer(
    200,
    'AgencyWorkOutstandingAnswer',
    'A page of what the agency still has to do (next: the cursor of the following page; total with count=true)',
  )
  @ApiProblems('agency.not-found', 'agency.forbidden')
  async outstanding(
    @Param('code') code: string,
    @Query() query: OutstandingQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    this.assertKnown(code, principal);
    await this.readYourWrites.ensure(query.minPosition);
    return runQuery(async () => {
      const instant = pastInstantOf(query);
      const asOf = query.asOf ?? instant?.at ?? new Date().toISOString();
      const options = {
        asOf,
        sort: query.sort ?? 'dueDate',
        ...pageRequest(query),
        ...(query.state ? { state: query.state } : {}),
        ...(query.overdue === undefined ? {} : { overdue: query.overdue }),
      };
      // A body that ceased to exist says where its duties went (ADR 0032).
      const successors = this.directory.successionOf(code)
        ? { successors: this.directory.successorsOf(code) }
        : {};
      if (!instant)
        return { asOf, ...successors, ...(await listOutstanding(this.dataSource.manager, code, options)) };
      const { outstanding } = await agencyRowsAt(this.dataSource.manager, code, instant, 'outstanding');
      return {
        asOf,
        ...successors,
        pastState: describeInstant(instant),
        ...pageOutstanding(outstanding, code, options),
      };
    });
  }

  /** A known agency (the directory is public), whose work the caller may read (access policy). */
  private assertKnown(code: string, principal: Principal): void {
    if (!this.directory.get(code)) throw unknownAgency(code);
    if (!this.policy.mayReadAgencyWork(principal, code)) throw agencyWorkForbidden();
  }
}
