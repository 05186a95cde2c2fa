import { foldTask, initialState } from '#libs/tasks';
import {
  HEALTH,
  ISSUER,
  LEAD,
  POLICE,
  SUPPORT,
  handoffAccepted,
  handoffRequested,
  taskAssigned,
  taskCancelled,
  taskReassigned,
} from '../../../tasks/src/testing/task.fixtures.js';
import { mayReadDraft, ReadPolicy, type Places, type Reader } from './access-policy.js';

/** Agencies ending in -LC sit in Lai Châu under UBND-LC, those ending in -LS in Lạng Sơn under UBND-LS. */
const places: Places = {
  jurisdictionOf: (code) =>
    code.endsWith('-LC') ? 'lai-chau' : code.endsWith('-LS') ? 'lang-son' : undefined,
  jurisdictionChain: (jurisdiction) => [jurisdiction],
  superiorsOf: (code) => {
    const committee = code.endsWith('-LC') ? 'UBND-LC' : code.endsWith('-LS') ? 'UBND-LS' : undefined;
    return committee === undefined || committee === code ? [code] : [code, committee];
  },
};
const policy = new ReadPolicy(places);
const mayReadTask = policy.mayReadTask.bind(policy);
const mayReadPlan = policy.mayReadPlan.bind(policy);
const seesWholePlan = policy.seesWholePlan.bind(policy);
const mayReadAgencyWork = policy.mayReadAgencyWork.bind(policy);

const officer = (agencyCode: string): Reader => ({
  personId: `p-${agencyCode}`,
  agencyCode,
  roles: ['officer'],
});
const issuerOf = (agencyCode: string, issuesFor?: string): Reader => ({
  personId: `p-issuer-${agencyCode}`,
  agencyCode,
  roles: ['issuer', 'officer'],
  ...(issuesFor ? { issuesFor } : {}),
});
const auditor: Reader = { personId: 'p-auditor', agencyCode: 'UBND-LC', roles: ['auditor'] };
const inspector: Reader = { personId: 'p-inspector', agencyCode: 'UBND-LC', roles: ['inspector'] };
const otherProvinceAuditor: Reader = { personId: 'p-auditor-ls', agencyCode: 'UBND-LS', roles: ['auditor'] };
const nationalInspector: Reader = {
  personId: 'p-n',
  agencyCode: 'TTCP',
  roles: ['inspector'],
  national: true,
};
const namedJurisdictionAuditor: Reader = {
  personId: 'p-j',
  agencyCode: 'UBND-LS',
  roles: ['auditor'],
  jurisdiction: 'lai-chau',
};
const nobody: Reader = { personId: 'p-nobody', agencyCode: LEAD, roles: [] };

