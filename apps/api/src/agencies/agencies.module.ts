import { Global, Module } from '@nestjs/common';
import { AgenciesHttpController } from './agencies.http.controller.js';
import { AgencyHeadsHttpController } from './agency-heads.http.controller.js';
import { DecideAgencyHandler } from './decide-agency.command.js';
import { AgencyWorkHttpController } from './agency-work.http.controller.js';
import {
  AGENCY_DIRECTORY,
  agencyDirectoryProvider,
  READ_POLICY,
  readPolicyProvider,
} from './agency-directory.provider.js';

@Global()
@Module({
  controllers: [AgenciesHttpController, AgencyWorkHttpController, AgencyHeadsHttpController],
  providers: [agencyDirectoryProvider, readPolicyProvider, DecideAgencyHandler],
  exports: [AGENCY_DIRECTORY, READ_POLICY],
})
export class AgenciesModule {}
