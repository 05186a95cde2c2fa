import type { ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { AgencyDirectory, SEED_AGENCIES, SEED_GROUPS, SEED_JURISDICTIONS } from '#libs/agencies';
import { ProblemError, type Principal, type TokenVerifier } from '#libs/platform';
import { AuthenticationGuard } from './authentication.guard.js';

/** The Lai Châu Sở LĐTBXH ceased to exist; its functions passed to the Sở Y tế and the Sở Nội vụ. */
const directory = new AgencyDirectory({
  agencies: SEED_AGENCIES,
  groups: SEED_GROUPS,
  jurisdictions: SEED_JURISDICTIONS,
  successions: [
    {
      code: 'lc-so-ldtbxh',
      kind: 'split',
      successors: [
        { function: 'child-protection', agencyCode: 'lc-so-y-te' },
        { function: 'labour', agencyCode: 'lc-so-noi-vu' },
      ],
      effectiveDate: '2025-07-01',
      basis: {
        number: 'Nghị định số 45/2025/NĐ-CP',
        date: '2025-02-28',
        title: 'Tổ chức các cơ quan chuyên môn',
      },
      reorganisationId: 'test',
    },
  ],
});

const principals: Record<string, Principal> = {
  old: { personId: 'p-old', agencyCode: 'lc-so-ldtbxh', roles: ['officer'] },
  focal: {
    personId: 'p-focal',
    agencyCode: 'lc-so-y-te',
    roles: ['issuer'],
    issuesFor: 'lc-so-ldtbxh',
  },
  successor: { personId: 'p-new', agencyCode: 'lc-so-y-te', roles: ['officer'] },
};
const verifier: TokenVerifier = { mode: 'demo', verify: (token) => Promise.resolve(principals[token]!) };
const guard = new AuthenticationGuard(new Reflector(), verifier, directory);

function request(method: string, token: string): ExecutionContext {
  const req = { method, headers: { authorization: `Bearer ${token}` } };
  return {
    getHandler: () => function handler() {},
    getClass: () => class Controller {},
    switchToHttp: () => ({ getRequest: () => req }),
  } as unknown as ExecutionContext;
}

describe('tokens of an agency that ceased to exist', () => {
  it('still read: GET passes', async () => {
    await expect(guard.canActivate(request('GET', 'old'))).resolves.toBe(true);
  });

  it('cannot act: anything else is 403 agency.dissolved, naming the successors', async () => {
    for (const token of ['old', 'focal']) {
      const refused = await guard.canActivate(request('POST', token)).catch((error: unknown) => error);
      expect(refused).toBeInstanceOf(ProblemError);
      expect((refused as ProblemError).problem).toMatchObject({
        status: 403,
        code: 'agency.dissolved',
        detail: expect.stringContaining('lc-so-y-te, lc-so-noi-vu'),
      });
    }
  });

  it('the successor acts', async () => {
    await expect(guard.canActivate(request('POST', 'successor'))).resolves.toBe(true);
  });
});
