import { Global, Logger, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import {
  APP_CONFIG,
  authenticationMode,
  DemoTokenVerifier,
  OidcTokenVerifier,
  type AppConfig,
  type TokenVerifier,
} from '#libs/platform';
import { AuthenticationGuard, TOKEN_VERIFIER } from './authentication.guard.js';

@Global()
@Module({
  providers: [
    {
      provide: TOKEN_VERIFIER,
      inject: [APP_CONFIG],
      useFactory: (config: AppConfig): TokenVerifier => {
        if (authenticationMode(config) === 'oidc' && config.oidcIssuer && config.oidcJwksUrl) {
          return new OidcTokenVerifier({
            issuer: config.oidcIssuer,
            jwksUrl: config.oidcJwksUrl,
            audience: config.oidcAudience,
            maxLifetimeSeconds: config.oidcMaxTokenLifetime,
            clockSkewSeconds: config.oidcClockSkew,
          });
        }
        new Logger('Auth').warn(
          'No OIDC_ISSUER configured: accepting the public demo tokens (npx coord demo-tokens). Do not expose this instance.',
        );
        return new DemoTokenVerifier();
      },
    },
    { provide: APP_GUARD, useClass: AuthenticationGuard },
  ],
  exports: [TOKEN_VERIFIER],
})
export class AuthModule {}
