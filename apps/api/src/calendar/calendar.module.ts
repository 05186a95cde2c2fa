import { Module } from '@nestjs/common';
import { CalendarHttpController, DecideCalendarHandler } from './calendar.http.controller.js';

@Module({
  controllers: [CalendarHttpController],
  providers: [DecideCalendarHandler],
})
export class CalendarModule {}
