import { Module } from '@nestjs/common';
import { AuditReadsHttpController } from './audit-reads.http.controller.js';

/** GET /audit/reads. Routes are audited with `@AuditedRead(kind)` (audited-read.decorator.ts). */
@Module({ controllers: [AuditReadsHttpController] })
export class AuditModule {}
