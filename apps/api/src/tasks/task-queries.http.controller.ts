import { Controller, Get, Inject, Param, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { DataSource } from 'typeorm';
import type { AgencyDirectory } from '#libs/agencies';
import { taskNotFound, type ReadPolicy } from '#libs/application';
import { EVENT_STORE, PROJECTION_DATA_SOURCE, type Language, type Principal } from '#libs/platform';
import {
  describeInstant,
  getTask,
  getTaskState,
  getTrail,
  taskAt,
  taskRowAt,
  trailAt,
  type StreamsReader,
} from '#libs/projections';
import { AGENCY_DIRECTORY, READ_POLICY } from '../agencies/agency-directory.provider.js';
import { AuditedRead } from '../audit/audited-read.decorator.js';
import { CurrentPrincipal } from '../auth/auth.decorators.js';
import { AnswerLanguage } from '../queries/answer-language.js';
import { PastStateQuery, requestedInstant } from '../queries/past-state.query.js';
import { ReadYourWrites } from '../queries/read-your-writes.js';
import { ApiAnswer } from '../contract/answers.js';
import { ApiProblems } from '../contract/problems.js';
import { taskAnswer, trailAnswer } from './task-answers.js';

@ApiTags('tasks')
@ApiBearerAuth()
@Controller('tasks/:taskId')
export class TaskQueriesHttpController {
  constructor(
    @Inject(PROJECTION_DATA_SOURCE) private readonly dataSource: DataSource,
    @Inject(EVENT_STORE) private readonly store: StreamsReader,
    @Inject(READ_POLICY) private readonly policy: ReadPolicy,
    @Inject(AGENCY_DIRECTORY) private readonly directory: AgencyDirectory,
    private readonly readYourWrites: ReadYourWrites,
  ) {}

  @Get()
  @AuditedRead('task')
  @ApiOperation({
    summary:
      'A task: its duty, due date, assignees and state (to those who may read it); at a past instant with knownAt= or validAt=',
  })
  @ApiAnswer(200, 'TaskQueriesGetAnswer', 'The task (with pastState at a past instant)')
  @ApiProblems('task.not-found')
  async get(
    @Param('taskId') taskId: string,
    @Query() query: PastStateQuery,
    @CurrentPrincipal() principal: Principal,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    await this.requireReadable(principal, taskId);
    const instant = requestedInstant(query);
    if (instant) {
      const task = taskRowAt(await taskAt(this.store, taskId, instant));
      // A task the caller may read now, that did not exist yet at the instant: as for no task.
      if (!task) throw taskNotFound();
      return { ...taskAnswer(task, this.directory), pastState: describeInstant(instant) };
    }
    const task = await getTask(this.dataSource.manager, taskId);
    if (!task) throw taskNotFound();
    return taskAnswer(task, this.directory);
  }

  @Get('trail')
  @AuditedRead('task.trail')
  @ApiOperation({
    summary:
      'Every step of the task in order: who, for which agency, when, why, and who was responsible; up to a past instant with knownAt= or validAt=',
  })
  @ApiAnswer(200, 'TaskQueriesTrailAnswer', "The task's trail (with pastState at a past instant)")
  @ApiProblems('task.not-found')
  async trail(
    @Param('taskId') taskId: string,
    @Query() query: PastStateQuery,
    @CurrentPrincipal() principal: Principal,
    @AnswerLanguage() language: Language,
  ) {
    await this.readYourWrites.ensure(query.minPosition);
    await this.requireReadable(principal, taskId);
    const instant = requestedInstant(query);
    if (instant) {
      const entries = trailAt(await taskAt(this.store, taskId, instant));
      if (entries.length === 0) throw taskNotFound();
      return {
        taskId,
        pastState: describeInstant(instant),
        ...trailAnswer(entries, language, this.directory),
      };
    }
    const entries = await getTrail(this.dataSource.manager, taskId);
    if (entries.length === 0) throw taskNotFound();
    return { taskId, ...trailAnswer(entries, language, this.directory) };
  }

  /**
   * First: a task the caller may not read is answered as one that does not exist (access policy).
   * The policy looks at the task as it is now: an agency that became a party later reads its past
   * too (the whole trail is what it is given today).
   */
  private async requireReadable(principal: Principal, taskId: string): Promise<void> {
    const state = await getTaskState(this.dataSource.manager, taskId);
    if (!state || !this.policy.mayReadTask(principal, state)) throw taskNotFound();
  }
}
