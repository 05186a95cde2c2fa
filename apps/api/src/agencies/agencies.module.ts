import { Global, Module } from '@nestjs/common';
import { AgenciesHttpController } from './agencies.http.controller.js';
import { AGENCY_DIRECTORY, agencyDirectoryProvider } from './agency-directory.provider.js';

@Global()
@Module({
  controllers: [AgenciesHttpController],
  providers: [agencyDirectoryProvider],
  exports: [AGENCY_DIRECTORY],
})
export class AgenciesModule {}
