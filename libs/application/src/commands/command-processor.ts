import { DecisionError } from '#libs/shared-kernel';
import { ApplicationError, concurrencyConflict, RefusedBefore } from '../errors.js';
import type { CommandObserver, CommandOutcomeKind } from '../ports/command-observer.port.js';
import {
  isAppendConflict,
  type Appended,
  type CommandEventStore,
  type EventToAppend,
} from '../ports/event-store.port.js';
import type { IdempotencyRecord, IdempotencyStore } from '../ports/idempotency.port.js';
import type { SystemPorts } from '../ports/system.port.js';
import type { CommandAnswerIds, CommandResult } from './command-result.js';
import { hashRequest } from './request-hash.js';
import { backOffMs, DEFAULT_RETRY_POLICY, sleepFor, type RetryPolicy } from './retry-policy.js';
import { foldStream, type DomainEvent, type StreamModel } from './stream-models.js';

/** Who sends a command and how: what every command carries besides its own data. */
export interface CommandContext {
  /** The person and the agency they act for: the events' actor, and the owner of the key. */
  readonly actor: { readonly personId: string; readonly agencyCode: string };
  readonly idempotencyKey?: string | undefined;
  /** Method and path (or another name of the operation), so one key cannot be replayed elsewhere. */
  readonly route: string;
  /** The request as sent, for the idempotency hash. */
  readonly body: unknown;
  readonly correlationId?: string | undefined;
  /** When the decision happened in the world, if earlier than now. */
  readonly occurredAt?: string | undefined;
}

/** Decides the events for the current state; [] when nothing changes; throws a DecisionError to refuse. */
export type Decision<State> = (state: State, now: string) => readonly DomainEvent[];

/** One command on one stream. */
export interface StreamCommand<State> {
  /** The command's name, for observers (e.g. 'ReportProgress'). */
  readonly name: string;
  readonly streamId: string;
  readonly model: StreamModel<State>;
  readonly decide: Decision<State>;
  readonly context: CommandContext;
  /** Ids the answer names (kept with it under an Idempotency-Key, so a retry names the same). */
  readonly answerIds?: CommandAnswerIds | undefined;
}

export interface CommandProcessorOptions {
  readonly store: CommandEventStore;
  readonly idempotency: IdempotencyStore;
  readonly system: SystemPorts;
  readonly retry?: RetryPolicy;
  readonly observer?: CommandObserver | undefined;
  /** Called after events were appended (e.g. to wake in-process subscribers at once). */
  readonly onAppended?: (() => void) | undefined;
  /** Folded states kept per process (least recently written first out). */
  readonly cachedStreams?: number;
}

/** Another request stored the same Idempotency-Key first. */
const KEY_TAKEN = new Error('Idempotency-Key taken concurrently');

/** A stream's fold: its version, and the global position of its last event (null: never written). */
interface Folded<State> {
  readonly version: number;
  readonly state: State;
  readonly position: bigint | null;
}

/** A decider's refusal, carried out of the retry loop to be kept under the key. */
class Refusal extends Error {
  constructor(readonly refusal: DecisionError) {
    super(refusal.message);
  }
}

/**
 * Runs commands the event-sourced way: load the stream, decide, append at the version read. A
 * concurrent writer makes the append fail; the command is then decided again on fresh state,
 * after a full-jitter back-off, at most `retry.maxAttempts` times; a conflict that survives them
 * is the ApplicationError `concurrency-conflict`.
 *
 * Commands on one stream are queued in this process, so they never race each other; the
 * retries are for writers in other processes (other API replicas, the CLI).
 *
 * A stream this process has seen lately is not read first: the command is decided on the cached
 * state and appended at its version, one round trip. The expected version makes that safe: if any
 * process has written the stream since, the append is refused and the command is decided again on
 * the state read from the store (at once: a stale cache is not contention, and it does not count
 * as an attempt). A refusal or a no-op decided on the cached state is likewise only answered
 * after deciding again on the stored state.
 *
 * With an Idempotency-Key, the answer (or a decider's refusal) is kept under the key, the answer
 * in one transaction with the events; a retry with the same key and request gets the first
 * answer, the same key with another request is refused (`idempotency-key-reused`).
 */
export class CommandProcessor {
  /** Per stream: the folded state, its version and the global position of its last event. */
  private readonly cache = new Map<string, Folded<unknown>>();
  /** Per stream, the settling of the last command queued on it in this process. */
  private readonly running = new Map<string, Promise<void>>();
  private readonly retry: RetryPolicy;
  private readonly cachedStreams: number;

