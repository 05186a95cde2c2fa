import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { DataSource } from 'typeorm';
import { DirectoryAdministration, Reorganisations, type Clock } from '#libs/application';
import type { EventStore } from '#libs/event-store';
import { openTaskIdsConcerning, pendingCyclesConcerning, plansIssuedBy } from '#libs/projections';
import { EventStoreCommandAdapter } from '../commands/event-store-adapter.js';
import { nodeSystem } from '../commands/node-system.js';

/** The shipped seed directory, relative to the working directory (the repository root, or /app in the image). */
export const SEED_DIRECTORY_FILE = join('libs', 'agencies', 'seed', 'directory.jsonl');

/** The seed directory file's text, or null when it is not there (then the directory starts empty). */
export function readSeedDirectoryText(file = join(process.cwd(), SEED_DIRECTORY_FILE)): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
}

export interface DirectoryWiringOptions {
  readonly store: EventStore;
  readonly seedText?: string | null;
  readonly clock?: Clock;
}

/** The directory's administration over the event store (ADR 0031). */
export function openDirectory(options: DirectoryWiringOptions): DirectoryAdministration {
  return new DirectoryAdministration({
    store: new EventStoreCommandAdapter(options.store),
    seedText: options.seedText === undefined ? readSeedDirectoryText() : options.seedText,
    ids: nodeSystem.ids,
    clock: options.clock ?? nodeSystem.clock,
  });
}

/** Reorganisations over the event store, finding open work through the projections (caught up by the caller). */
export function openReorganisations(
  options: DirectoryWiringOptions & { readonly dataSource: DataSource; readonly concurrency?: number },
): Reorganisations {
  const directory = openDirectory(options);
  return new Reorganisations({
    store: new EventStoreCommandAdapter(options.store),
    directory,
    reads: {
      openTaskIdsConcerning: (codes) => openTaskIdsConcerning(options.dataSource.manager, codes),
      plansIssuedBy: (codes) => plansIssuedBy(options.dataSource.manager, codes),
      pendingCyclesConcerning: (codes) => pendingCyclesConcerning(options.dataSource.manager, codes),
    },
    ids: nodeSystem.ids,
    clock: options.clock ?? nodeSystem.clock,
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
  });
}
