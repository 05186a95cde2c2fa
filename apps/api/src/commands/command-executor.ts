import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AppendOrderError,
  ConcurrencyError,
  ExpectedVersion,
  type AppendResult,
  type Database,
  type PostgresEventStore,
} from '#libs/event-store';
import {
  DATABASE,
  EVENT_STORE,
  isDecisionError,
  problemType,
  ProblemError,
  SubscriptionHost,
  type Principal,
} from '#libs/platform';
import type { CommandResult } from './command-result.js';
import { hashRequest, IdempotencyStore, RefusedBefore } from './idempotency.store.js';
import { foldStream } from './stream-models.js';

export interface CommandContext {
  readonly principal: Principal;
  readonly idempotencyKey?: string | undefined;
  /** Method and path, so one key cannot be replayed against another resource. */
  readonly route: string;
  readonly body: unknown;
  readonly correlationId?: string | undefined;
  /** When the decision happened in the world, if earlier than now. */
  readonly occurredAt?: string | undefined;
}

export interface DomainEvent {
  readonly type: string;
  readonly data: unknown;
}

/** How a stream's events fold into the state its decider needs. */
export interface StreamModel<State> {
  /** Distinguishes cached states of different models. */
  readonly name: string;
  initialState(): State;
  evolve(state: State, event: DomainEvent): State;
}

/** Decides the events for the current state; [] when nothing changes. */
export type Decision<State> = (state: State, now: string) => readonly DomainEvent[];

/** Folded states kept per process, so a command reads only the events after the cached version. */
const CACHED_STREAMS = 10_000;

const MAX_ATTEMPTS = 3;

