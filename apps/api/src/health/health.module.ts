import { Module } from '@nestjs/common';
import { HealthController } from './health.controller.js';

/** /health, /health/live, /health/ready; the checks are MetricsModule's ReadinessCheck (libs/platform). */
@Module({ controllers: [HealthController] })
export class HealthModule {}
