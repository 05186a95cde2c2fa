import { Module } from '@nestjs/common';
import { TaskQueriesHttpController } from './task-queries.http.controller.js';
import { DecideTaskHandler } from './decide-task.command.js';
import { TasksHttpController } from './tasks.http.controller.js';

@Module({
  controllers: [TasksHttpController, TaskQueriesHttpController],
  providers: [DecideTaskHandler],
})
export class TasksModule {}
