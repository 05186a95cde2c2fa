import { Module } from '@nestjs/common';
import { TaskQueriesHttpController } from './task-queries.http.controller.js';
import { TasksHttpController } from './tasks.http.controller.js';

@Module({ controllers: [TasksHttpController, TaskQueriesHttpController] })
export class TasksModule {}
