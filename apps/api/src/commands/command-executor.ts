import { randomUUID } from 'node:crypto';
import { Inject, Injectable, Optional } from '@nestjs/common';
import {
  AppendOrderError,
  ConcurrencyError,
  ExpectedVersion,
  type Database,
  type PostgresEventStore,
  type RecordedEvent,
} from '#libs/event-store';
import {
  DATABASE,
  EVENT_STORE,
  problemType,
  ProblemError,
  SubscriptionHost,
  type Principal,
} from '#libs/platform';
import type { CommandResult } from './command-result.js';
import { hashRequest, IdempotencyStore } from './idempotency.store.js';

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

/** Decides the events for the stream's current events; [] when nothing changes. */
export type Decision = (
  history: readonly RecordedEvent[],
  now: string,
) => readonly { type: string; data: unknown }[];

const MAX_ATTEMPTS = 3;

/**
 * Runs a command the event-sourced way: read the stream, decide, append at the version read.
 * A concurrent writer makes the append fail; the command is then decided again on the new state.
 */
@Injectable()
export class CommandExecutor {
  constructor(
    @Inject(EVENT_STORE) private readonly store: PostgresEventStore,
    @Inject(DATABASE) private readonly database: Database,
    private readonly idempotency: IdempotencyStore,
    @Optional() private readonly subscriptions?: SubscriptionHost,
  ) {}

  async execute(streamId: string, context: CommandContext, decision: Decision): Promise<CommandResult> {
    const requestHash = hashRequest(context.route, context.body);
    const key = context.idempotencyKey;
    if (key) {
      const previous = await this.previousAnswer(context.principal, key, requestHash);
      if (previous) return previous;
    }
    for (let attempt = 1; ; attempt++) {
      try {
        const result = await this.attempt(streamId, context, decision, requestHash);
        this.subscriptions?.wakeAll();
        return result;
      } catch (error) {
        const retryable = error instanceof ConcurrencyError || error instanceof AppendOrderError;
        if (retryable && attempt < MAX_ATTEMPTS) continue;
        if (error instanceof KeyTakenConcurrently && key) {
          const previous = await this.previousAnswer(context.principal, key, requestHash);
          if (previous) return previous;
        }
        throw error;
      }
    }
  }

  private async attempt(
    streamId: string,
    context: CommandContext,
    decision: Decision,
    requestHash: string,
  ): Promise<CommandResult> {
    const history = await this.store.readStream(streamId);
    const version = history.at(-1)?.streamVersion ?? 0;
    const now = new Date().toISOString();
    const decided = decision(history, now);
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

    const client = await this.database.pool.connect();
    try {
      await client.query('begin');
      let result: CommandResult = { streamId, streamVersion: version, position: null, events: [] };
      if (events.length > 0) {
        const appended = await this.store.appendWith(
          client,
          streamId,
          events,
          version === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(version),
        );
        result = {
          streamId,
          streamVersion: appended.nextVersion,
          position: appended.lastPosition.toString(),
          events: events.map((event, index) => ({
            id: event.id,
            type: event.type,
            position: (appended.positions[index] ?? appended.lastPosition).toString(),
          })),
        };
      }
      if (idempotencyKey) {
        const saved = await this.idempotency.save(
          client,
          principal.personId,
          idempotencyKey,
          requestHash,
          result,
        );
        if (!saved) throw new KeyTakenConcurrently();
      }
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback').catch(() => undefined);
      throw error;
    } finally {
      client.release();
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
    return stored.result;
  }
}

class KeyTakenConcurrently extends Error {}
