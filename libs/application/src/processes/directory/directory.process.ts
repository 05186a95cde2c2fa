import {
  AgencyDirectory,
  decodeDirectoryEvent,
  directoryInputOf,
  DIRECTORY_STREAM,
  foldDirectory,
  initialDirectoryState,
  planDirectoryImport,
  type DirectoryEvent,
  type DirectoryFileError,
  type DirectoryImportSummary,
  type DirectoryState,
} from '#libs/agencies';
import type { Actor } from '#libs/shared-kernel';
import { ApplicationError } from '../../errors.js';
import { isAppendConflict, type CommandEventStore } from '../../ports/event-store.port.js';
import type { Clock, IdGenerator } from '../../ports/system.port.js';

export interface DirectoryOptions {
  readonly store: CommandEventStore;
  /** The shipped seed file (libs/agencies/seed/directory.jsonl): the directory while its stream is empty. */
  readonly seedText: string | null;
  readonly ids: IdGenerator;
  readonly clock: Clock;
}

export interface LoadedDirectory {
  readonly state: DirectoryState;
  readonly directory: AgencyDirectory;
  /** The directory stream's version (0: nothing recorded yet). */
  readonly version: number;
  /** Events of the seed file not yet recorded: the first recorded change records them first. */
  readonly unrecordedSeed: readonly DirectoryEvent[];
}

export type DirectoryImportResult =
  | {
      readonly ok: true;
      readonly dryRun: boolean;
      readonly summary: DirectoryImportSummary;
      readonly events: number;
      readonly position: string | null;
    }
  | { readonly ok: false; readonly errors: readonly DirectoryFileError[] };

/**
 * The directory as events (ADR 0031): read as the fold of its stream, changed by importing a
 * directory file (dry run first, like plan intake) or by a reorganisation. While the stream is
 * empty the service works from the shipped seed file, folded the same way; the first change
 * records the seed's events before its own, in the same append.
 */
export class DirectoryAdministration {
  constructor(private readonly options: DirectoryOptions) {}

  async load(): Promise<LoadedDirectory> {
    const stored = await this.options.store.readStream(DIRECTORY_STREAM, 1);
    const recorded = stored.flatMap((event) => decodeDirectoryEvent(event) ?? []);
    const unrecordedSeed = stored.length === 0 ? this.seedEvents() : [];
    const state = foldDirectory(recorded.length > 0 ? recorded : unrecordedSeed);
    return {
      state,
      directory: new AgencyDirectory(directoryInputOf(state)),
      version: stored.at(-1)?.streamVersion ?? 0,
      unrecordedSeed,
    };
  }

  /** Checks a directory file against the directory; records what it changes unless `dryRun`. Any error: nothing. */
  async importFile(text: string, actor: Actor, options: { dryRun: boolean }): Promise<DirectoryImportResult> {
    const loaded = await this.load();
    const plan = planDirectoryImport(text, loaded.state);
    if (!plan.ok) return { ok: false, errors: plan.errors };
    if (options.dryRun || plan.events.length === 0) {
      return {
        ok: true,
        dryRun: options.dryRun,
        summary: plan.summary,
        events: plan.events.length,
        position: null,
      };
    }
    const position = await this.record(loaded, plan.events, actor);
    return { ok: true, dryRun: false, summary: plan.summary, events: plan.events.length, position };
  }

  /** Appends changes at the version they were decided on (the seed first, if not yet recorded). */
  async record(
    loaded: LoadedDirectory,
    events: readonly DirectoryEvent[],
    actor: Actor,
    occurredAt?: string,
  ): Promise<string> {
    const at = occurredAt ?? this.options.clock.now();
    const now = this.options.clock.now();
    const all = [
      ...loaded.unrecordedSeed.map((event) => ({ event, occurredAt: now })),
      ...events.map((event) => ({ event, occurredAt: at })),
    ];
    try {
      const appended = await this.options.store.append(
        DIRECTORY_STREAM,
        all.map(({ event, occurredAt: when }) => ({
          id: this.options.ids.newId(),
          type: event.type,
          data: event.data,
          metadata: { actor, occurredAt: when },
        })),
        loaded.version,
      );
      return appended.lastPosition.toString();
    } catch (error) {
      if (isAppendConflict(error)) {
        throw new ApplicationError(
          'concurrency-conflict',
          'The directory changed meanwhile: check the file again',
        );
      }
      throw error;
    }
  }

  private seedEvents(): DirectoryEvent[] {
    if (this.options.seedText === null) return [];
    const plan = planDirectoryImport(this.options.seedText, initialDirectoryState());
    if (!plan.ok) {
      throw new Error(
        `The seed directory file is invalid: ${plan.errors.map((e) => `line ${e.line} ${e.field}: ${e.message}`).join('; ')}`,
      );
    }
    return plan.events;
  }
}
