import { Controller, Get, Inject } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { authenticationMode, demoTokens, type AppConfig, type PrincipalRole } from '#libs/platform';
import { Public } from '../auth/auth.decorators.js';
import { ApiAnswer } from '../contract/answers.js';

export const WEB_APP_CONFIG = Symbol('WEB_APP_CONFIG');

/** The roles the dashboard has pages for: operators and administrators use the CLI and the API. */
type DashboardRole = Exclude<PrincipalRole, 'operator' | 'administrator'>;

function isDashboardRole(role: PrincipalRole): role is DashboardRole {
  return role !== 'operator' && role !== 'administrator';
}

/** One demo user the sign-in page offers (embedded default only). */
export interface DemoUserView {
  readonly token: string;
  readonly role: DashboardRole;
  readonly agencyCode: string;
  readonly agencyName: string;
  /** A national auditor or inspector (reads the ledger). */
  readonly national?: boolean;
}

/** What the dashboard needs to know before anyone signs in. */
export interface WebConfigView {
  readonly auth: 'demo' | 'oidc';
  /** Demo mode: the fixed public demo tokens, as `npx coord demo-tokens` lists them. */
  readonly demoUsers: readonly DemoUserView[];
  /** OIDC mode: where the dashboard sends people to sign in (authorization code + PKCE). */
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly scope: string };
}

/**
 * GET /web/config: how the dashboard signs people in. Public, like the sign-in page itself: it
 * names only what anyone may know (the demo tokens are public and listed only in demo mode).
 */
@ApiTags('dashboard')
@Public()
@Controller('web')
export class WebConfigHttpController {
  constructor(@Inject(WEB_APP_CONFIG) private readonly config: AppConfig) {}

  @Get('config')
  @ApiOperation({ summary: "The dashboard's sign-in settings: demo users, or the OIDC issuer and client" })
  @ApiAnswer(200, 'WebConfigView', 'auth mode, demo users (demo mode), OIDC issuer and client id (OIDC mode)')
  webConfig(): WebConfigView {
    const mode = authenticationMode(this.config);
    if (mode === 'oidc') {
      return {
        auth: 'oidc',
        demoUsers: [],
        oidc: {
          issuer: this.config.oidcIssuer ?? '',
          clientId: this.config.oidcClientId,
          scope: this.config.oidcScope,
        },
      };
    }
    return {
      auth: 'demo',
      demoUsers: demoTokens().flatMap((demo) => {
        const roles = demo.principal.roles;
        if (!roles.every(isDashboardRole)) return [];
        return [
          {
            token: demo.token,
            role: roles[0] ?? 'officer',
            agencyCode: demo.principal.agencyCode,
            agencyName: demo.agencyName,
            ...(demo.principal.national ? { national: true } : {}),
          },
        ];
      }),
    };
  }
}
