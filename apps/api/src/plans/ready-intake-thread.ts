import { Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { keepIntakeThreadReady } from '#libs/plan-intake';

/**
 * The API keeps one fresh intake thread started and idle (keepIntakeThreadReady, ADR 0039
 * addendum): an import then neither starts a thread nor adds its base to the process while it runs.
 * Every thread still reads one document and ends.
 */
@Injectable()
export class ReadyIntakeThread implements OnApplicationBootstrap, OnApplicationShutdown {
  onApplicationBootstrap(): void {
    keepIntakeThreadReady(true);
  }

  onApplicationShutdown(): void {
    keepIntakeThreadReady(false);
  }
}
