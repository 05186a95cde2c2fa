import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { mayReadTask, taskNotFound } from '#libs/application';
import { PROJECTION_DATA_SOURCE, type Principal } from '#libs/platform';
import { getTask, getTaskState, getTrail } from '#libs/projections';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { ConsistencyQuery, ReadYourWrites } from '../queries/read-your-writes.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks/:taskId')
export class TaskQueriesHttpController {
  constructor(
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @ApiOperation({ summary: 'A task: its duty, due date, assignees and state (to those who may read it)' })
  async get(
    @Param('taskId') taskId: string,
    @Query() query: ConsistencyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    await this.requireReadable(principal, taskId);
    const task = await getTask(this.dataSource.manager, taskId);
    if (!task) throw taskNotFound();
    return task;
  }

  @Get('trail')
  @ApiOperation({
    summary: 'Every step of the task in order: who, for which agency, when, why, and who was responsible',
  })
  async trail(
    @Param('taskId') taskId: string,
    @Query() query: ConsistencyQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    await this.requireReadable(principal, taskId);
    const entries = await getTrail(this.dataSource.manager, taskId);
    if (entries.length === 0) throw taskNotFound();
    return { taskId, entries };
  }

  /** First: a task the caller may not read is answered as one that does not exist (access policy). */
  private async requireReadable(principal: Principal, taskId: string): Promise<void> {
    const state = await getTaskState(this.dataSource.manager, taskId);
    if (!state || !mayReadTask(principal, state)) throw taskNotFound();
  }
}
