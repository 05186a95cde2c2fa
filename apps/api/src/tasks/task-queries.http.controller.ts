import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import { PROJECTION_DATA_SOURCE, problemType, ProblemError } from '#libs/platform';
import { getTask, getTrail } from '#libs/projections';
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
  @ApiOperation({ summary: 'A task: its duty, due date, assignees and state' })
  async get(@Param('taskId') taskId: string, @Query() query: ConsistencyQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    const task = await getTask(this.dataSource.manager, taskId);
    if (!task) throw unknownTask(taskId);
    return task;
  }

  @Get('trail')
  @ApiOperation({
    summary: 'Every step of the task in order: who, for which agency, when, why, and who was responsible',
  })
  async trail(@Param('taskId') taskId: string, @Query() query: ConsistencyQuery) {
    await this.readYourWrites.ensure(query.minPosition);
    const entries = await getTrail(this.dataSource.manager, taskId);
    if (entries.length === 0) throw unknownTask(taskId);
    return { taskId, entries };
  }
}

function unknownTask(taskId: string): ProblemError {
  return new ProblemError({
    type: problemType('task.not-found'),
    title: 'Not found',
    status: 404,
    code: 'task.not-found',
    detail: `No task has the id "${taskId}".`,
  });
}
