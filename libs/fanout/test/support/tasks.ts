import { randomUUID } from 'node:crypto';
import { ExpectedVersion, type AppendResult, type EventStore } from '#libs/event-store';
import {
  decide,
  evolve,
  initialState,
  taskStreamId,
  type Actor,
  type Assignee,
  type TaskCommand,
  type TaskEvent,
  type TaskState,
} from '#libs/tasks';

/** Lai Châu agencies of the seed directory. */
export const ISSUER = 'lc-ubnd-tinh';
export const LEAD = 'lc-so-ldtbxh';
export const SUPPORT = 'lc-so-gddt';
export const REQUESTED = 'lc-mttq';
export const HEALTH = 'lc-so-y-te';
export const POLICE = 'lc-cong-an-tinh';

export const DEFAULT_ASSIGNEES: readonly Assignee[] = [
  { agencyCode: LEAD, role: 'lead' },
  { agencyCode: SUPPORT, role: 'support' },
  { agencyCode: REQUESTED, role: 'requested' },
];

export const issuer: Actor = { personId: 'p-issuer', agencyCode: ISSUER, roles: ['issuer'] };
export const officerOf = (agencyCode: string): Actor => ({
  personId: `p-${agencyCode}`,
  agencyCode,
  roles: ['officer'],
});

type CommandData<Type extends TaskCommand['type']> = Extract<TaskCommand, { type: Type }>['data'];

/**
 * Runs task commands the way a command handler does: read the stream, fold, decide, append with
 * the expected version. Realistic events, written to a real store.
 */
export class TaskWriter {
  constructor(
    private readonly store: EventStore,
    private readonly clock: () => Date = () => new Date(),
  ) {}

  async run(command: TaskCommand): Promise<AppendResult | null> {
    const streamId = taskStreamId(command.data.taskId);
    const stored = await this.store.readStream(streamId);
    const state = stored.reduce<TaskState>(
      (s, e) => evolve(s, { type: e.type, data: e.data } as TaskEvent),
      initialState(),
    );
    const events = decide(command, state);
    if (events.length === 0) return null;
    const { actor, now } = command.metadata;
    return this.store.append(
      streamId,
      events.map((event) => ({
        id: randomUUID(),
        type: event.type,
        data: event.data,
        metadata: { actor: { personId: actor.personId, agencyCode: actor.agencyCode }, occurredAt: now },
      })),
      stored.length === 0 ? ExpectedVersion.noStream : ExpectedVersion.exact(stored.length),
    );
  }

  assign(taskId: string, assignees: readonly Assignee[] = DEFAULT_ASSIGNEES): Promise<AppendResult | null> {
    const data: CommandData<'AssignTask'> = {
      taskId,
      planId: 'plan-lai-chau-ct28-2024',
      title: 'Tuyên truyền, phổ biến pháp luật về trẻ em',
      duty: 'Chủ trì, phối hợp tổ chức tuyên truyền về quyền trẻ em và phòng, chống xâm hại trẻ em.',
      sourceClause: { section: 'V.1', start: 1200, end: 1480 },
      dueDate: '2024-11-30',
      assignees,
      issuerAgencyCode: ISSUER,
      kind: 'duty',
    };
    return this.run({ type: 'AssignTask', data, metadata: this.meta(issuer) });
  }

  acknowledge(taskId: string, agencyCode: string): Promise<AppendResult | null> {
    return this.run({
      type: 'AcknowledgeTask',
      data: { taskId, agencyCode },
      metadata: this.meta(officerOf(agencyCode)),
    });
  }

  requestHandoff(
    taskId: string,
    fromAgency: string,
    toAgency: string,
    handoffId: string = randomUUID(),
  ): Promise<AppendResult | null> {
    return this.run({
      type: 'RequestHandoff',
      data: { taskId, handoffId, fromAgency, toAgency, reason: 'Thuộc chức năng của cơ quan khác' },
      metadata: this.meta(officerOf(fromAgency)),
    });
  }

  acceptHandoff(taskId: string, handoffId: string, receiver: string): Promise<AppendResult | null> {
    return this.run({
      type: 'AcceptHandoff',
      data: { taskId, handoffId, reason: 'Đồng ý tiếp nhận' },
      metadata: this.meta(officerOf(receiver)),
    });
  }

  cancel(taskId: string): Promise<AppendResult | null> {
    return this.run({
      type: 'CancelTask',
      data: { taskId, reason: 'Nhiệm vụ không còn phù hợp' },
      metadata: this.meta(issuer),
    });
  }

  private meta(actor: Actor): { actor: Actor; now: string } {
    return { actor, now: this.clock().toISOString() };
  }
}
