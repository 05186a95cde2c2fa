import { Global, Module } from '@nestjs/common';
import { CommandExecutor } from './command-executor.js';
import { IdempotencyStore } from './idempotency.store.js';

@Global()
@Module({ providers: [CommandExecutor, IdempotencyStore], exports: [CommandExecutor] })
export class CommandsModule {}
