import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type BeforeApplicationShutdown,
  type MessageEvent,
} from '@nestjs/common';
import { Observable, type Subscriber } from 'rxjs';
import { DurableSubscription, START_OF_LOG, type EventStore, type LogPosition } from '#libs/event-store';
import { followAgency, InProcessFeed, InProcessFeedPublisher, logPositionBefore } from '#libs/fanout';
import {
  APP_CONFIG,
  EVENT_STORE,
  FeedMetrics,
  problemType,
  ProblemError,
  type AppConfig,
} from '#libs/platform';

/** The subscription that feeds this process's in-process feed (memory only, not checkpointed). */
export const AGENCY_FEED_SUBSCRIPTION = 'agency-feed';

/** Where a feed connection starts. */
export type FeedStart =
  | { readonly kind: 'after-event'; readonly position: bigint }
  | { readonly kind: 'from-position'; readonly position: bigint }
  | { readonly kind: 'live' };

/**
 * Agency feeds for Server-Sent Events. The event store is the source of truth, with or without
 * NATS: while any connection is open, this process follows the log into an in-process feed (one
 * read of the log and one fan-out per batch, whatever the number of connections; nothing when no
 * one is connected), and each connection catches up from
 * the store, then takes the live batches, with `followAgency` joining the two without a gap or
 * a repeat.
 */
interface LiveFeed {
  readonly subscription: DurableSubscription;
}

@Injectable()
export class AgencyFeedService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('AgencyFeed');
  readonly feed = new InProcessFeed(this.fanoutLogger());
  /** Follows the log into `feed` while at least one connection is open; undefined otherwise. */
  private live: Promise<LiveFeed> | undefined;
  private readonly connections = new Map<Subscriber<MessageEvent>, Promise<void> | undefined>();

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Optional() metrics?: FeedMetrics,
  ) {
    metrics?.countConnections(() => this.connections.size);
  }

  /** Ends every open feed (clients reconnect elsewhere with Last-Event-ID), then stops following. */
  async beforeApplicationShutdown(): Promise<void> {
    const open = [...this.connections];
    for (const [connection] of open) connection.complete();
    await this.stopLive();
    // Wait (at most a second) for the ended responses to be written out, so that closing the HTTP
    // server finds their connections idle and closes them at once instead of waiting for each
    // client to let go.
    const finished = open.flatMap(([, responseFinished]) => (responseFinished ? [responseFinished] : []));
    if (finished.length > 0) {
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        Promise.all(finished),
        new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_FLUSH_MS))),
      ]);
      clearTimeout(timer);
    }
  }

  /**
   * Starts following the log, from its readable head, when the first connection opens. A
   * connection does not depend on where this starts: `followAgency` catches up from the store
   * until the live batches join its position.
   */
  private retainLive(): void {
    if (this.live) return;
    const live = (async (): Promise<LiveFeed> => {
      const publisher = new InProcessFeedPublisher({
        feed: this.feed,
        store: this.store,
        startAt: await this.store.readableHead(),
        logger: this.fanoutLogger(),
      });
      const subscription = new DurableSubscription(this.store, publisher, {
        name: AGENCY_FEED_SUBSCRIPTION,
        batchSize: 500,
        pollIntervalMs: 50,
        // After a batch with events, look again soon: live delivery under load without a wake-up.
        busyPollIntervalMs: 5,
        logger: { error: (details, message) => this.logger.error({ ...details, msg: message }) },
      });
      await subscription.start();
      return { subscription };
    })();
    this.live = live;
    live.catch((error: unknown) => {
      // Without the live feed the open connections would wait for ever: end them, they reconnect.
      this.logger.error({ err: error, msg: 'the live agency feed could not start; ending open feeds' });
      if (this.live === live) this.live = undefined;
      for (const connection of this.connections.keys()) connection.error(error);
    });
  }

  /** Stops following the log when the last connection has closed: an idle API reads nothing. */
  private releaseLive(): void {
    if (this.connections.size === 0) void this.stopLive();
  }

  private async stopLive(): Promise<void> {
    const live = this.live;
    this.live = undefined;
    if (!live) return;
    try {
      await (await live).subscription.stop();
    } catch {
      // It never started; that was logged.
    }
  }

  /** The log position a connection starts after; a 400 problem for a position the log does not hold. */
  async startAfter(start: FeedStart): Promise<LogPosition> {
    switch (start.kind) {
      case 'live':
        return this.store.readableHead();
      case 'after-event': {
        // 0 holds no event: it is the id of the start of the log, sent by a live feed opened on
        // an empty log (see stream).
        if (start.position === 0n) return START_OF_LOG;
        const at = await this.store.logPositionOf(start.position);
        if (!at) throw unknownPosition(start.position, 'Last-Event-ID');
        return at;
      }
      case 'from-position': {
        if (start.position > 0n && !(await this.store.logPositionOf(start.position))) {
          throw unknownPosition(start.position, 'from');
        }
        return logPositionBefore(this.store, start.position);
      }
    }
  }

  /**
   * One connection: the agency's envelopes after `after`, each with its global position as the
   * SSE id, and a comment every FEED_KEEPALIVE_SECONDS so proxies keep the connection open.
   *
   * With `announceStart`, the stream opens with a message that has an id and no data: the
   * global position of the event `after` is (a position the store has returned, so
   * `logPositionOf` resolves it back to `after`), or 0 at the start of the log. A client takes
   * it as its last event id (browsers do, by the SSE rules), so a live start that drops before
   * its first event resumes where it began instead of live again.
   *
   * `responseFinished` settles once the response is written out or its connection closed; the
   * shutdown waits for it.
   */
  stream(
    agencyCode: string,
    after: LogPosition,
    options: { readonly announceStart?: boolean; readonly responseFinished?: Promise<void> } = {},
  ): Observable<MessageEvent> {
    return new Observable<MessageEvent>((subscriber) => {
      this.connections.set(subscriber, options.responseFinished);
      this.retainLive();
      subscriber.next({ comment: `feed of ${agencyCode}` });
      if (options.announceStart) subscriber.next({ id: String(after.globalPosition) });
      const follow = followAgency({
        store: this.store,
        feed: this.feed,
        agencyCode,
        after,
        logger: this.fanoutLogger(),
        onMessage: ({ envelope }) => subscriber.next({ id: envelope.coordposition, data: envelope }),
      });
      follow.done.then(
        () => subscriber.complete(),
        (error: unknown) => subscriber.error(error),
      );
      const keepAlive = setInterval(
        () => subscriber.next({ comment: 'keep-alive' }),
        this.config.feedKeepAliveSeconds * 1_000,
      );
      return () => {
        clearInterval(keepAlive);
        this.connections.delete(subscriber);
        void follow.stop();
        this.releaseLive();
      };
    });
  }

  private fanoutLogger() {
    return {
      warn: (details: object, message: string) => this.logger.warn({ ...details, msg: message }),
      error: (details: object, message: string) => this.logger.error({ ...details, msg: message }),
    };
  }
}

/** How long a shutdown waits for the ended feeds to be written out. */
const SHUTDOWN_FLUSH_MS = 1_000;

function unknownPosition(position: bigint, where: string): ProblemError {
  return new ProblemError({
    type: problemType('feed.unknown-position'),
    title: 'Bad request',
    status: 400,
    code: 'feed.unknown-position',
    detail: `${where} names position ${position}, which holds no event; use an id the feed sent or a position a command answered.`,
  });
}