describe('the access policy', () => {
  describe('mayReadTask', () => {
    const open = foldTask([taskAssigned()]);

    it('lets no one read a task that does not exist', () => {
      for (const reader of [auditor, inspector, issuerOf(ISSUER), officer(LEAD)]) {
        expect(mayReadTask(reader, initialState())).toBe(false);
      }
    });

    it('lets auditors, inspectors and the issuing committee read every task, open or closed', () => {
      const cancelled = foldTask([taskAssigned(), taskCancelled()]);
      for (const task of [open, cancelled]) {
        expect(mayReadTask(auditor, task)).toBe(true);
        expect(mayReadTask(inspector, task)).toBe(true);
        expect(mayReadTask(issuerOf(ISSUER), task)).toBe(true);
        expect(mayReadTask(issuerOf('SLDTBXH-LC', ISSUER), task)).toBe(true); // a focal point
        expect(mayReadTask(officer(ISSUER), task)).toBe(true);
      }
    });

    it('lets an officer read a task their agency holds, and no other', () => {
      expect(mayReadTask(officer(LEAD), open)).toBe(true);
      expect(mayReadTask(officer(SUPPORT), open)).toBe(true);
      expect(mayReadTask(officer(HEALTH), open)).toBe(false);
    });

    it('keeps a task readable to every agency that was a party: handed on, reassigned, or offered it', () => {
      const moved = foldTask([
        taskAssigned(),
        handoffRequested('h1', SUPPORT, HEALTH),
        handoffAccepted('h1', SUPPORT, HEALTH),
        taskReassigned(HEALTH, POLICE),
        taskReassigned(POLICE, 'STP-LC'),
      ]);
      for (const agency of [LEAD, SUPPORT, HEALTH, POLICE, 'STP-LC']) {
        expect(mayReadTask(officer(agency), moved)).toBe(true);
      }
      expect(mayReadTask(officer('SXD-LC'), moved)).toBe(false);
    });

    it('refuses an issuer of another committee, and a caller with no role even at a party', () => {
      expect(mayReadTask(issuerOf('UBND-LS'), open)).toBe(false);
      expect(mayReadTask(issuerOf('SLDTBXH-LS', 'UBND-LS'), open)).toBe(false);
      expect(mayReadTask(nobody, open)).toBe(false);
    });

    it("keeps auditors and inspectors to their province's tasks unless their token is national", () => {
      expect(mayReadTask(otherProvinceAuditor, open)).toBe(false);
      expect(mayReadTask(nationalInspector, open)).toBe(true);
      expect(mayReadTask(namedJurisdictionAuditor, open)).toBe(true);
    });
  });

  describe('mayReadPlan', () => {
    const plan = { issuerAgencyCode: ISSUER, readerAgencyIsParty: false };

    it('lets no one read a plan that does not exist', () => {
      expect(mayReadPlan(auditor, null)).toBe(false);
    });

    it('lets oversight and the issuing committee read the plan whole', () => {
      for (const reader of [auditor, inspector, issuerOf(ISSUER), officer(ISSUER)]) {
        expect(mayReadPlan(reader, plan)).toBe(true);
        expect(seesWholePlan(reader, plan)).toBe(true);
      }
    });

    it('lets a party to one of its tasks read it, but not whole', () => {
      expect(mayReadPlan(officer(LEAD), plan)).toBe(false);
      const asParty = { ...plan, readerAgencyIsParty: true };
      expect(mayReadPlan(officer(LEAD), asParty)).toBe(true);
      expect(seesWholePlan(officer(LEAD), asParty)).toBe(false);
      expect(mayReadPlan(nobody, asParty)).toBe(false);
    });

    it("refuses another committee's issuer and another province's auditor", () => {
      expect(mayReadPlan(issuerOf('UBND-LS'), plan)).toBe(false);
      expect(mayReadPlan(otherProvinceAuditor, plan)).toBe(false);
      expect(mayReadPlan(nationalInspector, plan)).toBe(true);
    });
  });

  describe('mayReadDraft', () => {
    const draft = { createdBy: 'p-focal', committee: ISSUER };

    it('lets the uploader and the issuers of their committee read it, and nobody else', () => {
      expect(mayReadDraft({ ...issuerOf('SLDTBXH-LC', ISSUER), personId: 'p-focal' }, draft)).toBe(true);
      expect(mayReadDraft(issuerOf(ISSUER), draft)).toBe(true);
      expect(mayReadDraft(issuerOf('UBND-LS'), draft)).toBe(false);
      expect(mayReadDraft(officer(ISSUER), draft)).toBe(false);
      expect(mayReadDraft(auditor, draft)).toBe(false);
      expect(mayReadDraft(issuerOf(ISSUER), null)).toBe(false);
    });

    it('keeps a draft stored before its committee was kept to its uploader', () => {
      expect(mayReadDraft(issuerOf(ISSUER), { createdBy: 'p-focal', committee: null })).toBe(false);
      expect(
        mayReadDraft({ ...issuerOf(ISSUER), personId: 'p-focal' }, { createdBy: 'p-focal', committee: null }),
      ).toBe(true);
    });
  });

  describe('mayReadAgencyWork', () => {
    it('lets whoever acts for the agency, the issuers of its committee and oversight of its province read its work', () => {
      expect(mayReadAgencyWork(officer(LEAD), LEAD)).toBe(true);
      expect(mayReadAgencyWork(issuerOf(ISSUER), ISSUER)).toBe(true);
      expect(mayReadAgencyWork(issuerOf(ISSUER), LEAD)).toBe(true);
      expect(mayReadAgencyWork(issuerOf('SLDTBXH-LC', ISSUER), HEALTH)).toBe(true);
      expect(mayReadAgencyWork(auditor, LEAD)).toBe(true);
      expect(mayReadAgencyWork(inspector, LEAD)).toBe(true);
      expect(mayReadAgencyWork(nationalInspector, 'SYT-LS')).toBe(true);
    });

    it('refuses another agency, another committee and another province', () => {
      expect(mayReadAgencyWork(officer(SUPPORT), LEAD)).toBe(false);
      expect(mayReadAgencyWork(issuerOf('UBND-LS'), LEAD)).toBe(false);
      expect(mayReadAgencyWork(otherProvinceAuditor, LEAD)).toBe(false);
      expect(mayReadAgencyWork(auditor, 'SYT-LS')).toBe(false);
      expect(mayReadAgencyWork(nobody, LEAD)).toBe(false);
    });
  });
});
