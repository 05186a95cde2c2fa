import { Module } from '@nestjs/common';
import { TasksHttpController } from './tasks.http.controller.js';

@Module({ controllers: [TasksHttpController] })
export class TasksModule {}