  constructor(private readonly options: CommandProcessorOptions) {
    this.retry = options.retry ?? DEFAULT_RETRY_POLICY;
    this.cachedStreams = options.cachedStreams ?? 10_000;
  }

  async handleCommand<State>(command: StreamCommand<State>): Promise<CommandResult> {
    const started = performance.now();
    const tries = { count: 0 };
    let outcome: CommandOutcomeKind = 'error';
    try {
      const result = await this.oneAtATime(command.streamId, () => this.handle(command, tries));
      outcome = result.events.length > 0 ? 'ok' : 'no-op';
      return result;
    } catch (error) {
      outcome =
        error instanceof ApplicationError && error.code === 'concurrency-conflict'
          ? 'conflict'
          : error instanceof DecisionError
            ? 'refused'
            : 'error';
      throw error;
    } finally {
      try {
        this.options.observer?.commandHandled({
          command: command.name,
          outcome,
          durationSeconds: (performance.now() - started) / 1000,
          attempts: tries.count,
        });
      } catch {
        // An observer (metrics) never changes a command's answer.
      }
    }
  }

  /**
   * Commands on one stream run one after the other in this process: they would only conflict
   * with each other (one append per stream version), so queueing them costs nothing and leaves
   * the retries for writers in other processes.
   */
  private async oneAtATime<T>(streamId: string, run: () => Promise<T>): Promise<T> {
    const before = this.running.get(streamId);
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = before ? before.then(() => mine) : mine;
    this.running.set(streamId, tail);
    try {
      if (before) await before;
      return await run();
    } finally {
      release();
      if (this.running.get(streamId) === tail) this.running.delete(streamId);
    }
  }

  private async handle<State>(
    command: StreamCommand<State>,
    tries: { count: number },
  ): Promise<CommandResult> {
    const { context } = command;
    const key = context.idempotencyKey;
    // Only a command that may be retried under a key needs its request remembered.
    const record: IdempotencyRecord | null = key
      ? {
          owner: context.actor.personId,
          key,
          requestHash: hashRequest(this.options.system.hasher, context.route, context.body),
        }
      : null;
    if (record) {
      const previous = await this.previousAnswer(record);
      if (previous) return previous;
    }
    try {
      return await this.decideAndAppend(command, record, tries);
    } catch (error) {
      const refusal = error instanceof Refusal ? error.refusal : null;
      if (!record) throw refusal ?? error;
      // A refusal is an answer too: a retry under the same key is refused the same way, even if
      // the stream has moved on meanwhile. Either way, if another request stored the key first,
      // its answer is the answer.
      const keyTaken =
        error === KEY_TAKEN ||
        (refusal !== null &&
          !(await this.options.idempotency.saveRefusal(record, {
            code: refusal.code,
            kind: refusal.kind,
            message: refusal.message,
            ...(Object.keys(refusal.details).length > 0 ? { details: refusal.details } : {}),
          })));
      if (keyTaken) {
        const previous = await this.previousAnswer(record);
        if (previous) return previous;
      }
      throw refusal ?? error;
    }
  }

  private async decideAndAppend<State>(
    command: StreamCommand<State>,
    record: IdempotencyRecord | null,
    tries: { count: number },
  ): Promise<CommandResult> {
    const { streamId, model } = command;
    let trustCache = true;
    let attempts = 0;
    for (;;) {
      const fromCache = trustCache;
      trustCache = false;
      // A try on the cached state that has to be redone is not an attempt: it met no writer.
      if (!fromCache) attempts++;
      tries.count = Math.max(attempts, 1);
      const { version, state, position } = fromCache
        ? this.cached(streamId, model)
        : await this.load(streamId, model);
      const now = this.options.system.clock.now();
      let decided: readonly DomainEvent[];
      try {
        decided = command.decide(state, now);
      } catch (error) {
        // On the cached state, only events are worth trying: anything else waits for the stored state.
        if (fromCache) continue;
        throw error instanceof DecisionError ? new Refusal(error as DecisionError) : error;
      }
      if (fromCache && decided.length === 0) continue;
      let result: CommandResult;
      try {
        result = await this.append(command, { version, position }, decided, now, record);
      } catch (error) {
        if (!isAppendConflict(error)) throw error;
        if (fromCache) continue;
        if (attempts >= this.retry.maxAttempts) throw concurrencyConflict(streamId, attempts);
        await sleepFor(this.retry, backOffMs(this.retry, attempts));
        continue;
      }
      if (decided.length > 0) {
        // As a fold of the stored events would see them: with the time they were recorded as.
        const occurredAt = command.context.occurredAt ?? now;
        const after = decided.reduce(
          (folded, event) => model.evolve(folded, { ...event, occurredAt }),
          state,
        );
        this.remember(model, streamId, {
          version: result.streamVersion,
          state: after,
          position: result.position === null ? null : BigInt(result.position),
        });
        this.options.onAppended?.();
      }
      return result;
    }
  }

