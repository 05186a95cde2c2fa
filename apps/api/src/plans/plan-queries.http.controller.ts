import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { IsISO8601, IsOptional } from 'class-validator';
import type { DataSource } from 'typeorm';
import {
  IsInstantWithin,
  PROJECTION_DATA_SOURCE,
  problemType,
  ProblemError,
  QUERY_INSTANT_WINDOW,
} from '#libs/platform';
import { getPlan, getPlanProgress, listPlans, listPlanTasks } from '#libs/projections';
import { runQuery } from '../queries/query-errors.js';
import { ConsistencyQuery, ReadYourWrites } from '../queries/read-your-writes.js';

class ProgressQuery extends ConsistencyQuery {
  @ApiPropertyOptional({
    description: `Instant overdue and due-soon are counted for; default now. From ${QUERY_INSTANT_WINDOW.from} to ${QUERY_INSTANT_WINDOW.to}.`,
  })
  @IsOptional()
  @IsISO8601({ strict: true })
  @IsInstantWithin(QUERY_INSTANT_WINDOW.from, QUERY_INSTANT_WINDOW.to)
  asOf?: string;
}

/** Issued plans, their tasks, and progress per agency. */
@ApiTags('plans')
@ApiBearerAuth()
@Controller('plans')
export class PlanQueriesHttpController {
  constructor(
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({ summary: 'Issued plans' })
  async list(@Query() query: ConsistencyQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    return { items: await listPlans(this.dataSource.manager) };
  }

  @Get(':planId')
  @ApiOperation({ summary: 'One issued plan' })
  async get(@Param('planId') planId: string, @Query() query: ConsistencyQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    return (await getPlan(this.dataSource.manager, planId)) ?? throwUnknownPlan(planId);
  }

  @Get(':planId/tasks')
  @ApiOperation({ summary: 'The tasks of a plan' })
  async tasks(@Param('planId') planId: string, @Query() query: ConsistencyQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    if (!(await getPlan(this.dataSource.manager, planId))) throwUnknownPlan(planId);
    return { items: await listPlanTasks(this.dataSource.manager, planId) };
  }

  @Get(':planId/progress')
  @ApiOperation({
    summary: 'Tasks by state per agency: open, completed, cancelled, overdue, due within 7 days',
  })
  async progress(@Param('planId') planId: string, @Query() query: ProgressQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    if (!(await getPlan(this.dataSource.manager, planId))) throwUnknownPlan(planId);
    const asOf = query.asOf ?? new Date().toISOString();
    return runQuery(() => getPlanProgress(this.dataSource.manager, planId, { asOf }));
  }
}

function throwUnknownPlan(planId: string): never {
  throw new ProblemError({
    type: problemType('plan.not-found'),
    title: 'Not found',
    status: 404,
    code: 'plan.not-found',
    detail: `No issued plan has the id "${planId}".`,
  });
}
