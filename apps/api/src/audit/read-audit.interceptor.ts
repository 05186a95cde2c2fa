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

interface AuditedRequest {
  readonly principal?: Principal;
  readonly method: string;
  readonly url: string;
  readonly params?: Record<string, string>;
  readonly query?: Record<string, unknown>;
}

/**
 * The audit of reads in one place (ADR 0021): a route marked `@AuditedRead(kind)` answers only
 * once its read is committed to the audit log; a read that cannot be recorded is refused with 503
 * (`read-audit-unavailable`), never served unrecorded. Refusals (404, 403, 422) read nothing and
 * are not recorded.
 */
@Injectable()
export class ReadAuditInterceptor implements NestInterceptor {
  private readonly logger = new Logger('ReadAudit');

  constructor(
    private readonly reflector: Reflector,
    @Inject(READ_AUDIT) private readonly audit: ReadAuditLog,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    const kind = this.reflector.get<string | undefined>(AUDITED_READ, context.getHandler());
    if (kind === undefined || !this.config.readAudit) return next.handle();
    const request = context.switchToHttp().getRequest<AuditedRequest>();
    return next.handle().pipe(
      mergeMap(async (body: unknown) => {
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

/** How many items an answer holds: its list's length, else 1 (one object). */
function itemsOf(body: unknown): number {
  if (Array.isArray(body)) return body.length;
  if (body !== null && typeof body === 'object') {
    for (const list of ['items', 'entries', 'heads', 'agencies']) {
      const value = (body as Record<string, unknown>)[list];
      if (Array.isArray(value)) return value.length;
    }
  }
  return typeof body === 'string' ? body.split('\n').filter((line) => line !== '').length - 1 : 1;
}
