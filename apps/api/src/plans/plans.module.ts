import { Module } from '@nestjs/common';
import { PlanIntakeService } from './plan-intake.service.js';
import { DecidePlanHandler } from './decide-plan.command.js';
import { PlanSeeder } from './plan-seeder.js';
import { PlanQueriesHttpController } from './plan-queries.http.controller.js';
import { PlansHttpController } from './plans.http.controller.js';
import { ReadyIntakeThread } from './ready-intake-thread.js';

/**
 * Plan intake over HTTP (POST /plans/import, GET /plans/drafts/{id}, POST /plans/drafts/{id}/confirm)
 * and the seeding of the embedded default, over libs/application's PlanIntake; one intake thread
 * kept ready for the next import.
 */
@Module({
  controllers: [PlansHttpController, PlanQueriesHttpController],
  providers: [PlanIntakeService, PlanSeeder, DecidePlanHandler, ReadyIntakeThread],
})
export class PlansModule {}
