import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { ApiExtension } from '@nestjs/swagger';
import { AUDITED_READ_EXTENSION } from '../contract/problems.js';
import { AUDITED_READ, ReadAuditInterceptor } from './read-audit.interceptor.js';

/**
 * Records every answer of this route in the audit of reads before it is sent (who, what, query,
 * how many items, when); 503 if the record cannot be written. One line per route:
 * `@AuditedRead('task.trail')`. `kind` names what is read. The contract lists its 503
 * read-audit-unavailable (contract/openapi-document.ts).
 */
export const AuditedRead = (kind: string) =>
  applyDecorators(
    SetMetadata(AUDITED_READ, kind),
    UseInterceptors(ReadAuditInterceptor),
    ApiExtension(AUDITED_READ_EXTENSION, kind),
  );
