import { Module } from '@nestjs/common';
import { AgencyFeedHttpController } from './agency-feed.http.controller.js';
import { AgencyFeedService } from './agency-feed.service.js';

/** GET /agencies/{code}/feed: Server-Sent Events from the event store and the in-process feed. */
@Module({
  controllers: [AgencyFeedHttpController],
  providers: [AgencyFeedService],
  exports: [AgencyFeedService],
})
export class FeedModule {}
