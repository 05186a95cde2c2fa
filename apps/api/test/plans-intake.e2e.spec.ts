import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { Document, Packer, Paragraph, TextRun } from 'docx';
import { createSeedDirectory } from '#libs/agencies';
import type { EventStore } from '#libs/event-store';
import { draftPlanText } from '#libs/plan-intake';
import { planStreamId } from '#libs/plans';
import { EVENT_STORE, loadConfig, type ProblemDetails } from '#libs/platform';
import { taskStreamId } from '#libs/tasks';
import { createApiApplication } from '../src/bootstrap.js';
import type { ConfirmResult, PlanDraftView } from '../src/plans/plan-intake.service.js';

const ISSUER_LC = 'demo.issuer.lc-ubnd-tinh';
const ISSUER_LSC = 'demo.issuer.lsc-ubnd-thanh-pho';
const OFFICER = 'demo.officer.lc-so-y-te';
const DOCX = 'application/vnd.openxmlformats-officedocument.wordprocessingml.document';

const seedPlans = join(process.cwd(), 'libs/plan-intake/seed-plans');
const LAI_CHAU = readFileSync(join(seedPlans, 'laichau-2024-ct28-kh.txt'), 'utf8');
const LANG_SON_CITY = readFileSync(join(seedPlans, 'langson-city-2024-nq121-kh.txt'), 'utf8');
const directory = createSeedDirectory();
const laiChauDraft = draftPlanText(LAI_CHAU, directory);
const langSonDraft = draftPlanText(LANG_SON_CITY, directory);

/**
 * The service's clock stands at 25 June 2024 (COORD_TEST_CLOCK_FILE): the 2024 reporting cycle has
 * begun, so its report tasks are assigned with the plan; later years' are left to their cycle's
 * timer. No deadline of the plans confirmed here has come by then, so no timer fires meanwhile.
 */
const NOW = '2024-06-25T02:00:00.000Z';
const begun = (draft: PlanDraftView | typeof laiChauDraft) =>
  draft.tasks.filter((t) => t.reportYear === null || t.reportYear <= 2024);
let clockFile: string;
beforeAll(async () => {
  clockFile = join(await mkdtemp(join(tmpdir(), 'coord-clock-')), 'now');
  await writeFile(clockFile, NOW);
});
afterAll(async () => {
  await rm(join(clockFile, '..'), { recursive: true, force: true });
});

interface Booted {
  app: INestApplication;
  url: string;
  store: EventStore;
}

async function boot(dataDir: string, seedPlans: boolean): Promise<Booted> {
  const app = await createApiApplication(
    loadConfig({
      LOG_LEVEL: 'silent',
      DATA_DIR: dataDir,
      SEED_PLANS: String(seedPlans),
      NODE_ENV: 'test',
      COORD_TEST_CLOCK_FILE: clockFile,
    }),
  );
  await app.listen(0, '127.0.0.1');
  return { app, url: await app.getUrl(), store: app.get<EventStore>(EVENT_STORE) };
}

/** Whatever a route answers: a draft, a confirmation, or a problem. */
type Body = PlanDraftView & ConfirmResult & ProblemDetails;

interface Answer {
  status: number;
  contentType: string | null;
  location: string | null;
  body: Body;
}

async function call(
  url: string,
  method: string,
  path: string,
  token: string,
  body?: { data: string | Uint8Array; type: string },
): Promise<Answer> {
  const response = await fetch(`${url}${path}`, {
    method,
    // English details (the API answers in Vietnamese unless asked).
    headers: {
      authorization: `Bearer ${token}`,
      'accept-language': 'en',
      ...(body ? { 'content-type': body.type } : {}),
    },
    ...(body ? { body: body.data } : {}),
  });
  const text = await response.text();
  return {
    status: response.status,
    contentType: response.headers.get('content-type'),
    location: response.headers.get('location'),
    body: (text ? JSON.parse(text) : null) as Body,
  };
}

const text = (data: string) => ({ data, type: 'text/plain; charset=utf-8' });
const json = (value: unknown) => ({ data: JSON.stringify(value), type: 'application/json' });

