import { Module } from '@nestjs/common';
import { WebhooksHttpController } from './webhooks.http.controller.js';

/** An agency's webhook endpoints over HTTP; WebhooksModule (libs/platform) stores and delivers. */
@Module({ controllers: [WebhooksHttpController] })
export class WebhooksHttpModule {}
