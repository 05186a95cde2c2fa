import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsISO8601, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { AgencyDirectory } from '#libs/agencies';
import { vietnamDateAt } from '#libs/shared-kernel';
import { planLabel, matchesSearch } from '#libs/plans';
import type { DataSource } from 'typeorm';
import { planNotFound, type Clock, type PlanAudience, type ReadPolicy } from '#libs/application';
import {
  AGENCY_CODE,
  agencyCodeMessage,
  CLOCK,
  EVENT_STORE,
  IsIntegerParameter,
  IsPosition,
  ProblemError,
  queryParameterProblem,
  IsInstantWithin,
  PROJECTION_DATA_SOURCE,
  QUERY_INSTANT_WINDOW,
  type Principal,
} from '#libs/platform';
import {
  describeInstant,
  getPlan,
  getPlanIndicators,
  getPlanProgress,
  pastInstantOf,
  planProgressAt,
  planTasksAt,
  type StreamsReader,
  getTaskStates,
  listPlansPage,
  listPlanTasks,
  countPlanTasks,
  filteredKeysetPage,
  planTasksAfter,
  PLAN_TASK_KEY,
  type TaskView,
  PLAN_STATUSES,
  planStatusIn,
  type PlanStatus,
  reportingCycleStatus,
  type PlanView,
} from '#libs/projections';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { runQuery } from '../queries/query-errors.js';
import { ConsistencyQuery, ReadYourWrites } from '../queries/read-your-writes.js';
import { PastStateQuery } from '../queries/past-state.query.js';
import { CountParameter, CursorParameter, LimitParameter } from '../queries/paging.query.js';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { planAudienceFor } from './plan-audience.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';

class ListPlansQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    example: 'lc-ubnd-tinh',
    description: 'The committee carrying the plan (its issuer, or its successor after a reorganisation)',
  })
  @IsOptional()
  @Matches(AGENCY_CODE, { message: `issuer ${agencyCodeMessage}` })
  issuer?: string;

  @ApiPropertyOptional({ example: 2025, description: "A year the plan's period covers (2000 to 2100)" })
  @IsOptional()
  @IsIntegerParameter(2000, 2100)
  year?: number;

  @ApiPropertyOptional({
    example: 'bao ve tre em',
    description: 'Search text in the title, number and label; ignores case and diacritics',
  })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;

  @ApiPropertyOptional({
    enum: PLAN_STATUSES,
    description:
      "Where the plan's period stands this year (Asia/Ho_Chi_Minh): upcoming (not begun), active (covers it), ended",
  })
  @IsOptional()
  @IsIn(PLAN_STATUSES)
  status?: PlanStatus;

  @ApiPropertyOptional({ description: 'The `next` of the previous page', pattern: '^\\d{1,19}$' })
  @IsOptional()
  @IsPosition()
  cursor?: string;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @IsIntegerParameter(1, 200)
  limit?: number;
}

class PlanTasksQuery extends ConsistencyQuery {
  @LimitParameter(100, 500)
  limit?: number;

  @CursorParameter()
  cursor?: string;

  @CountParameter()
  count?: boolean;
}

/** Plans are read from the database in batches this large while the read policy and `q` filter them. */
const PLAN_BATCH = 100;

