import type { Principal, PrincipalRole } from '#libs/platform';
import { assertMayReadAgencyFeed, mayReadAgencyFeed } from './feed-access.js';

const as = (agencyCode: string, ...roles: PrincipalRole[]): Principal => ({
  personId: `p-${agencyCode}`,
  agencyCode,
  roles,
});

describe("who may follow an agency's feed", () => {
  it("lets an officer follow their own agency's feed only", () => {
    expect(mayReadAgencyFeed(as('lc-so-y-te', 'officer'), 'lc-so-y-te')).toBe(true);
    expect(mayReadAgencyFeed(as('lc-so-y-te', 'officer'), 'lc-so-ldtbxh')).toBe(false);
  });

  it("lets an issuer follow its own agency's feed only", () => {
    expect(mayReadAgencyFeed(as('lc-ubnd-tinh', 'issuer', 'officer'), 'lc-ubnd-tinh')).toBe(true);
    expect(mayReadAgencyFeed(as('lc-ubnd-tinh', 'issuer', 'officer'), 'lc-so-y-te')).toBe(false);
  });

  it("lets auditors and inspectors follow any agency's feed", () => {
    expect(mayReadAgencyFeed(as('lc-ubnd-tinh', 'auditor'), 'lsc-phong-ldtbxh')).toBe(true);
    expect(mayReadAgencyFeed(as('lc-ubnd-tinh', 'inspector'), 'lc-so-y-te')).toBe(true);
  });

  it('refuses a caller with none of the roles, even for its own agency', () => {
    expect(mayReadAgencyFeed(as('lc-so-y-te'), 'lc-so-y-te')).toBe(false);
  });

  it('refuses with a 403 problem that names both agencies', () => {
    expect(() => assertMayReadAgencyFeed(as('lc-so-y-te', 'officer'), 'lc-so-gddt')).toThrow(
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
