import {
  Inject,
  Injectable,
  Logger,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { mergeMap, type Observable } from 'rxjs';
import type { ReadAuditLog, ReadRecord } from '#libs/application';
import {
  APP_CONFIG,
  problemType,
  ProblemError,
  READ_AUDIT,
  type AppConfig,
  type Principal,
} from '#libs/platform';

/** The metadata key `@AuditedRead(kind)` sets on a route. */
export const AUDITED_READ = 'coord:audited-read';

export interface AuditedRequest {
  readonly principal?: Principal;
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, unknown>;
}

/**
 * Records reads in the audit log (ADR 0021). A read that cannot be recorded is refused with 503
 * (`read-audit-unavailable`), never served unrecorded. Used by the interceptor for answers built
 * as a whole, and called directly by routes that stream their answer (NDJSON, tiles), before
 * their first byte.
 */
export class ReadRecorder {
  private readonly logger = new Logger('ReadAudit');

  constructor(
    private readonly audit: ReadAuditLog,
    private readonly config: AppConfig,
  ) {}

  get enabled(): boolean {
    return this.config.readAudit;
  }

  /**
   * Records one read of `kind`. `body` is the answer when it is known (its items are counted);
   * a streamed answer passes the number of items it will hold if known, else 0.
   */
  async record(kind: string, request: AuditedRequest, body: unknown): Promise<void> {
    if (!this.config.readAudit) return;
    try {
      await this.audit.record(readRecordOf(kind, request, body));
    } catch (error) {
      this.logger.error(`a read could not be recorded, so it is refused: ${String(error)}`);
      throw new ProblemError({
        type: problemType('read-audit-unavailable'),
        title: 'Temporarily unavailable',
        status: 503,
        code: 'read-audit-unavailable',
        detail:
          'Every read is recorded before it is answered, and the record could not be written; retry shortly.',
        retryAfterSeconds: 1,
      });
    }
  }
}

/**
 * The audit of reads in one place (ADR 0021): a route marked `@AuditedRead(kind)` answers only
 * once its read is committed to the audit log; a read that cannot be recorded is refused with 503
 * (`read-audit-unavailable`), never served unrecorded. Refusals (404, 403, 422) read nothing and
 * are not recorded.
 */
@Injectable()
export class ReadAuditInterceptor implements NestInterceptor {
  private readonly recorder: ReadRecorder;

  constructor(
    private readonly reflector: Reflector,
    @Inject(READ_AUDIT) audit: ReadAuditLog,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.recorder = new ReadRecorder(audit, config);
  }

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.get<string | undefined>(AUDITED_READ, context.getHandler());
    if (kind === undefined || !this.recorder.enabled) return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
        await this.recorder.record(kind, request, body);
        return body;
      }),
    );
  }
}

function readRecordOf(kind: string, request: AuditedRequest, body: unknown): ReadRecord {
  const principal = request.principal;
  const query: Record<string, string> = {};
  for (const [key, value] of Object.entries(request.query ?? {})) {
    query[key] = Array.isArray(value) ? value.map(String).join(',') : String(value);
  }
  return {
    actor: {
      personId: principal?.personId ?? 'anonymous',
      agencyCode: principal?.agencyCode ?? '',
      roles: [...(principal?.roles ?? [])],
    },
    kind,
    method: request.method,
    path: request.url.split('?')[0] ?? request.url,
    resourceIds: Object.values(request.params ?? {}),
    query,
    items: itemsOf(body),
  };
}

/** How many items an answer holds: its list's length, else 1 (one object); a count as given. */
function itemsOf(body: unknown): number {
  if (typeof body === 'number') return body;
  if (Array.isArray(body)) return body.length;
  if (body !== null && typeof body === 'object') {
    for (const list of ['items', 'entries', 'heads', 'agencies', 'lapses']) {
      const value = (body as Record<string, unknown>)[list];
      if (Array.isArray(value)) return value.length;
    }
  }
  return typeof body === 'string' ? body.split('\n').filter((line) => line !== '').length - 1 : 1;
}
