import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BrowserContext, Page, Response } from 'playwright-core';
import { generateSigningKey } from '#libs/ledger';
import { startApi, type ApiHarness, type Backend } from '../../../../test/support/api-harness.js';
import {
  launchChromium,
  seriousAccessibilityViolations,
  visibleInterfaceText,
  VIETNAMESE_LETTERS,
  type TestBrowser,
  until,
} from '../../../../test/support/browser.js';

// Functions given to page.evaluate run in the browser; the tests compile without the DOM types.
declare const document: any, window: any, innerWidth: number;

/**
 * The dashboard in a real browser (Debian's chromium through playwright-core), against the
 * embedded default and PostgreSQL: an officer works the seed plan's inbox, a second officer
 * receives a handoff live, an issuer imports and confirms the Lạng Sơn city plan; every page
 * passes axe and switches language completely. On the embedded default, screenshots of every
 * page in both languages go to test-output/screenshots (not committed).
 */
const SEED_PLANS = join('libs', 'plan-intake', 'seed-plans');
const LAI_CHAU_PLAN = join(SEED_PLANS, 'laichau-2024-ct28-kh.txt');
const LANG_SON_CITY_PLAN = join(SEED_PLANS, 'langson-city-2024-nq121-kh.txt');
const SCREENSHOTS = join('test-output', 'screenshots');

const OFFICER = 'lc-so-ldtbxh';
const RECEIVER = 'lc-so-y-te';
const LAI_CHAU_ISSUER = 'demo.issuer.lc-ubnd-tinh';
const NATIONAL_AUDITOR = 'demo.auditor.national';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';
/** The ledger signs a checkpoint every second, so an event's inclusion is soon verifiable. */
const LEDGER = {
  LEDGER_SIGNING_KEY: generateSigningKey('coord.test/dashboard').privateText,
  LEDGER_CHECKPOINT_SECONDS: '1',
};

/** Issues a plan through the API as the seeder does: import, then confirm as drafted. */
async function issuePlan(api: ApiHarness, file: string, issuerToken: string): Promise<string> {
  const imported = await api.request('POST', '/plans/import', issuerToken, {
    fileName: file.split('/').pop(),
    contentBase64: (await readFile(file)).toString('base64'),
  });
  expect(imported.status).toBe(201);
  const confirmed = await api.request(
    'POST',
    `/plans/drafts/${imported.body.draftId}/confirm`,
    issuerToken,
    {},
  );
  expect(confirmed.status).toBe(201);
  // Read your write before the tests read the plan's tasks, inbox and indicators: on PostgreSQL
  // the worker projects it a moment later (longer on a busy host than minPosition's own wait).
  const planId = imported.body.planId as string;
  await until(
    async () =>
      (
        await api.request(
          'GET',
          `/plans/${planId}/tasks?limit=1&minPosition=${confirmed.body.position as string}`,
          issuerToken,
        )
      ).status,
    (status) => status === 200,
    60_000,
  );
  return planId;
}

interface Watched {
  readonly page: Page;
  /** Console errors (a Content-Security-Policy refusal among them) and uncaught exceptions. */
  readonly errors: string[];
}

async function openPage(context: BrowserContext, url: string): Promise<Watched> {
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error') errors.push(message.text());
  });
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(url);
  return { page, errors };
}

async function signIn(page: Page, token: string): Promise<void> {
  await page.locator('#demo-user').selectOption(token);
  await page.getByRole('button', { name: /Đăng nhập|Sign in/ }).click();
}

/** axe: no serious or critical violation; no translation key missing so far. */
async function checkPage(page: Page): Promise<void> {
  expect(await seriousAccessibilityViolations(page)).toEqual([]);
  expect(await page.evaluate(() => window.coordMissingKeys)).toEqual([]);
}

/**
 * Switches to English and back: every visible string of the interface changes, none in
 * English keeps a Vietnamese letter. Screenshots both when asked.
 */