async function docxOf(content: string): Promise<Uint8Array> {
  const paragraphs = content.split('\n').map((line) => new Paragraph({ children: [new TextRun(line)] }));
  return new Uint8Array(await Packer.toBuffer(new Document({ sections: [{ children: paragraphs }] })));
}

/** What a reviewer checks, spans aside. */
function parties(draft: PlanDraftView) {
  return draft.tasks
    .filter((t) => t.kind === 'duty')
    .map((t) => ({ title: t.title, duty: t.duty, assignees: t.assignees, dueDate: t.dueDate }));
}

describe('plan intake over HTTP (SEED_PLANS=false)', () => {
  let dataDir: string;
  let api: Booted;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-plans-'));
    api = await boot(dataDir, false);
  });

  afterAll(async () => {
    await api.app.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  const post = (path: string, token: string, body?: { data: string | Uint8Array; type: string }) =>
    call(api.url, 'POST', path, token, body);

  it('starts with an empty log: nothing was seeded', async () => {
    expect(await api.store.headPosition()).toBe(0n);
  });

  describe('the Lai Châu plan', () => {
    let draft: PlanDraftView;

    it('is read into a draft of 14 party tasks and yearly reports; nothing is recorded', async () => {
      const before = await api.store.headPosition();
      const answer = await post('/plans/import?fileName=laichau-2024-ct28-kh.txt', ISSUER_LC, text(LAI_CHAU));
      expect(answer.status).toBe(201);
      expect(answer.location).toBe(`/plans/drafts/${answer.body.draftId}`);
      draft = answer.body;
      // The answer does not repeat the document; the stored draft has it, at the Location.
      expect(answer.body.sourceText).toBeUndefined();
      expect(answer.body.sourceTextLength).toBe(laiChauDraft.sourceText.length);
      const stored = await call(api.url, 'GET', answer.location!, ISSUER_LC);
      expect(stored.status).toBe(200);
      expect(stored.body.sourceText).toBe(laiChauDraft.sourceText);
      expect(draft).toMatchObject({
        draftId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        contentHash: laiChauDraft.contentHash,
        planId: laiChauDraft.planId,
        alreadyIssued: false,
        jurisdiction: 'lai-chau',
        source: { fileName: 'laichau-2024-ct28-kh.txt', mediaType: 'text/plain' },
        plan: { issuer: { agencyCode: 'lc-ubnd-tinh' }, period: { fromYear: 2024, toYear: 2030 } },
        summary: { dutyTasks: 14, reportTasks: 175, agencies: 25, tasksNeedingReview: 0 },
        createdBy: 'demo-issuer-lc-ubnd-tinh',
        confirmedAt: null,
      });
      expect(draft.indicators.length).toBeGreaterThan(0);
      expect(draft.tasks.filter((t) => t.kind === 'duty')).toHaveLength(14);
      expect(draft.tasks[0]).toMatchObject({
        title: 'V.1 — Sở Lao động - Thương binh và Xã hội',
        assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
      });
      expect(draft.warnings.map((w) => w.code)).toEqual(
        expect.arrayContaining(['blank-plan-number', 'incomplete-date']),
      );
      expect(await api.store.headPosition()).toBe(before);
    });

    it('is kept for review at /plans/drafts/{draftId}', async () => {
      const answer = await call(api.url, 'GET', `/plans/drafts/${draft.draftId}`, ISSUER_LC);
      expect(answer.status).toBe(200);
      // The same draft as the import answered, with the document's text.
      const { sourceText, ...rest } = answer.body as PlanDraftView;
      expect({ ...rest, sourceTextLength: sourceText.length }).toEqual(draft);
    });

    it('records the plan, its duties and the reports of the cycles begun when confirmed', async () => {
      const before = await api.store.headPosition();
      const answer = await post(`/plans/drafts/${draft.draftId}/confirm`, ISSUER_LC, json({}));
      expect(answer.status).toBe(201);
      expect(answer.location).toBe(`/plans/${laiChauDraft.planId}`);
      // 14 duties and the 25 reports of 2024; 2025 to 2030 open at their start.
      expect(begun(draft)).toHaveLength(39);
      expect(answer.body).toEqual({
        draftId: draft.draftId,
        planId: laiChauDraft.planId,
        position: expect.any(String),
        planIssued: true,
        tasksAssigned: 39,
        tasksAlreadyPresent: 0,
        tasksExcluded: 0,
        tasksScheduled: 150,
      });
      const head = await api.store.headPosition();
      expect(head - before).toBe(40n);
      expect(answer.body.position).toBe(head.toString());
      // The plan the Location names, read at the answered position.
      const issued = await call(
        api.url,
        'GET',
        `${answer.location}?minPosition=${answer.body.position}`,
        ISSUER_LC,
      );
      expect(issued).toMatchObject({ status: 200, body: { planId: laiChauDraft.planId } });

      const plan = await api.store.readStream(planStreamId(laiChauDraft.planId));
      expect(plan.map((e) => e.type)).toEqual(['PlanIssued']);
      expect(plan[0]?.data).toMatchObject({
        contentHash: laiChauDraft.contentHash,
        issuerAgencyCode: 'lc-ubnd-tinh',
        jurisdiction: 'lai-chau',
        documentType: 'KH',
        number: null,
        period: { fromYear: 2024, toYear: 2030 },
        reporting: { focalAgencyCode: 'lc-so-ldtbxh', consolidationLeadDays: 15 },
      });
      const cycles = (plan[0]?.data as { reporting: { cycles: { year: number; openedWithPlan: boolean }[] } })
        .reporting.cycles;
      expect(cycles.map((c) => [c.year, c.openedWithPlan])).toEqual([
        [2024, true],
        [2025, false],
        [2026, false],
        [2027, false],
        [2028, false],
        [2029, false],
        [2030, false],
      ]);
      const later = draft.tasks.find((t) => t.reportYear === 2025)!;
      expect(await api.store.readStream(taskStreamId(later.taskId))).toEqual([]);
      expect(plan[0]?.metadata).toMatchObject({
        actor: { personId: 'demo-issuer-lc-ubnd-tinh', agencyCode: 'lc-ubnd-tinh' },
        correlationId: draft.draftId,
      });
      const lead = await api.store.readStream(taskStreamId(draft.tasks[0]!.taskId));
      expect(lead.map((e) => e.type)).toEqual(['TaskAssigned']);
      expect(lead[0]?.data).toMatchObject({
        planId: laiChauDraft.planId,
        kind: 'duty',
        dueDate: '2030-12-31',
        assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
        sourceClause: { section: 'V.1' },
        issuerAgencyCode: 'lc-ubnd-tinh',
      });
      const report = draft.tasks.find((t) => t.kind === 'report' && t.consolidated && t.reportYear === 2024)!;
      const reportEvents = await api.store.readStream(taskStreamId(report.taskId));
      expect(reportEvents[0]?.data).toMatchObject({
        kind: 'report',
        reportYear: 2024,
        dueDate: '2024-11-30',
        assignees: [{ agencyCode: 'lc-so-ldtbxh', role: 'lead' }],
      });
      // A party's report goes to Sở LĐTBXH, due 15 days before its consolidated report.
      const party = draft.tasks.find(
        (t) => t.kind === 'report' && t.reportYear === 2024 && t.assignees[0]?.agencyCode === 'lc-so-y-te',
      )!;
      const [partyAssigned] = await api.store.readStream(taskStreamId(party.taskId));
      expect(partyAssigned?.data).toMatchObject({ reportsTo: 'lc-so-ldtbxh', dueDate: '2024-11-15' });
      // V.8 reads "Chủ trì, phối hợp với Sở Lao động – Thương binh và Xã hội ...": that department
      // is recorded as support of Sở Tài chính's task.
      const finance = draft.tasks.find((t) => t.title === 'V.8 — Sở Tài chính')!;
      const [financeAssigned] = await api.store.readStream(taskStreamId(finance.taskId));
      expect(financeAssigned?.data).toMatchObject({
        assignees: [
          { agencyCode: 'lc-so-tai-chinh', role: 'support' },
          { agencyCode: 'lc-so-ldtbxh', role: 'support' },
        ],
      });

      const stored = await call(api.url, 'GET', `/plans/drafts/${draft.draftId}`, ISSUER_LC);
      expect(stored.body).toMatchObject({ alreadyIssued: true, confirmedAt: expect.any(String) });
    });

    it('answers a retried confirmation (here without a body) with the first answer and records nothing', async () => {
      const before = await api.store.headPosition();
      const answer = await post(`/plans/drafts/${draft.draftId}/confirm`, ISSUER_LC);
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({ planIssued: true, tasksAssigned: 39 });
      expect(await api.store.headPosition()).toBe(before);
    });

    it("shows the focal agency who has and has not reported in a year's cycle; a party its own report", async () => {
      const head = await api.store.headPosition();
      const path = (year: number) =>
        `/plans/${laiChauDraft.planId}/reporting?year=${year}&minPosition=${head}`;
      const focal = await call(api.url, 'GET', path(2024), 'demo.officer.lc-so-ldtbxh');
      expect(focal.status).toBe(200);
      const cycle = focal.body as unknown as {
        opened: boolean;
        focalAgencyCode: string;
        asOf: string;
        parties: { agencyCode: string; dueDate: string; reported: boolean }[];
        notReported: string[];
        consolidation: { agencyCode: string; dueDate: string } | null;
      };
      expect(cycle).toMatchObject({ opened: true, focalAgencyCode: 'lc-so-ldtbxh', asOf: NOW });
      expect(cycle.parties).toHaveLength(24);
      expect(cycle.notReported).toEqual(cycle.parties.map((p) => p.agencyCode));
      expect(cycle.consolidation).toMatchObject({ agencyCode: 'lc-so-ldtbxh', dueDate: '2024-11-30' });
      // The committee sees it whole too; a party its own report only.
      const committee = await call(api.url, 'GET', path(2024), ISSUER_LC);
      expect(committee.body).toEqual(focal.body);
      const party = await call(api.url, 'GET', path(2024), OFFICER);
      expect(party.body).toMatchObject({
        parties: [{ agencyCode: 'lc-so-y-te', dueDate: '2024-11-15', reported: false }],
        notReported: ['lc-so-y-te'],
        consolidation: null,
      });
      // The plan shows its cycles and the default deadline policy.
      const plan = await call(api.url, 'GET', `/plans/${laiChauDraft.planId}?minPosition=${head}`, ISSUER_LC);
      expect(plan.body).toMatchObject({
        deadlinePolicy: { reminderDaysBefore: [7, 1] },
        reporting: { focalAgencyCode: 'lc-so-ldtbxh', consolidationLeadDays: 15 },
      });
      // 2025 has not begun: its tasks are not assigned yet.
      const later = await call(api.url, 'GET', path(2025), ISSUER_LC);
      expect(later.body).toMatchObject({ opened: false, parties: [], consolidation: null });
      // Without a year: a problem naming the parameter.
      const noYear = await call(api.url, 'GET', `/plans/${laiChauDraft.planId}/reporting`, ISSUER_LC);
      expect(noYear.status).toBe(422);
      expect(JSON.stringify(noYear.body)).toContain('year');
    });

    it('is recognised when imported again, and confirming it records nothing new', async () => {
      const before = await api.store.headPosition();
      const again = await post('/plans/import', ISSUER_LC, text(LAI_CHAU));
      expect(again.status).toBe(201);
      expect(again.body).toMatchObject({ alreadyIssued: true, planId: laiChauDraft.planId });
      expect(again.body.draftId).not.toBe(draft.draftId);

      const answer = await post(`/plans/drafts/${again.body.draftId}/confirm`, ISSUER_LC, json({}));
      expect(answer.status).toBe(200);
      expect(answer.body).toEqual({
        draftId: again.body.draftId,
        planId: laiChauDraft.planId,
        // Nothing new: the position of what it found recorded, for minPosition.
        position: expect.stringMatching(/^\d+$/),
        planIssued: false,
        tasksAssigned: 0,
        tasksAlreadyPresent: 39,
        tasksExcluded: 0,
        tasksScheduled: 150,
      });
      expect(await api.store.headPosition()).toBe(before);
      expect(BigInt(answer.body.position as string)).toBeLessThanOrEqual(before);
      const plan = await call(
        api.url,
        'GET',
        `/plans/${laiChauDraft.planId}?minPosition=${answer.body.position}`,
        ISSUER_LC,
      );
      expect(plan.status).toBe(200);
    });

    it('refuses another committee confirming the same document as its own, recording nothing', async () => {
      const before = await api.store.headPosition();
      const imported = await post('/plans/import', ISSUER_LSC, text(LAI_CHAU));
      expect(imported.status).toBe(201);
      const answer = await post(
        `/plans/drafts/${imported.body.draftId}/confirm`,
        ISSUER_LSC,
        json({ plan: { issuerAgencyCode: 'lsc-ubnd-thanh-pho' } }),
      );
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ code: 'plan.forbidden' });
      expect(await api.store.headPosition()).toBe(before);
    });

    it('gives the same parties from a .docx of the same text (and knows it is the same document)', async () => {
      const docx = await docxOf(LAI_CHAU);
      const answer = await post('/plans/import?fileName=laichau.docx&dryRun=true', ISSUER_LC, {
        data: docx,
        type: DOCX,
      });
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({
        draftId: null,
        source: { fileName: 'laichau.docx', mediaType: DOCX },
        contentHash: laiChauDraft.contentHash,
        alreadyIssued: true,
      });
      expect(parties(answer.body)).toEqual(parties(draft));
    });

    it('accepts the document as JSON { fileName, contentBase64 }', async () => {
      const docx = await docxOf(LAI_CHAU);
      const answer = await post(
        '/plans/import?dryRun=true',
        ISSUER_LC,
        json({ fileName: 'ke-hoach.docx', contentBase64: Buffer.from(docx).toString('base64') }),
      );
      expect(answer.status).toBe(200);
      expect(answer.body.source.fileName).toBe('ke-hoach.docx');
      expect(parties(answer.body)).toEqual(parties(draft));
    });

    it('gives the same draft for NFD text', async () => {
      const answer = await post('/plans/import?dryRun=true', ISSUER_LC, text(LAI_CHAU.normalize('NFD')));
      expect(answer.status).toBe(200);
      const {
        draftId: _a,
        createdBy: _b,
        createdAt: _c,
        confirmedAt: _d,
        alreadyIssued: _e,
        ...nfd
      } = answer.body;
      const { draftId: _f, createdBy: _g, createdAt: _h, confirmedAt: _i, alreadyIssued: _j, ...nfc } = draft;
      expect(nfd).toEqual({ ...nfc, source: { fileName: null, mediaType: 'text/plain' } });
    });
  });

  describe('the Lạng Sơn city plan, confirmed with corrections', () => {
    let confirmedDraftId: string;

    it('records the corrected number, date, assignees and leaves out an excluded task', async () => {
      const imported = await post('/plans/import', ISSUER_LSC, text(LANG_SON_CITY));
      expect(imported.status).toBe(201);
      const draft = imported.body;
      confirmedDraftId = draft.draftId!;
      expect(draft.summary.dutyTasks).toBe(11);
      const reports = draft.tasks.filter((t) => t.kind === 'report');
      // The city office consolidates by 14 November; the others report to it 15 days earlier.
      expect(reports.every((t) => t.reportYear === 2024)).toBe(true);
      expect(reports.every((t) => t.dueDate === (t.consolidated ? '2024-11-14' : '2024-10-30'))).toBe(true);
      const office = draft.tasks.find((t) => t.sourceClause.section === 'IV.3')!;
      const excluded = reports.find((t) => t.assignees[0]?.agencyCode === 'lsc-ubnd-xa-mai-pha')!;

      const answer = await post(
        `/plans/drafts/${draft.draftId}/confirm`,
        ISSUER_LSC,
        json({
          plan: { number: '245', issuedOn: '2024-06-20' },
          tasks: [
            {
              taskId: office.taskId,
              assignees: [
                { agencyCode: 'lsc-van-phong-hdnd-ubnd', role: 'support' },
                { agencyCode: 'lsc-trung-tam-y-te', role: 'support' },
              ],
              dueDate: '2024-10-31',
            },
            { taskId: excluded.taskId, exclude: true },
          ],
        }),
      );
      expect(answer.status).toBe(201);
      expect(answer.body).toMatchObject({
        planIssued: true,
        tasksAssigned: draft.tasks.length - 1,
        tasksExcluded: 1,
      });

      const [plan] = await api.store.readStream(planStreamId(draft.planId));
      expect(plan?.data).toMatchObject({
        number: '245/KH-UBND',
        issuedOn: '2024-06-20',
        issuerAgencyCode: 'lsc-ubnd-thanh-pho',
        jurisdiction: 'lang-son-city',
        period: { fromYear: 2024, toYear: 2024 },
      });
      expect(plan?.metadata.occurredAt).toBe('2024-06-19T17:00:00.000Z');
      const [assigned] = await api.store.readStream(taskStreamId(office.taskId));
      expect(assigned?.data).toMatchObject({
        dueDate: '2024-10-31',
        assignees: [
          { agencyCode: 'lsc-van-phong-hdnd-ubnd', role: 'support' },
          { agencyCode: 'lsc-trung-tam-y-te', role: 'support' },
        ],
      });
      expect(await api.store.readStream(taskStreamId(excluded.taskId))).toEqual([]);
    });

    it('refuses to confirm the same draft again with other corrections (409), recording nothing', async () => {
      const before = await api.store.headPosition();
      const answer = await post(
        `/plans/drafts/${confirmedDraftId}/confirm`,
        ISSUER_LSC,
        json({ plan: { number: '246', issuedOn: '2024-06-20' } }),
      );
      expect(answer.status).toBe(409);
      expect(answer.body.code).toBe('draft.confirmed-differently');
      expect(await api.store.headPosition()).toBe(before);
    });

    it('refuses corrections naming an unknown task or agency, with pointers, and records nothing', async () => {
      const imported = await post('/plans/import', ISSUER_LSC, text(`${LANG_SON_CITY}\n`));
      const before = await api.store.headPosition();
      const answer = await post(
        `/plans/drafts/${imported.body.draftId}/confirm`,
        ISSUER_LSC,
        json({
          tasks: [
            { taskId: randomUUID(), exclude: true },
            {
              taskId: imported.body.tasks[0]!.taskId,
              assignees: [{ agencyCode: 'lsc-phong-khong-co', role: 'lead' }],
            },
          ],
        }),
      );
      expect(answer.status).toBe(422);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body.code).toBe('draft.needs-review');
      expect(answer.body.errors!.map((e) => e.pointer)).toEqual([
        '/tasks/0/taskId',
        '/tasks/1/assignees/0/agencyCode',
      ]);
      expect(await api.store.headPosition()).toBe(before);
    });

    it('validates the corrections against their schema', async () => {
      const imported = await post('/plans/import', ISSUER_LSC, text(LANG_SON_CITY));
      const answer = await post(
        `/plans/drafts/${imported.body.draftId}/confirm`,
        ISSUER_LSC,
        json({ tasks: [{ taskId: 'nope', dueDate: '30/11/2024', colour: 'red' }] }),
      );
      expect(answer.status).toBe(422);
      expect(answer.body.errors!.map((e) => e.pointer)).toEqual(
        expect.arrayContaining(['/tasks/0/taskId', '/tasks/0/dueDate', '/tasks/0/colour']),
      );
    });
  });

  describe('documents that cannot be plans', () => {
    it('answers an empty file with 422 empty-document', async () => {
      const answer = await post('/plans/import', ISSUER_LC, text(''));
      expect(answer.status).toBe(422);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 422, code: 'empty-document' });
    });

    it('answers a binary file with 422 not-text', async () => {
      const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256);
      const answer = await post('/plans/import?fileName=photo.bin', ISSUER_LC, {
        data: bytes,
        type: 'application/octet-stream',
      });
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('not-text');
    });

    it('answers a damaged .docx with 422 unreadable-docx', async () => {
      const bytes = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
      const answer = await post('/plans/import', ISSUER_LC, { data: bytes, type: DOCX });
      expect(answer.status).toBe(422);
      expect(answer.body.code).toBe('unreadable-docx');
    });

    it('answers 20 MB with 413 problem+json', async () => {
      const answer = await post('/plans/import', ISSUER_LC, text('a'.repeat(20 * 1024 * 1024)));
      expect(answer.status).toBe(413);
      expect(answer.contentType).toContain('application/problem+json');
      expect(answer.body).toMatchObject({ status: 413, code: 'payload-too-large' });
      expect(answer.body.detail).toContain('10 MB');
    });

    it('accepts a document of 2 MB, over the 1 MB JSON limit of other routes', async () => {
      const padded = `${LAI_CHAU}\n${'Phụ lục. '.repeat(230_000)}`;
      expect(Buffer.byteLength(padded)).toBeGreaterThan(2 * 1024 * 1024);
      const answer = await post('/plans/import?dryRun=true', ISSUER_LC, text(padded));
      expect(answer.status).toBe(200);
      expect(answer.body.summary.dutyTasks).toBe(14);
    });

    it('refuses another media type with 415', async () => {
      const answer = await post('/plans/import', ISSUER_LC, { data: '%PDF-1.4', type: 'application/pdf' });
      expect(answer.status).toBe(415);
      expect(answer.body.code).toBe('unsupported-media-type');
    });

    it('refuses text that is neither a plan nor about one: 422 not-a-plan with its reasons, nothing stored', async () => {
      const before = await api.store.headPosition();
      const answer = await post(
        '/plans/import',
        ISSUER_LC,
        text('Biên bản họp tổ dân phố số 3.\nNội dung: vệ sinh môi trường, an ninh trật tự.\n'),
      );
      expect(answer.status).toBe(422);
      expect(answer.body).toMatchObject({ code: 'not-a-plan', title: 'The document is not a plan' });
      expect(answer.body.reasons).toEqual(
        expect.arrayContaining(['no "KẾ HOẠCH" heading', 'it names no plan']),
      );
      expect(await api.store.headPosition()).toBe(before);
    });

    it('drafts a news item about a plan as from a secondary source, never citing the plan itself', async () => {
      const answer = await post(
        '/plans/import?dryRun=true',
        ISSUER_LC,
        text(
          'Triển khai Tháng hành động vì trẻ em năm 2022\nNgày 05/5/2022, Uỷ ban nhân dân tỉnh ban hành Kế hoạch số 78/KH-UBND về việc triển khai Tháng hành động vì trẻ em năm 2022.',
        ),
      );
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ origin: 'secondary-source', plan: { number: '78' } });
      expect(answer.body.plan.basis.map((c: { number: string | null }) => c.number)).not.toContain(
        '78/KH-UBND',
      );
    });
  });

  describe('who may import', () => {
    it('refuses an officer with 403', async () => {
      const answer = await post('/plans/import', OFFICER, text(LAI_CHAU));
      expect(answer.status).toBe(403);
      expect(answer.body).toMatchObject({ status: 403, code: 'forbidden' });
    });

    it('refuses an officer confirming a draft with 403', async () => {
      const imported = await post('/plans/import', ISSUER_LC, text(LAI_CHAU));
      const answer = await post(`/plans/drafts/${imported.body.draftId}/confirm`, OFFICER, json({}));
      expect(answer.status).toBe(403);
    });

    it('answers 401 without a token', async () => {
      const response = await fetch(`${api.url}/plans/import`, { method: 'POST', body: LAI_CHAU });
      expect(response.status).toBe(401);
    });

    it('answers 404 for an unknown draft', async () => {
      expect((await call(api.url, 'GET', `/plans/drafts/${randomUUID()}`, ISSUER_LC)).status).toBe(404);
      expect((await call(api.url, 'GET', '/plans/drafts/not-a-uuid', ISSUER_LC)).status).toBe(404);
    });
  });

  it('documents the plan routes in OpenAPI', async () => {
    const document = (await (await fetch(`${api.url}/docs-json`)).json()) as {
      paths: Record<string, unknown>;
    };
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining([
        '/plans/import',
        '/plans/drafts/{draftId}',
        '/plans/drafts/{draftId}/confirm',
        '/plans/{planId}/reporting',
      ]),
    );
  });
});

