import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiProperty, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsISO8601, IsInt, IsOptional, Max, Min } from 'class-validator';
import type { DataSource } from 'typeorm';
import { planNotFound, type Clock, type PlanAudience, type ReadPolicy } from '#libs/application';
import {
  CLOCK,
  EVENT_STORE,
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
  isPartyToPlan,
  listPlans,
  listPlanTasks,
  reportingCycleStatus,
  type PlanView,
} from '#libs/projections';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { runQuery } from '../queries/query-errors.js';
import { ConsistencyQuery, ReadYourWrites } from '../queries/read-your-writes.js';
import { PastStateQuery } from '../queries/past-state.query.js';
import { READ_POLICY } from '../agencies/agency-directory.provider.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';

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
  ) {}

  @Get()
  @AuditedRead('plans')
  @ApiOperation({ summary: 'Issued plans the caller may read' })
  async list(@Query() query: ConsistencyQuery, @CurrentPrincipal() principal: Principal) {
    await this.readYourWrites.ensure(query.minPosition);
    const items: PlanView[] = [];
    for (const plan of await listPlans(this.dataSource.manager)) {
      if (this.policy.mayReadPlan(principal, await this.audience(principal, plan))) items.push(plan);
    }
    return { items };
  }

  @Get(':planId')
  @AuditedRead('plan')
  @ApiOperation({ summary: 'One issued plan' })
  async get(
    @Param('planId') planId: string,
    @Query() query: ConsistencyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    return (await this.readable(principal, planId)).plan;
  }

  @Get(':planId/tasks')
  @AuditedRead('plan.tasks')
  @ApiOperation({ summary: 'The tasks of a plan (those the caller may read)' })
  async tasks(
    @Param('planId') planId: string,
    @Query() query: ConsistencyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    const { audience } = await this.readable(principal, planId);
    const tasks = await listPlanTasks(this.dataSource.manager, planId);
    if (this.policy.seesWholePlan(principal, audience)) return { items: tasks };
    const states = await getTaskStates(
      this.dataSource.manager,
      tasks.map((task) => task.taskId),
    );
    return {
      items: tasks.filter((task) => {
        const state = states.get(task.taskId);
        return state !== undefined && this.policy.mayReadTask(principal, state);
      }),
    };
  }

  @Get(':planId/progress')
  @AuditedRead('plan.progress')
  @ApiOperation({
    summary:
      'Tasks by state per agency: open, completed, cancelled, overdue, due within 7 days (an agency with a part in the plan: its own)',
  })
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

  private async audience(principal: Principal, plan: PlanView): Promise<PlanAudience> {
    const byCommittee = { issuerAgencyCode: plan.issuerAgencyCode, readerAgencyIsParty: false };
    // The tasks are looked at only when the plan's committee alone does not let the caller read it.
    if (this.policy.mayReadPlan(principal, byCommittee)) return byCommittee;
    const readerAgencyIsParty = await isPartyToPlan(
      this.dataSource.manager,
      plan.planId,
      principal.agencyCode,
    );
    return { ...byCommittee, readerAgencyIsParty };
  }
}
