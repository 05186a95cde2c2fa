import { createSeedDirectory } from '#libs/agencies';
import { placesOf, ReadPolicy } from '#libs/application';
import type { Principal, PrincipalRole } from '#libs/platform';
import { assertMayReadAgencyFeed, mayReadAgencyFeed } from './feed-access.js';

const policy = new ReadPolicy(placesOf(createSeedDirectory()));

const as = (agencyCode: string, ...roles: PrincipalRole[]): Principal => ({
  personId: `p-${agencyCode}`,
  agencyCode,
  roles,
});

describe("who may follow an agency's feed", () => {
  it("lets an officer follow their own agency's feed only", () => {
    expect(mayReadAgencyFeed(policy, as('lc-so-y-te', 'officer'), 'lc-so-y-te')).toBe(true);
    expect(mayReadAgencyFeed(policy, as('lc-so-y-te', 'officer'), 'lc-so-ldtbxh')).toBe(false);
  });

  it("lets an issuer follow its own agency's feed and those of the agencies below its committee", () => {
    expect(mayReadAgencyFeed(policy, as('lc-ubnd-tinh', 'issuer', 'officer'), 'lc-ubnd-tinh')).toBe(true);
    expect(mayReadAgencyFeed(policy, as('lc-ubnd-tinh', 'issuer', 'officer'), 'lc-so-y-te')).toBe(true);
    expect(mayReadAgencyFeed(policy, as('lc-ubnd-tinh', 'issuer', 'officer'), 'lsc-phong-ldtbxh')).toBe(
      false,
    );
  });

  it("lets auditors and inspectors follow the feeds of their province's agencies, all with a national token", () => {
    expect(mayReadAgencyFeed(policy, as('lc-ubnd-tinh', 'auditor'), 'lsc-phong-ldtbxh')).toBe(false);
    expect(mayReadAgencyFeed(policy, as('lc-ubnd-tinh', 'inspector'), 'lc-so-y-te')).toBe(true);
    expect(
      mayReadAgencyFeed(policy, { ...as('national', 'auditor'), national: true }, 'lsc-phong-ldtbxh'),
    ).toBe(true);
  });

  it('refuses a caller with none of the roles, even for its own agency', () => {
    expect(mayReadAgencyFeed(policy, as('lc-so-y-te'), 'lc-so-y-te')).toBe(false);
  });

  it('refuses with a 403 problem that names both agencies', () => {
    expect(() => assertMayReadAgencyFeed(policy, as('lc-so-y-te', 'officer'), 'lc-so-gddt')).toThrow(
      expect.objectContaining({
        problem: expect.objectContaining({
          status: 403,
          code: 'feed.forbidden',
          detail: expect.stringContaining('lc-so-gddt'),
        }),
      }),
    );
  });
});
