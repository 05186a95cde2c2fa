import { Module, type DynamicModule } from '@nestjs/common';
import { DatabaseModule, loggingModule, type AppConfig } from '#libs/platform';
import { HealthModule } from './health/health.module.js';

@Module({})
export class ApiModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: ApiModule,
      imports: [
        loggingModule(config, 'coord-api'),
        DatabaseModule.forRoot(config, 'coord-api'),
        HealthModule,
      ],
    };
  }
}
