import { readFileSync } from 'node:fs';
import type { Transporter } from 'nodemailer';
import {
  type EventStore,
  type LogPosition,
  type RecordedEvent,
  type SubscriptionConsumer,
} from '#libs/event-store';
import { decodeDeadlineEvent, type DeadlineEvent } from '#libs/tasks';
import { checkpointFromHead } from '../checkpoint-from-head.js';

/** Where the agencies' deadline notices go: agency code -> e-mail address. */
export type AgencyAddresses = ReadonlyMap<string, string>;

/** Reads AGENCY_EMAILS_FILE: a JSON object from agency code to address. */
export function readAgencyAddresses(path: string): AgencyAddresses {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new Error(`AGENCY_EMAILS_FILE ${path} must hold a JSON object of agency code to address`);
  }
  const addresses = new Map<string, string>();
  for (const [code, address] of Object.entries(parsed)) {
    if (typeof address !== 'string' || !/^[^\s@]+@[^\s@]+$/.test(address)) {
      throw new Error(`AGENCY_EMAILS_FILE: the address of ${code} is not an e-mail address`);
    }
    addresses.set(code, address);
  }
  return addresses;
}

export interface MailCheckpoints {
  load(name: string): Promise<LogPosition>;
  save(name: string, position: LogPosition): Promise<void>;
}

export interface DeadlineMailerOptions {
  readonly smtpUrl: string;
  readonly from: string;
  readonly addresses: AgencyAddresses;
  readonly checkpoints: MailCheckpoints;
  readonly store: Pick<EventStore, 'readableHead'>;
  readonly name?: string;
}

export const DEADLINE_MAILER_SUBSCRIPTION = 'deadline-mailer';

/**
 * E-mails each reminder, lapse and escalation to the notified agencies that have an address
 * (SMTP_URL, AGENCY_EMAILS_FILE), as a hosted consumer of the log under its own lease. A batch is
 * sent, then its checkpoint stored: a worker that dies in between sends that batch again (at
 * least once; each message carries the event id as Message-ID, so a mail client shows one).
 * Configured for the first time, it starts at the head of the log: history is not mailed.
 */
export class DeadlineMailer implements SubscriptionConsumer {
  /** Made with the first mail: the mail library (about 3 MB of heap) is loaded only when used. */
  private transport: Promise<Transporter> | undefined;
  private readonly name: string;

  constructor(private readonly options: DeadlineMailerOptions) {
    // The URL is checked now, at start-up, as making the transport did when it was made here: a
    // wrong SMTP_URL must stop the process, not wait for the first notice that is due.
    if (!URL.canParse(options.smtpUrl)) {
      throw new Error('SMTP_URL is not a valid URL (smtp://user:password@host:port or smtps://...)');
    }
    this.name = options.name ?? DEADLINE_MAILER_SUBSCRIPTION;
  }

  private transportForMail(): Promise<Transporter> {
    this.transport ??= import('nodemailer')
      .then(({ default: nodemailer }) => nodemailer.createTransport(this.options.smtpUrl))
      .catch((error: unknown) => {
        this.transport = undefined; // the next batch tries again
        throw error;
      });
    return this.transport;
  }

  loadCheckpoint(): Promise<LogPosition> {
    return checkpointFromHead(this.options.checkpoints, this.name, this.options.store);
  }

  async handle(events: readonly RecordedEvent[], checkpoint: LogPosition): Promise<void> {
    for (const recorded of events) {
      const event = decodeDeadlineEvent(recorded);
      if (!event) continue;
      const to = event.data.notify.flatMap((code) => this.options.addresses.get(code) ?? []);
      if (to.length === 0) continue;
      const transport = await this.transportForMail();
      await transport.sendMail({
        from: this.options.from,
        to: [...new Set(to)],
        subject: subjectOf(event),
        text: bodyOf(event, recorded.metadata.occurredAt),
        messageId: `<${recorded.id}@coord>`,
        headers: { 'X-Coord-Event': event.type, 'X-Coord-Task': event.data.taskId },
      });
    }
    await this.options.checkpoints.save(this.name, checkpoint);
  }

  close(): void {
    void this.transport?.then(
      (transport) => transport.close(),
      () => undefined,
    );
  }
}

function subjectOf(event: DeadlineEvent): string {
  const { title, dueDate } = event.data;
  switch (event.type) {
    case 'DeadlineReminderSent':
      return `Nhắc hạn: "${title}" đến hạn ngày ${dueDate} (còn ${event.data.daysBefore} ngày)`;
    case 'DeadlineLapsed':
      return `Quá hạn: "${title}" (hạn ngày ${dueDate})`;
    case 'DeadlineEscalated':
      return `Chuyển cấp ${event.data.level}: "${title}" quá hạn ${event.data.daysOverdue} ngày`;
  }
}

function bodyOf(event: DeadlineEvent, occurredAt: string): string {
  const { data } = event;
  return [
    subjectOf(event),
    '',
    `Nhiệm vụ: ${data.title} (${data.taskId})`,
    `Kế hoạch: ${data.planId}, mục ${data.sourceClause.section}`,
    `Hạn hoàn thành: ${data.dueDate}`,
    `Cơ quan chủ trì: ${data.responsibleAgency ?? '—'}`,
    `Cơ quan chưa hoàn thành: ${data.openAgencies.join(', ') || '—'}`,
    `Thời điểm: ${occurredAt}`,
  ].join('\n');
}