async function checkLanguageSwitch(page: Page, name: string, screenshots: boolean): Promise<void> {
  expect(await page.evaluate(() => document.documentElement.lang)).toBe('vi');
  const vietnamese = await visibleInterfaceText(page);
  expect(vietnamese.length).toBeGreaterThan(3);
  if (screenshots) await page.screenshot({ path: join(SCREENSHOTS, `${name}.vi.png`), fullPage: true });
  await page.getByTestId('language').click();
  await until(
    () => page.evaluate(() => document.documentElement.lang),
    (v) => v === 'en',
  );
  const english = await visibleInterfaceText(page);
  expect(english.filter((text) => VIETNAMESE_LETTERS.test(text))).toEqual([]);
  expect(english.filter((text) => vietnamese.includes(text))).toEqual([]);
  await checkPage(page);
  if (screenshots) await page.screenshot({ path: join(SCREENSHOTS, `${name}.en.png`), fullPage: true });
  await page.getByTestId('language').click();
  await until(
    () => page.evaluate(() => document.documentElement.lang),
    (v) => v === 'vi',
  );
}

const backends: Backend[] = ['pglite', 'postgres'];

describe.each(backends)('the dashboard on %s', (backend) => {
  const screenshots = backend === 'pglite';
  let api: ApiHarness;
  let chromium: TestBrowser;
  let laiChauPlan: string;

  beforeAll(async () => {
    if (screenshots) await mkdir(SCREENSHOTS, { recursive: true });
    api = await startApi(backend, LEDGER);
    chromium = await launchChromium();
    laiChauPlan = await issuePlan(api, LAI_CHAU_PLAN, LAI_CHAU_ISSUER);
  }, 120_000);

  afterAll(async () => {
    await chromium?.close();
    await api?.close();
  });

  it('an officer acknowledges a task and hands one off; the receiver sees the offer live and accepts it', async () => {
    const outstanding = await api.request(
      'GET',
      `/agencies/${OFFICER}/outstanding?limit=500&count=true`,
      `demo.officer.${OFFICER}`,
    );
    const open = (outstanding.body.items as { taskId: string; state: string }[]).filter(
      (task) => task.state === 'not-acknowledged',
    );
    expect(open.length).toBeGreaterThanOrEqual(2);

    // The office laptop: 1366x768, Vietnamese.
    const officer = await chromium.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const receiver = await chromium.browser.newContext({
      viewport: { width: 390, height: 844 },
      isMobile: true,
    });
    try {
      const a = await openPage(officer, api.url);
      await until(
        () => a.page.getByRole('heading', { name: 'Đăng nhập' }).count(),
        (v) => v === 1,
      );
      await checkPage(a.page);
      await checkLanguageSwitch(a.page, 'sign-in', screenshots);
      await signIn(a.page, `demo.officer.${OFFICER}`);

      // The seed plan's outstanding tasks, every one of them, with dates as dd/mm/yyyy.
      // (Compared with the API's count at each look: on PostgreSQL the worker may still be
      // projecting the plan issued before this test, and the inbox follows it live.)
      const rows = a.page.locator('[data-testid=inbox] tbody tr');
      const countNow = async (): Promise<number> =>
        (
          await api.request(
            'GET',
            `/agencies/${OFFICER}/outstanding?limit=1&count=true`,
            `demo.officer.${OFFICER}`,
          )
        ).body.total as number;
      await until(
        async () => [await rows.count(), await countNow()],
        ([shown, total]) => shown === total,
        30_000,
      );
      expect(await rows.first().locator('td').nth(2).innerText()).toMatch(/^\d{2}\/\d{2}\/\d{4}/);
      await until(
        () => a.page.getByTestId('live').getAttribute('class'),
        (v) => v === 'live on',
      );

      // The receiver, on a phone, follows its own inbox live.
      const b = await openPage(receiver, api.url);
      await signIn(b.page, `demo.officer.${RECEIVER}`);
      await until(
        () => b.page.getByTestId('live').getAttribute('class'),
        (v) => v === 'live on',
      );
      const offered = b.page.locator(`tr[data-task="${open[1]!.taskId}"][data-state="handoff-offered"]`);
      expect(await offered.count()).toBe(0);
      expect(await b.page.evaluate(() => document.documentElement.scrollWidth <= innerWidth)).toBe(true);

      // Acknowledge one, from the inbox.
      const first = a.page.locator(`tr[data-task="${open[0]!.taskId}"]`);
      await first.getByRole('button', { name: /^Tiếp nhận/ }).click();
      await until(
        () => first.getAttribute('data-state'),
        (v) => v === 'in-progress',
      );
      const acknowledged = await api.request('GET', `/tasks/${open[0]!.taskId}`, `demo.officer.${OFFICER}`);
      expect(acknowledged.body.assignees).toContainEqual(
        expect.objectContaining({ agencyCode: OFFICER, status: 'acknowledged' }),
      );
      await checkPage(a.page);
      await checkLanguageSwitch(a.page, 'inbox', screenshots);

      // By keyboard alone: from the skip link (shown when focused) to the filters; Enter filters.
      await a.page.locator('a.skip').focus();
      expect(await a.page.locator('a.skip').isVisible()).toBe(true);
      let focused = '';
      for (let i = 0; i < 15 && focused !== 'overdue'; i++) {
        await a.page.keyboard.press('Tab');
        focused = await a.page.evaluate(() => document.activeElement?.getAttribute('data-filter') ?? '');
      }
      expect(focused).toBe('overdue');
      await a.page.keyboard.press('Enter');
      // Against the API at each look too: the list the test read first may predate the worker.
      const overdueNow = async (): Promise<number> =>
        (
          (await api.request('GET', `/agencies/${OFFICER}/outstanding?limit=500`, `demo.officer.${OFFICER}`))
            .body.items as { overdue: boolean }[]
        ).filter((task) => task.overdue).length;
      await until(
        async () => [await rows.count(), await overdueNow()],
        ([shown, overdue]) => shown === overdue,
      );
      await a.page.keyboard.press('Shift+Tab');
      await a.page.keyboard.press('Enter');
      await until(
        async () => [await rows.count(), await countNow()],
        ([shown, total]) => shown === total,
      );

      // Hand the next one to the receiver, from its page (with the clause that gives the duty).
      await a.page.locator(`tr[data-task="${open[1]!.taskId}"] a`).first().click();
      await until(
        () => a.page.locator('.clause blockquote').count(),
        (v) => v === 1,
      );
      await a.page.getByText('Chuyển giao cho cơ quan khác').click();
      await a.page.locator('select[name=toAgency]').selectOption(RECEIVER);
      await a.page.locator('input[name=reason]').fill('Thuộc chức năng của Sở Y tế');
      await a.page.getByRole('button', { name: 'Gửi' }).click();
      await until(
        () => a.page.getByText('Đã gửi đề nghị chuyển giao.').count(),
        (v) => v === 1,
      );
      await checkPage(a.page);
      await checkLanguageSwitch(a.page, 'task', screenshots);

      // The offer appears on the receiver's inbox without a reload; it accepts it.
      await until(
        () => offered.count(),
        (v) => v === 1,
        15_000,
      );
      await checkPage(b.page);
      await offered.locator('a').first().click();
      await b.page.getByRole('button', { name: 'Chấp nhận' }).click();
      await until(
        () => b.page.getByText('Đã chấp nhận chuyển giao.').count(),
        (v) => v === 1,
      );
      const handedOver = await api.request('GET', `/tasks/${open[1]!.taskId}`, `demo.officer.${RECEIVER}`);
      expect(handedOver.body.handoffs).toContainEqual(
        expect.objectContaining({ toAgency: RECEIVER, status: 'accepted' }),
      );
      if (screenshots)
        await b.page.screenshot({ path: join(SCREENSHOTS, 'task-phone.vi.png'), fullPage: true });

      // English is remembered.
      await a.page.getByTestId('language').click();
      await a.page.reload();
      await until(
        () => a.page.evaluate(() => document.documentElement.lang),
        (v) => v === 'en',
      );
      expect([...a.errors, ...b.errors]).toEqual([]);
    } finally {
      await officer.close();
      await receiver.close();
    }
  }, 180_000);

  it("an issuer imports and confirms the Lạng Sơn city plan; the committee's progress, the inspector's and auditor's pages", async () => {
    // A Lai Châu officer acknowledges a task and reports an indicator's value: the committee's
    // chart shows it against the targets; the auditor's timeline has earlier states.
    const officerToken = `demo.officer.${OFFICER}`;
    const standing = await api.request('GET', `/plans/${laiChauPlan}/indicators`, LAI_CHAU_ISSUER);
    const indicator = (
      standing.body.indicators as { indicatorId: string; years: { year: number; target: number | null }[] }[]
    ).find((i) => i.years.some((y) => y.target !== null))!;
    const targets = indicator.years.filter((y) => y.target !== null);
    const waiting = await api.request(
      'GET',
      `/agencies/${OFFICER}/outstanding?state=not-acknowledged&limit=1`,
      officerToken,
    );
    const reportedTask = waiting.body.items[0].taskId as string;
    expect((await api.request('POST', `/tasks/${reportedTask}/acknowledge`, officerToken, {})).status).toBe(
      200,
    );
    const report = await api.request('POST', `/tasks/${reportedTask}/progress`, officerToken, {
      text: 'Đã rà soát hồ sơ trẻ em có hoàn cảnh đặc biệt',
      indicatorValues: [{ indicator: indicator.indicatorId, value: 42 }],
    });
    expect(report.status).toBe(200);
    const trail = await api.request(
      'GET',
      `/tasks/${reportedTask}/trail?minPosition=${String(report.body.position)}`,
      NATIONAL_AUDITOR,
    );
    const reportEventId = (trail.body.entries as { type: string; eventId: string }[]).find(
      (e) => e.type === 'ProgressReported',
    )!.eventId;

    const context = await chromium.browser.newContext({ viewport: { width: 1366, height: 768 } });
    const others = await Promise.all([1, 2, 3].map(() => chromium.browser.newContext()));
    try {
      const issuer = await openPage(context, api.url);
      await signIn(issuer.page, 'demo.issuer.lsc-ubnd-thanh-pho');
      await issuer.page.locator('#plan-file').setInputFiles(LANG_SON_CITY_PLAN);
      await issuer.page.getByRole('button', { name: 'Đọc văn bản' }).click();
      const drafted = issuer.page.locator('.draft-tasks > li');
      await until(
        () => drafted.count(),
        (v) => v > 5,
        30_000,
      );
      // Each duty shows on its clause of the source text.
      await drafted.first().locator('button').first().click();
      expect((await issuer.page.locator('.source mark').innerText()).length).toBeGreaterThan(20);
      await checkPage(issuer.page);
      await checkLanguageSwitch(issuer.page, 'import', screenshots);
      // The confirmation's answer names the position of its last event: reads below wait for it.
      const confirmed = issuer.page.waitForResponse(
        (response) => response.request().method() === 'POST' && response.url().endsWith('/confirm'),
      );
      await issuer.page.getByRole('button', { name: 'Xác nhận và ban hành' }).click();
      const confirmedAt = ((await (await confirmed).json()) as { position: string }).position;
      await until(
        () => issuer.page.getByTestId('issued').count(),
        (v) => v === 1,
        30_000,
      );
      // The plan and its tasks, once projected (on PostgreSQL the worker does it a moment later).
      const ISSUER_LSC = 'demo.issuer.lsc-ubnd-thanh-pho';
      const draftedCount = await drafted.count();
      const issuedTasks = async (): Promise<number> => {
        const plans = await api.request('GET', '/plans', ISSUER_LSC);
        const plan = (plans.body.items as { planId: string; issuerAgencyCode: string }[]).find(
          (p) => p.issuerAgencyCode === 'lsc-ubnd-thanh-pho',
        );
        if (!plan) return -1;
        return (await api.request('GET', `/plans/${plan.planId}/tasks`, ISSUER_LSC)).body.items
          .length as number;
      };
      await until(issuedTasks, (count) => count === draftedCount);

      // The inspector: each plan's tasks per agency; an agency's scorecard, lapses and downloads.
      const inspector = await openPage(others[0]!, api.url);
      await signIn(inspector.page, INSPECTOR);
      await until(
        () => inspector.page.locator('table.tasks tbody tr').count(),
        (v) => v > 5,
      );
      await checkPage(inspector.page);
      await checkLanguageSwitch(inspector.page, 'inspect', screenshots);
      // Every projection has the issued plan before the page asks for the scorecard.
      expect(
        (
          await api.request(
            'GET',
            `/agencies/${OFFICER}/accountability?minPosition=${confirmedAt}`,
            INSPECTOR,
          )
        ).status,
      ).toBe(200);
      // The page shows the scorecard the API answered it. (Compared with the page's own answer: the
      // deadline worker goes on recording the imported plan's past deadlines meanwhile.) Every
      // answer for the agency is kept, whenever the page asks (on opening or on the choice).
      // (Downloads ask the same path with a format: those are files, not the page's answer.)
      const answers: Response[] = [];
      inspector.page.on('response', (response) => {
        const url = new URL(response.url());
        if (
          response.request().method() === 'GET' &&
          url.pathname === `/agencies/${OFFICER}/accountability` &&
          !url.searchParams.has('format')
        )
          answers.push(response);
      });
      await inspector.page.getByRole('link', { name: 'Trách nhiệm giải trình' }).click();
      await inspector.page.locator('#accountability-agency').selectOption(OFFICER);
      await until(
        () => Promise.resolve(answers.length),
        (v) => v > 0,
        60_000,
      );
      const scorecard = (await answers.at(-1)!.json()) as {
        scorecard: { year: number; openOverdue: number }[];
      };
      const years = scorecard.scorecard;
      expect(years.length).toBeGreaterThan(0);
      const scoreRows = inspector.page.locator('[data-testid=scorecard] tbody tr');
      await until(
        () => scoreRows.count(),
        (v) => v === years.length,
      );
      const first = years.reduce((a, b) => (a.year < b.year ? a : b));
      expect(
        await inspector.page
          .locator(`[data-testid=scorecard] tr[data-year="${first.year}"] td[data-state=openOverdue]`)
          .innerText(),
      ).toBe(String(first.openOverdue));
      await checkPage(inspector.page);
      await checkLanguageSwitch(inspector.page, 'accountability', screenshots);
      // The CSV link names the API's file, and the browser downloads it with the bearer token.
      const csvLink = inspector.page.locator('[data-testid=downloads] a[data-format=csv]').first();
      const csv = await fetch(`${api.url}${await csvLink.getAttribute('href')}`, {
        headers: { authorization: `Bearer ${INSPECTOR}` },
      });
      expect(csv.status).toBe(200);
      expect(csv.headers.get('content-type')).toContain('text/csv');
      expect(await csv.text()).toContain('Hoàn thành đúng hạn');
      const [download] = await Promise.all([inspector.page.waitForEvent('download'), csvLink.click()]);
      expect(download.suggestedFilename()).toBe(`accountability-${OFFICER}-scorecard.csv`);
      expect(await download.failure()).toBeNull();
      // One task's accountability.
      await inspector.page.locator('#accountability-task').selectOption(reportedTask);
      await until(
        () => inspector.page.getByTestId('task-accountability').count(),
        (v) => v === 1,
      );
      await checkPage(inspector.page);

      // The national auditor: the ledger's newest checkpoint, its signature checked in the browser.
      const checkpointed = await until(
        () => api.request('GET', `/events/${reportEventId}`, NATIONAL_AUDITOR),
        (answer) => answer.status === 200 && answer.body.inclusion !== null,
        20_000,
      );
      const auditor = await openPage(others[1]!, api.url);
      await signIn(auditor.page, NATIONAL_AUDITOR);
      await until(
        () => auditor.page.getByTestId('signature').count(),
        (v) => v === 1,
      );
      expect(await auditor.page.getByTestId('signature').innerText()).toBe('Hợp lệ');
      expect(BigInt(await auditor.page.getByTestId('tree-size').innerText())).toBeGreaterThanOrEqual(
        BigInt(checkpointed.body.inclusion.treeSize as string),
      );
      // An agency's tasks; the reported task's timeline, now: acknowledged, three steps.
      await auditor.page.locator('#audit-agency').selectOption(OFFICER);
      await auditor.page.locator(`[data-testid=audit-tasks] a[href="#/audit/${reportedTask}"]`).click();
      const state = auditor.page.getByTestId('as-of-state');
      const officerStatus = state.locator(`[data-agency="${OFFICER}"]`);
      await until(
        () => officerStatus.getAttribute('data-status'),
        (v) => v === 'acknowledged' || v === 'in-progress',
      );
      expect(await state.locator('ol.trail li').count()).toBe(3);
      await checkPage(auditor.page);
      await checkLanguageSwitch(auditor.page, 'audit', screenshots);
      // As of the first step, by keyboard, on record time: assigned, not yet acknowledged.
      await auditor.page.locator('#as-of').focus();
      await auditor.page.keyboard.press('Home');
      await until(
        () => officerStatus.getAttribute('data-status'),
        (v) => v === 'assigned',
      );
      expect(await state.getAttribute('data-at')).not.toBe('now');
      expect(await state.locator('ol.trail li').count()).toBe(1);
      // One step on, on business time: acknowledged, no report yet.
      await auditor.page.getByLabel('Thời điểm thực tế').check();
      await auditor.page.locator('#as-of').focus();
      await auditor.page.keyboard.press('Home');
      await auditor.page.keyboard.press('ArrowRight');
      await until(
        () => state.locator('ol.trail li').count(),
        (v) => v === 2,
      );
      expect(await officerStatus.getAttribute('data-status')).toBe('acknowledged');
      await auditor.page.keyboard.press('End');
      await until(
        () => state.getAttribute('data-at'),
        (v) => v === 'now',
      );
      // The report's inclusion in the signed ledger, verified in the browser.
      await state.locator(`button[data-event="${reportEventId}"]`).click();
      await until(
        () =>
          state.locator(`li:has(button[data-event="${reportEventId}"]) [data-testid=verdict]`).innerText(),
        (v) => v.startsWith('Đã xác minh'),
      );
      await checkPage(auditor.page);

      // The Lai Châu committee: its plan's progress, the target against the value reported.
      const committee = await openPage(others[2]!, api.url);
      await signIn(committee.page, LAI_CHAU_ISSUER);
      await committee.page.getByRole('link', { name: 'Tiến độ kế hoạch' }).click();
      await committee.page.locator('#progress-plan').selectOption(laiChauPlan);
      const chart = committee.page.locator(
        `[data-testid=indicator-chart][data-indicator="${indicator.indicatorId}"]`,
      );
      await until(
        () => chart.locator('rect.latest[data-value="42"]').count(),
        (v) => v === 1,
      );
      expect(
        await chart
          .locator('rect.target')
          .evaluateAll((rects) => rects.map((r) => Number(r.getAttribute('data-value')))),
      ).toEqual(targets.map((y) => y.target));
      expect(
        await committee.page
          .locator(`[data-testid=agency-progress] tr[data-agency="${OFFICER}"]`)
          .innerText(),
      ).toContain('42%');
      await checkPage(committee.page);
      await checkLanguageSwitch(committee.page, 'progress', screenshots);

      // The Lai Châu committee decides an extension an officer asked for, from its plan's page.
      const asked = await api.request(
        'GET',
        `/agencies/${RECEIVER}/outstanding?state=not-acknowledged&limit=1`,
        `demo.officer.${RECEIVER}`,
      );
      const taskId = asked.body.items[0].taskId as string;
      const extension = await api.request('POST', `/tasks/${taskId}/extensions`, `demo.officer.${RECEIVER}`, {
        dueDate: '2031-06-30',
        reason: 'Chờ kinh phí năm sau',
      });
      expect(extension.status).toBe(201);
      // The committee's page reads the plan's tasks once: wait until the projections have the request.
      const seen = await api.request(
        'GET',
        `/tasks/${taskId}?minPosition=${extension.body.position}`,
        LAI_CHAU_ISSUER,
      );
      expect(seen.status).toBe(200);
      await committee.page.goto(`${api.url}/#/inspect`);
      await committee.page.locator(`a[href="#/task/${taskId}"]`).click();
      await committee.page.getByRole('button', { name: 'Đồng ý gia hạn' }).click();
      await until(
        () => committee.page.getByText('Đã đồng ý gia hạn.').count(),
        (v) => v === 1,
      );
      const decided = await api.request('GET', `/tasks/${taskId}`, LAI_CHAU_ISSUER);
      expect(decided.body.extensions).toContainEqual(expect.objectContaining({ status: 'granted' }));
      expect(decided.body.dueDate).toBe('2031-06-30');
      await checkPage(committee.page);
      expect([...issuer.errors, ...inspector.errors, ...auditor.errors, ...committee.errors]).toEqual([]);
    } finally {
      await Promise.all([context, ...others].map((c) => c.close()));
    }
  }, 180_000);
});