/**
 * Runs a command the event-sourced way: read the stream, decide, append at the version read.
 * A concurrent writer makes the append fail; the command is then decided again on the new state.
 *
 * A stream this process has seen lately is not read first: the command is decided on the cached
 * state and appended at its version, one round trip. The expected version makes that safe: if any
 * process has written the stream since, the append is refused and the command is decided again on
 * the state read from the store. A refusal or a no-op decided on the cached state is likewise
 * only answered after deciding again on the stored state.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(DATABASE) private readonly database: Database,
    private readonly idempotency: IdempotencyStore,
    @Optional() private readonly subscriptions?: SubscriptionHost,
  ) {}

  private readonly cache = new Map<string, { version: number; state: unknown }>();

  async execute<State>(
    streamId: string,
    context: CommandContext,
    model: StreamModel<State>,
    decision: Decision<State>,
  ): Promise<CommandResult> {
    // Only a command that may be retried under a key needs its request remembered.
    const requestHash = context.idempotencyKey ? hashRequest(context.route, context.body) : '';
    const key = context.idempotencyKey;
    if (key) {
      const previous = await this.previousAnswer(context.principal, key, requestHash);
      if (previous) return previous;
    }
    try {
      return await this.decideAndAppend(streamId, context, model, decision, requestHash);
    } catch (error) {
      if (!key) throw error;
      // A refusal is an answer too: a retry under the same key is refused the same way, even if
      // the task has moved on meanwhile. (Validation by the DTOs happens earlier and is not kept.)
      // Either way, if another request stored the key first, its answer is the answer.
      const keyTaken =
        error === KEY_TAKEN ||
        (isDecisionError(error) &&
          !(await this.idempotency.saveRefusal(context.principal.personId, key, requestHash, error)));
      if (keyTaken) {
        const previous = await this.previousAnswer(context.principal, key, requestHash);
        if (previous) return previous;
      }
      throw error;
    }
  }

  private async decideAndAppend<State>(
    streamId: string,
    context: CommandContext,
    model: StreamModel<State>,
    decision: Decision<State>,
    requestHash: string,
  ): Promise<CommandResult> {
    // The first try trusts the cached state; a refused append does not count as an attempt.
    let trustCache = true;
    for (let attempt = 1; ; attempt++) {
      const fromCache = trustCache;
      trustCache = false;
      try {
        const result = await this.attempt(streamId, context, model, decision, requestHash, fromCache);
        this.subscriptions?.wakeAll();
        return result;
      } catch (error) {
        const stale =
          error === UNVERIFIED || error instanceof ConcurrencyError || error instanceof AppendOrderError;
        if (fromCache && stale) {
          attempt--;
          continue;
        }
        const retryable = error instanceof ConcurrencyError || error instanceof AppendOrderError;
        if (retryable && attempt < MAX_ATTEMPTS) continue;
        throw error;
      }
    }
  }

  private async attempt<State>(
    streamId: string,
    context: CommandContext,
    model: StreamModel<State>,
    decision: Decision<State>,
    requestHash: string,
    fromCache: boolean,
  ): Promise<CommandResult> {
    const { version, state } = fromCache ? this.cached(streamId, model) : await this.load(streamId, model);
    const now = new Date().toISOString();
    const decided = fromCache ? decideOnCachedState(decision, state, now) : decision(state, now);
    const { principal, idempotencyKey } = context;
    const events = decided.map((event) => ({
      id: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: {
        actor: { personId: principal.personId, agencyCode: principal.agencyCode },
        occurredAt: context.occurredAt ?? now,
        ...(context.correlationId ? { correlationId: context.correlationId } : {}),
        ...(idempotencyKey ? { idempotencyKey } : {}),
      },
    }));

    const expected = version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(version);
    const resultOf = (appended: AppendResult | null): CommandResult =>
      appended === null
        ? { streamId, streamVersion: version, position: null, events: [] }
        : {
            streamId,
            streamVersion: appended.nextVersion,
            position: appended.lastPosition.toString(),
            events: events.map((event, index) => ({
              id: event.id,
              type: event.type,
              position: (appended.positions[index] ?? appended.lastPosition).toString(),
            })),
          };

    let result: CommandResult;
    if (!idempotencyKey) {
      // One statement, its own transaction: the common path takes a single round trip.
      result = resultOf(events.length > 0 ? await this.store.append(streamId, events, expected) : null);
    } else {
      // The answer is stored with the events, in one transaction, so a retry finds either both or neither.
      const client = await this.database.pool.connect();
      try {
        await client.query('begin');
        result = resultOf(
          events.length > 0 ? await this.store.appendWith(client, streamId, events, expected) : null,
        );
        const saved = await this.idempotency.save(client, principal.personId, idempotencyKey, requestHash, {
          result,
        });
        if (!saved) throw KEY_TAKEN;
        await client.query('commit');
      } catch (error) {
        await client.query('rollback').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    }
    if (decided.length > 0) {
      this.remember(model, streamId, result.streamVersion, decided.reduce(model.evolve, state));
    }
    return result;
  }

  /** The cached fold, maybe behind the store; a stream not cached is taken as not yet written. */
  private cached<State>(streamId: string, model: StreamModel<State>): { version: number; state: State } {
    const cached = this.cache.get(`${model.name}:${streamId}`) as
      { version: number; state: State } | undefined;
    return cached ?? { version: 0, state: model.initialState() };
  }

  /** The stream's state: the cached fold plus whatever was appended since (by any process). */
  private async load<State>(
    streamId: string,
    model: StreamModel<State>,
  ): Promise<{ version: number; state: State }> {
    const key = `${model.name}:${streamId}`;
    const cached = this.cache.get(key) as { version: number; state: State } | undefined;
    const newer = await this.store.readStream(streamId, { fromVersion: (cached?.version ?? 0) + 1 });
    const state = foldStream(model, newer, cached?.state ?? model.initialState());
    const version = newer.at(-1)?.streamVersion ?? cached?.version ?? 0;
    if (newer.length > 0) this.remember(model, streamId, version, state);
    return { version, state };
  }

  private remember<State>(model: StreamModel<State>, streamId: string, version: number, state: State): void {
    const key = `${model.name}:${streamId}`;
    this.cache.delete(key);
    this.cache.set(key, { version, state });
    if (this.cache.size > CACHED_STREAMS) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }

  private async previousAnswer(principal: Principal, key: string, requestHash: string) {
    const stored = await this.idempotency.find(principal.personId, key);
    if (!stored) return null;
    if (stored.requestHash !== requestHash) {
      throw new ProblemError({
        type: problemType('idempotency-key-reused'),
        title: 'Idempotency-Key already used for another request',
        status: 422,
        code: 'idempotency-key-reused',
        detail: `The key "${key}" was first used with a different request; use a new key for a new request.`,
      });
    }
    if ('refusal' in stored.answer) throw new RefusedBefore(stored.answer.refusal);
    return stored.answer.result;
  }
}

/** Another request stored the same Idempotency-Key first. */
const KEY_TAKEN = new Error('Idempotency-Key taken concurrently');
/** A refusal or a no-op decided on the cached state: decide again on the stored one. */
const UNVERIFIED = new Error('decided on the cached state');

/** On the cached state, only events are worth trying: anything else waits for the stored state. */
function decideOnCachedState<State>(
  decision: Decision<State>,
  state: State,
  now: string,
): readonly DomainEvent[] {
  let decided: readonly DomainEvent[];
  try {
    decided = decision(state, now);
  } catch {
    throw UNVERIFIED;
  }
  if (decided.length === 0) throw UNVERIFIED;
  return decided;
}
