import { Module, type DynamicModule } from '@nestjs/common';
import type { AppConfig } from '#libs/platform';
import { WEB_APP_CONFIG, WebConfigHttpController } from './web-config.http.controller.js';

/** The dashboard's API side: its sign-in settings (the pages themselves: web-app.ts). */
@Module({})
export class WebModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WebModule,
      controllers: [WebConfigHttpController],
      providers: [{ provide: WEB_APP_CONFIG, useValue: config }],
    };
  }
}