class ProgressQuery extends PastStateQuery {
  @ApiPropertyOptional({
    description: `Instant overdue and due-soon are counted for; default now (with knownAt or validAt: that instant). From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  asOf?: string;
}

class IndicatorsQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    description: `Instant the values are read as of (reports that occurred by then); default now. From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  validAt?: string;
}

class ReportingQuery extends ConsistencyQuery {
  @ApiProperty({ example: 2025, description: 'The year reported on' })
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiPropertyOptional({
    description: `Instant who has reported is read as of; default now. From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  asOf?: string;
}

/**
 * Issued plans, their tasks, and progress per agency, to those who may read them (libs/application
 * access policy): a plan the caller may not read is answered as one that does not exist. A reader
 * who does not see the plan whole (an agency with a part in it) gets its own tasks and progress.
 */
@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlanQueriesHttpController {
  constructor(
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: StreamsReader,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    private readonly readYourWrites: ReadYourWrites,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
  ) {}

  @Get()
  @AuditedRead('plans')
  @ApiOperation({
    summary:
      'Issued plans the caller may read, the newest recorded first; the filters narrow them. A page holds up to `limit`; `next` is the cursor of the next page, null at the end',
  })
  @ApiAnswer(200, 'PlanQueriesListAnswer', 'A page of plans (cursor paging: pass next as cursor)')
  async list(@Query() query: ListPlansQuery, @CurrentPrincipal() principal: Principal) {
    if (query.issuer !== undefined && !this.directory.get(query.issuer)) throw unknownIssuer();
    await this.readYourWrites.ensure(query.minPosition);
    const limit = query.limit ?? 50;
    const currentYear = vietnamYear(this.clock.now());
    const items: LabelledPlan[] = [];
    let before = query.cursor;
    // Keyset pages of the database, filtered by what the caller may read and by `q`, until one
    // more than the page is found (then there is a next page) or the plans run out.
    for (;;) {
      const batch = await listPlansPage(this.dataSource.manager, {
        ...(query.issuer === undefined ? {} : { issuer: query.issuer }),
        ...(query.year === undefined ? {} : { year: query.year }),
        ...(query.status === undefined ? {} : { status: { status: query.status, currentYear } }),
        ...(before === undefined ? {} : { before }),
        limit: PLAN_BATCH,
      });
      for (const plan of batch) {
        if (!this.policy.mayReadPlan(principal, await this.audience(principal, plan))) continue;
        const labelled = this.labelled(plan, currentYear);
        if (query.q !== undefined && !matchesSearch(query.q, [plan.title, plan.number, labelled.label]))
          continue;
        items.push(labelled);
        if (items.length > limit) break;
      }
      if (items.length > limit || batch.length < PLAN_BATCH) break;
      before = batch[batch.length - 1]!.globalPosition;
    }
    const page = items.slice(0, limit);
    return { items: page, next: items.length > limit ? page[page.length - 1]!.globalPosition : null };
  }

  @Get(':planId')
  @AuditedRead('plan')
  @ApiOperation({ summary: 'One issued plan' })
  @ApiAnswer(200, 'LabelledPlan', 'The plan')
  @ApiProblems('plan.not-found')
  async get(
    @Param('planId') planId: string,
    @Query() query: ConsistencyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    return this.labelled((await this.readable(principal, planId)).plan, vietnamYear(this.clock.now()));
  }

  @Get(':planId/tasks')
  @AuditedRead('plan.tasks')
  @ApiOperation({
    summary:
      'The tasks of a plan (those the caller may read), by due date then id. A page holds up to `limit`; `next` is the cursor of the next page, null at the end; `total` with count=true',
  })
  @ApiAnswer(200, 'PlanQueriesTasksAnswer', "The plan's tasks the caller may read")
  @ApiProblems('plan.not-found')
  async tasks(
    @Param('planId') planId: string,
    @Query() query: PlanTasksQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const { audience } = await this.readable(principal, planId);
    const manager = this.dataSource.manager;
    // A reader who does not see the plan whole gets the tasks the policy lets it read.
    const keep = this.policy.seesWholePlan(principal, audience)
      ? (tasks: TaskView[]) => Promise.resolve(tasks)
      : async (tasks: TaskView[]) => {
          const states = await getTaskStates(
            manager,
            tasks.map((task) => task.taskId),
          );
          return tasks.filter((task) => {
            const state = states.get(task.taskId);
            return state !== undefined && this.policy.mayReadTask(principal, state);
          });
        };
    return runQuery(async () => {
      const page = await filteredKeysetPage(
        (after, take) => planTasksAfter(manager, planId, after, take),
        keep,
        { limit: query.limit ?? 100, ...(query.cursor === undefined ? {} : { cursor: query.cursor }) },
        PLAN_TASK_KEY,
        (task) => task,
      );
      if (query.count !== true) return page;
      const total = this.policy.seesWholePlan(principal, audience)
        ? await countPlanTasks(manager, planId)
        : (await keep(await listPlanTasks(manager, planId))).length;
      return { ...page, total };
    });
  }

  @Get(':planId/progress')
  @AuditedRead('plan.progress')
  @ApiOperation({
    summary:
      'Tasks by state per agency: open, completed, cancelled, overdue, due within 7 days (an agency with a part in the plan: its own)',
  })
  @ApiAnswer(200, 'PlanQueriesProgressAnswer', 'Progress of the plan by agency')
  @ApiProblems('plan.not-found')
  async progress(
    @Param('planId') planId: string,
    @Query() query: ProgressQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const { audience } = await this.readable(principal, planId);
    const agencyCode = this.policy.seesWholePlan(principal, audience) ? undefined : principal.agencyCode;
    return runQuery(async () => {
      const instant = pastInstantOf(query);
      const asOf = query.asOf ?? instant?.at ?? new Date().toISOString();
      if (!instant) return getPlanProgress(this.dataSource.manager, planId, { asOf, agencyCode });
      const tasks = await planTasksAt(this.store, this.dataSource.manager, planId, instant);
      return { pastState: describeInstant(instant), ...planProgressAt(tasks, planId, { asOf, agencyCode }) };
    });
  }

  @Get(':planId/indicators')
  @AuditedRead('plan.indicators')
  @ApiOperation({
    summary:
      'Per indicator and year: the target, and the latest value reported by validAt, per agency (an agency with a part in the plan: its own)',
  })
  @ApiAnswer(200, 'PlanIndicatorsView', "The plan's indicators, targets and reported values")
  @ApiProblems('plan.not-found')
  async indicators(
    @Param('planId') planId: string,
    @Query() query: IndicatorsQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const { plan, audience } = await this.readable(principal, planId);
    const validAt = new Date(query.validAt ?? Date.now()).toISOString();
    const agencyCode = this.policy.seesWholePlan(principal, audience) ? undefined : principal.agencyCode;
    return runQuery(() => getPlanIndicators(this.dataSource.manager, plan, { validAt, agencyCode }));
  }

  @Get(':planId/reporting')
  @AuditedRead('plan.reporting')
  @ApiOperation({
    summary:
      "A year's reporting cycle: each party's report to the focal agency (reported or not, late or not) and the focal agency's consolidated report to the committee. The focal agency and those who read the plan whole see every party; another party its own report.",
  })
  @ApiAnswer(200, 'ReportingCycleStatus', "The plan's reporting cycle: who reported, who is late")
  @ApiProblems('plan.not-found')
  async reporting(
    @Param('planId') planId: string,
    @Query() query: ReportingQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const { audience } = await this.readable(principal, planId);
    const asOf = new Date(Date.parse(query.asOf ?? this.clock.now())).toISOString();
    const cycle = await reportingCycleStatus(this.dataSource.manager, { planId, year: query.year, asOf });
    const focal = cycle.focalAgencyCode !== null && principal.agencyCode === cycle.focalAgencyCode;
    if (this.policy.seesWholePlan(principal, audience) || focal) return cycle;
    // A party sees its own report, not who else has reported.
    const own = cycle.parties.filter((p) => p.agencyCode === principal.agencyCode);
    return {
      ...cycle,
      parties: own,
      reported: own.filter((p) => p.reported).map(() => principal.agencyCode),
      notReported: own.filter((p) => !p.reported).map(() => principal.agencyCode),
      consolidation: null,
    };
  }

  /** First: `plan.not-found` for a plan that does not exist or that the caller may not read. */
  private async readable(
    principal: Principal,
    planId: string,
  ): Promise<{ plan: PlanView; audience: PlanAudience }> {
    const plan = await getPlan(this.dataSource.manager, planId);
    const audience = plan ? await this.audience(principal, plan) : null;
    if (!plan || !audience || !this.policy.mayReadPlan(principal, audience)) throw planNotFound();
    return { plan, audience };
  }

  /** A plan as /plans answers it: with its label and its status this year. */
  private labelled(plan: PlanView, currentYear: number): LabelledPlan {
    const issuer = this.directory.get(plan.issuerAgencyCode);
    const issuerName = issuer?.shortName ?? issuer?.name ?? plan.issuerAgencyCode;
    const label = planLabel(
      {
        title: plan.title,
        number: plan.number,
        issuedOn: plan.issuedOn,
        period: { fromYear: plan.periodFromYear },
      },
      issuerName,
    );
    return { ...plan, label, status: planStatusIn(plan, currentYear) };
  }

  private audience(principal: Principal, plan: PlanView): Promise<PlanAudience> {
    return planAudienceFor(this.dataSource.manager, this.policy, principal, plan);
  }
}

type LabelledPlan = PlanView & { readonly label: string; readonly status: PlanStatus };

/** The year in Asia/Ho_Chi_Minh at an instant. */
function vietnamYear(instant: string): number {
  return Number(vietnamDateAt(Date.parse(instant)).slice(0, 4));
}

/** An issuer the directory does not know is a wrong parameter, as an unknown jurisdiction is. */
function unknownIssuer(): ProblemError {
  return queryParameterProblem(
    'issuer',
    'issuer is not an agency of the directory (GET /agencies lists them)',
  );
}
