import { Module } from '@nestjs/common';
import { AccountabilityHttpController } from './accountability.http.controller.js';

/** Lapsed deadlines, heads then, scorecards: GET /agencies/{code}/accountability, /tasks/{id}/accountability. */
@Module({ controllers: [AccountabilityHttpController] })
export class AccountabilityModule {}
