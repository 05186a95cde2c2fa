import {
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { AgencyFanout, cloudEventJson, type FanoutLogger } from '#libs/fanout';
import { orderingKeyOf, wantsEventType } from '#libs/webhooks';
import type { QueuedDelivery, WebhookStore } from './webhook-store.js';
import { checkpointFromHead } from '../checkpoint-from-head.js';

export interface DispatcherCheckpoints {
  load(name: string): Promise<LogPosition>;
  save(name: string, position: LogPosition): Promise<void>;
}

export interface WebhookDispatcherOptions {
  readonly webhooks: Pick<WebhookStore, 'activeEndpoints' | 'enqueue'>;
  readonly events: Pick<EventStore, 'readStream' | 'readableHead'>;
  readonly checkpoints: DispatcherCheckpoints;
  readonly name?: string;
  /** CloudEvents `source`, as on NATS. */
  readonly source?: string;
  readonly logger?: FanoutLogger;
  /** Called after a batch queued deliveries (wakes the sender). */
  readonly onQueued?: (count: number) => void;
}

export const WEBHOOK_DISPATCHER_SUBSCRIPTION = 'webhook-dispatcher';

/**
 * Follows the log and queues, for each event and each agency it concerns (the same fan-out and the
 * same CloudEvents envelope as NATS, libs/fanout), one delivery per active endpoint of that agency
 * that asks for the event's type. Deliveries are queued in log order, then the checkpoint is
 * stored: a batch handled twice queues nothing twice (one delivery per endpoint and message id).
 * An endpoint receives the events after its registration (those with a global position above the
 * newest one then; an append still committing at that moment with a lower one is not sent), not
 * the history (that is on NATS and the SSE feed); configured for the first time, the
 * dispatcher itself starts at the head of the log.
 */
export class WebhookDispatcher implements SubscriptionConsumer {
  private readonly name: string;
  private readonly fanout: AgencyFanout;

  constructor(private readonly options: WebhookDispatcherOptions) {
    this.name = options.name ?? WEBHOOK_DISPATCHER_SUBSCRIPTION;
    this.fanout = new AgencyFanout({ store: options.events, source: options.source, logger: options.logger });
  }

  loadCheckpoint(): Promise<LogPosition> {
    return checkpointFromHead(this.options.checkpoints, this.name, this.options.events);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    const endpoints = await this.options.webhooks.activeEndpoints();
    const deliveries: QueuedDelivery[] = [];
    if (endpoints.size > 0) {
      for (const message of await this.fanout.messagesFor(events)) {
        const { event } = message;
        const wanting = (endpoints.get(message.agencyCode) ?? []).filter(
          (endpoint) =>
            wantsEventType(endpoint.eventTypes, event.type) && event.globalPosition > endpoint.fromPosition,
        );
        if (wanting.length === 0) continue;
        const body = cloudEventJson(message.envelope);
        const orderingKey = orderingKeyOf(message.event);
        for (const endpoint of wanting) {
          deliveries.push({
            endpointId: endpoint.id,
            messageId: message.envelope.id,
            eventType: message.event.type,
            orderingKey,
            position: message.event.globalPosition,
            body,
          });
        }
      }
    }
    const queued = await this.options.webhooks.enqueue(deliveries);
    await this.options.checkpoints.save(this.name, checkpoint);
    if (queued > 0) this.options.onQueued?.(queued);
  }
}
