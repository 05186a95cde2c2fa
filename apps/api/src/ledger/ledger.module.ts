import { Module } from '@nestjs/common';
import { LedgerHttpController } from './ledger.http.controller.js';

/** GET /ledger/*, GET /events: the tamper-evident ledger and the event browser, for auditors. */
@Module({ controllers: [LedgerHttpController] })
export class LedgerHttpModule {}
