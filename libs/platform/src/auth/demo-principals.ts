import { createSeedDirectory } from '#libs/agencies';
import type { Principal } from './principal.js';

/** The People's Committees that issue the seed plans act as issuers in the demo. */
const DEMO_ISSUER_AGENCIES = ['lc-ubnd-tinh', 'lsc-ubnd-thanh-pho'] as const;

export interface DemoToken {
  readonly token: string;
  readonly principal: Principal;
  readonly agencyName: string;
}

/**
 * Tokens for trying the service on the embedded default: an officer for every seeded agency,
 * an administrator for every seeded agency, an issuer, an auditor, an inspector and an operator
 * for each issuing People's Committee (the
 * auditors and inspectors oversee its province), and a national auditor and inspector. They are fixed and
 * public, so they are accepted only while no OIDC issuer is configured.
 */
export function demoTokens(): DemoToken[] {
  const directory = createSeedDirectory();
  const officers = directory.list().map((agency) => ({
    token: `demo.officer.${agency.code}`,
    principal: { personId: `demo-officer-${agency.code}`, agencyCode: agency.code, roles: ['officer'] },
    agencyName: agency.name,
  })) satisfies DemoToken[];
  const issuers = DEMO_ISSUER_AGENCIES.map((code) => ({
    token: `demo.issuer.${code}`,
    principal: { personId: `demo-issuer-${code}`, agencyCode: code, roles: ['issuer', 'officer'] },
    agencyName: directory.get(code)?.name ?? code,
  })) satisfies DemoToken[];
  const oversight = (['auditor', 'inspector', 'operator'] as const).flatMap((role) =>
    DEMO_ISSUER_AGENCIES.map((code) => ({
      token: `demo.${role}.${code}`,
      principal: { personId: `demo-${role}-${code}`, agencyCode: code, roles: [role] },
      agencyName: directory.get(code)?.name ?? code,
    })),
  ) satisfies DemoToken[];
  // Oversight of the whole country: the token names no agency of the directory.
  const national = (['auditor', 'inspector'] as const).map((role) => ({
    token: `demo.${role}.national`,
    principal: { personId: `demo-${role}-national`, agencyCode: 'national', roles: [role], national: true },
    agencyName: 'national oversight',
  })) satisfies DemoToken[];
  // Each agency's administrator, who connects its own systems (webhook endpoints).
  const administrators = directory.list().map((agency) => ({
    token: `demo.administrator.${agency.code}`,
    principal: {
      personId: `demo-administrator-${agency.code}`,
      agencyCode: agency.code,
      roles: ['administrator'],
    },
    agencyName: agency.name,
  })) satisfies DemoToken[];
  return [...issuers, ...oversight, ...national, ...officers, ...administrators];
}
