import { Module } from '@nestjs/common';
import { AGENCY_DIRECTORY } from '../agencies/agency-directory.provider.js';
import { PlanDraftStore } from './plan-draft.store.js';
import { PLAN_INTAKE_DIRECTORY, PlanIntakeService } from './plan-intake.service.js';
import { DecidePlanHandler } from './decide-plan.command.js';
import { PlanSeeder } from './plan-seeder.js';
import { PlanQueriesHttpController } from './plan-queries.http.controller.js';
import { PlansHttpController } from './plans.http.controller.js';

/**
 * Plan intake over HTTP (POST /plans/import, GET /plans/drafts/{id}, POST /plans/drafts/{id}/confirm)
 * and the seeding of the embedded default. PlanIntakeService is exported for a CLI.
 */
@Module({
  controllers: [PlansHttpController, PlanQueriesHttpController],
  providers: [
    { provide: PLAN_INTAKE_DIRECTORY, useExisting: AGENCY_DIRECTORY },
    PlanDraftStore,
    PlanIntakeService,
    PlanSeeder,
    DecidePlanHandler,
  ],
  exports: [PlanIntakeService],
})
export class PlansModule {}
