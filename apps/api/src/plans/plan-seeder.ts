import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Inject, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import type { Database, EventStore } from '#libs/event-store';
import {
  APP_CONFIG,
  DATABASE,
  demoTokens,
  EVENT_STORE,
  type AppConfig,
  type Principal,
} from '#libs/platform';
import { PlanIntakeService } from './plan-intake.service.js';

/** The seed plans, relative to the working directory (the repository root for `npm start`). */
export const SEED_PLANS_DIR = join('libs', 'plan-intake', 'seed-plans');

/**
 * `npm install && npm start` shows the seed plans' agencies and their tasks: on the first start of
 * the embedded database (an empty event log), each seed plan is imported and confirmed as the demo
 * issuer of its issuing People's Committee, through the same path as POST /plans/import. Never on
 * PostgreSQL, never on a log that already holds events, never with SEED_PLANS=false.
 */
@Injectable()
export class PlanSeeder implements OnApplicationBootstrap {
  private readonly logger = new Logger('PlanSeeder');

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(DATABASE) private readonly database: Database,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly intake: PlanIntakeService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (!this.config.seedPlans || this.database.kind !== 'embedded') return;
    if ((await this.store.headPosition()) !== 0n) return;
    const directory = join(process.cwd(), SEED_PLANS_DIR);
    let files: string[];
    try {
      files = (await readdir(directory)).filter((name) => /\.(txt|docx)$/i.test(name)).sort();
    } catch (error) {
      this.logger.warn(`No seed plans: ${directory} cannot be read (${(error as Error).message}).`);
      return;
    }
    const issuers = demoTokens()
      .map((demo) => demo.principal)
      .filter((principal) => principal.roles.includes('issuer'));
    for (const file of files) await this.seed(directory, file, issuers);
  }

  private async seed(directory: string, file: string, issuers: readonly Principal[]): Promise<void> {
    try {
      const bytes = await readFile(join(directory, file));
      const preview = await this.intake.draftDocument(bytes, file);
      const issuerCode = preview.plan.issuer?.agencyCode;
      const issuer = issuers.find((principal) => principal.agencyCode === issuerCode);
      if (!issuer) {
        this.logger.warn(
          `Seed plan ${file} not imported: no demo issuer for its issuer ${issuerCode ?? '(none)'}.`,
        );
        return;
      }
      const draft = await this.intake.importDocument(bytes, file, issuer);
      const result = await this.intake.confirmDraft(draft.draftId ?? '', {}, issuer);
      this.logger.log(
        `Seeded plan ${file} as ${issuer.agencyCode}: plan ${result.planId} ${result.planIssued ? 'issued' : 'already issued'}, ` +
          `${result.tasksAssigned} tasks assigned (${draft.summary.dutyTasks} duties, ${draft.summary.reportTasks} yearly reports, ` +
          `${draft.summary.agencies} agencies), ${result.tasksAlreadyPresent} already present, position ${result.position ?? '-'}.`,
      );
    } catch (error) {
      this.logger.error(`Seed plan ${file} could not be imported: ${(error as Error).message}`);
    }
  }
}