  private async append<State>(
    command: StreamCommand<State>,
    read: { readonly version: number; readonly position: bigint | null },
    decided: readonly DomainEvent[],
    now: string,
    record: IdempotencyRecord | null,
  ): Promise<CommandResult> {
    const { version } = read;
    const { streamId, context } = command;
    const { actor, idempotencyKey, correlationId } = context;
    const events: EventToAppend[] = decided.map((event) => ({
      id: this.options.system.ids.newId(),
      type: event.type,
      data: event.data,
      metadata: {
        actor: { personId: actor.personId, agencyCode: actor.agencyCode },
        occurredAt: context.occurredAt ?? now,
        ...(correlationId ? { correlationId } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
    }));
    const ids = command.answerIds ?? {};
    const resultOf = (appended: Appended | null): CommandResult =>
      appended === null
        ? // Nothing written: the answer is the state it was decided on, which a reader reaches at
          // the position of the stream's last event (usable as `minPosition`, like any answer's).
          {
            streamId,
            streamVersion: version,
            position: read.position?.toString() ?? null,
            events: [],
            ...ids,
          }
        : {
            streamId,
            streamVersion: appended.nextVersion,
            position: appended.lastPosition.toString(),
            events: events.map((event, index) => ({
              id: event.id,
              type: event.type,
              position: (appended.positions[index] ?? appended.lastPosition).toString(),
            })),
            ...ids,
          };
    if (!record) {
      // One statement, its own transaction: the common path takes a single round trip.
      return resultOf(events.length > 0 ? await this.options.store.append(streamId, events, version) : null);
    }
    const answer = await this.options.idempotency.appendAndRemember(
      events.length > 0 ? { streamId, events, expectedVersion: version } : null,
      record,
      resultOf,
    );
    if (answer === 'key-taken') throw KEY_TAKEN;
    return answer;
  }

  /**
   * A stream's current state for checks made before deciding (the plan a task command names, the
   * task's plan): the same versioned cache the commands use, so only what was appended since this
   * process last looked is read.
   */
  async currentState<State>(streamId: string, model: StreamModel<State>): Promise<State> {
    return (await this.load(streamId, model)).state;
  }

  /** The cached fold, maybe behind the store; a stream not cached is taken as not yet written. */
  private cached<State>(streamId: string, model: StreamModel<State>): Folded<State> {
    const cached = this.cache.get(`${model.name}:${streamId}`) as Folded<State> | undefined;
    return cached ?? { version: 0, state: model.initialState(), position: null };
  }

  /** The stream's state: the cached fold plus whatever was appended since (by any process). */
  private async load<State>(streamId: string, model: StreamModel<State>): Promise<Folded<State>> {
    const cached = this.cache.get(`${model.name}:${streamId}`) as Folded<State> | undefined;
    const newer = await this.options.store.readStream(streamId, (cached?.version ?? 0) + 1);
    const state = foldStream(model, newer, cached?.state ?? model.initialState());
    const last = newer.at(-1);
    // The same read gives the last event's position: a no-op's answer needs no second round trip.
    const folded: Folded<State> = {
      version: last?.streamVersion ?? cached?.version ?? 0,
      state,
      position: last?.globalPosition ?? cached?.position ?? null,
    };
    if (newer.length > 0) this.remember(model, streamId, folded);
    return folded;
  }

  private remember<State>(model: StreamModel<State>, streamId: string, folded: Folded<State>): void {
    const key = `${model.name}:${streamId}`;
    this.cache.delete(key);
    this.cache.set(key, folded);
    if (this.cache.size > this.cachedStreams) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async previousAnswer(record: IdempotencyRecord): Promise<CommandResult | null> {
    const stored = await this.options.idempotency.find(record.owner, record.key);
    if (!stored) return null;
    if (stored.requestHash !== record.requestHash) {
      throw new ApplicationError(
        'idempotency-key-reused',
        `The key "${record.key}" was first used with a different request; use a new key for a new request.`,
      );
    }
    if ('refusal' in stored.answer) throw new RefusedBefore(stored.answer.refusal);
    return stored.answer.result;
  }
}

/** A stream's current state, read from the store (for checks that must not wait for a projection). */
export async function readStreamState<State>(
  store: Pick<CommandEventStore, 'readStream'>,
  streamId: string,
  model: StreamModel<State>,
): Promise<State> {
  return foldStream(model, await store.readStream(streamId, 1));
}