describe('seeding the embedded database on first start', () => {
  let dataDir: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'coord-seed-'));
  });

  afterAll(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('issues both seed plans once, and a restart does not seed again', async () => {
    const expected = 2 + begun(laiChauDraft).length + begun(langSonDraft).length;
    const first = await boot(dataDir, true);
    let head: bigint;
    try {
      head = await first.store.headPosition();
      expect(head).toBe(BigInt(expected));
      for (const draft of [laiChauDraft, langSonDraft]) {
        const plan = await first.store.readStream(planStreamId(draft.planId));
        expect(plan.map((e) => e.type)).toEqual(['PlanIssued']);
        expect(plan[0]?.metadata.actor.agencyCode).toBe(draft.plan.issuer?.agencyCode);
        for (const task of [draft.tasks[0]!, begun(draft).at(-1)!]) {
          expect((await first.store.readStream(taskStreamId(task.taskId))).map((e) => e.type)).toEqual([
            'TaskAssigned',
          ]);
        }
      }
    } finally {
      await first.app.close();
    }

    const second = await boot(dataDir, true);
    try {
      expect(await second.store.headPosition()).toBe(head);

      // What a new user sees: the plans (a national auditor both, a provincial one its province's,
      // an agency those it has a part in), their
      // agencies, and the yearly report owed by Sở LĐTBXH.
      const read = (path: string, token = 'demo.officer.lc-so-ldtbxh') =>
        fetch(`${second.url}${path}${path.includes('?') ? '&' : '?'}minPosition=${head}`, {
          headers: { authorization: `Bearer ${token}` },
        }).then((response) => response.json() as Promise<any>);
      const plans = await read('/plans', 'demo.auditor.national');
      expect(plans.items.map((plan: { planId: string }) => plan.planId).sort()).toEqual(
        [laiChauDraft.planId, langSonDraft.planId].sort(),
      );
      const provincePlans = await read('/plans', 'demo.auditor.lc-ubnd-tinh');
      expect(provincePlans.items.map((plan: { planId: string }) => plan.planId)).toEqual([
        laiChauDraft.planId,
      ]);
      const ownPlans = await read('/plans');
      expect(ownPlans.items.map((plan: { planId: string }) => plan.planId)).toEqual([laiChauDraft.planId]);
      const outstanding = await read(
        '/agencies/lc-so-ldtbxh/outstanding?limit=500&asOf=2024-11-01T00:00:00Z',
      );
      expect(outstanding.items).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ planId: laiChauDraft.planId, dueDate: '2024-11-30', role: 'lead' }),
        ]),
      );
      const progressPath = `/plans/${laiChauDraft.planId}/progress?asOf=2024-11-01T00:00:00Z`;
      const progress = await read(progressPath, 'demo.auditor.lc-ubnd-tinh');
      expect(progress.agencies.map((agency: { agencyCode: string }) => agency.agencyCode)).toContain(
        'lc-so-ldtbxh',
      );
      expect(progress.tasks.total).toBe(begun(laiChauDraft).length);
      // An agency with a part in the plan sees its own part only.
      const ownProgress = await read(progressPath);
      expect(ownProgress.agencies.map((agency: { agencyCode: string }) => agency.agencyCode)).toEqual([
        'lc-so-ldtbxh',
      ]);
      expect(ownProgress.tasks.total).toBe(ownProgress.agencies[0].total);
    } finally {
      await second.app.close();
    }
  });
});
