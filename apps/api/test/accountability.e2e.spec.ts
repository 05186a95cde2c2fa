import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { SMTPServer } from 'smtp-server';
import { startApi, type ApiHarness, type Backend } from '../../../test/support/api-harness.js';
import { SseConnection } from '../../../test/support/sse.js';
import { until } from '../../../test/support/until.js';
import { assignmentBody } from '../../../test/support/task-bodies.js';

const ISSUER = 'demo.issuer.lc-ubnd-tinh';
const INSPECTOR = 'demo.inspector.lc-ubnd-tinh';
const LEAD = 'lc-so-ldtbxh';
const SUPPORT = 'lc-so-y-te';
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/**
 * Deadlines that act, through the API and its worker, on a test clock (COORD_TEST_CLOCK_FILE):
 * a task lapses while nobody acts, its reminders, lapse and escalations reach the agency's feed,
 * and an inspector reads the lapse with who headed the agency on that date, as JSON, CSV and XLSX.
 */
describe.each<Backend>(['pglite', 'postgres'])('accountability on %s', (backend) => {
  let api: ApiHarness;
  let dir: string;
  let clockFile: string;

  let smtp: SMTPServer;
  const mails: { to: string[]; text: string }[] = [];

  const setClock = (instant: string) => writeFile(clockFile, instant);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'coord-clock-'));
    clockFile = join(dir, 'now');
    await setClock('2025-06-01T02:00:00Z');
    // A local SMTP server: what the service e-mails is what it receives.
    smtp = new SMTPServer({
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData(stream, session, callback) {
        const chunks: Buffer[] = [];
        stream.on('data', (chunk: Buffer) => chunks.push(chunk));
        stream.on('end', () => {
          mails.push({
            to: session.envelope.rcptTo.map((r) => r.address),
            text: Buffer.concat(chunks).toString('utf8'),
          });
          callback();
        });
      },
    });
    await new Promise<void>((resolve) => smtp.listen(0, '127.0.0.1', resolve));
    const { port } = smtp.server.address() as { port: number };
    const addresses = join(dir, 'agency-emails.json');
    await writeFile(addresses, JSON.stringify({ [SUPPORT]: 'so-y-te@laichau.gov.vn' }));
    api = await startApi(backend, {
      COORD_TEST_CLOCK_FILE: clockFile,
      NODE_ENV: 'test',
      SMTP_URL: `smtp://127.0.0.1:${port}`,
      AGENCY_EMAILS_FILE: addresses,
    });
  });

  afterAll(async () => {
    await api?.close();
    await new Promise<void>((resolve) => smtp?.close(() => resolve()));
    await rm(dir, { recursive: true, force: true });
  });

  async function raw(path: string, token: string, headers: Record<string, string> = {}) {
    const response = await fetch(`${api.url}${path}`, {
      headers: { authorization: `Bearer ${token}`, ...headers },
    });
    return {
      status: response.status,
      type: response.headers.get('content-type'),
      body: Buffer.from(await response.arrayBuffer()),
    };
  }

  it('records the lapse once, notifies the agencies and names the head on the lapse date', async () => {
    const recordHead = async (personName: string, since: string) => {
      const head = await api.request('POST', `/agencies/${LEAD}/heads`, ISSUER, {
        personName,
        title: 'Giám đốc',
        since,
        reason: 'Quyết định bổ nhiệm của Chủ tịch UBND tỉnh',
      });
      expect([head.status, head.body]).toEqual([200, expect.anything()]);
    };
    await recordHead('Nguyễn Văn An', '2024-01-15');
    const planId = await api.plan();
    const taskId = randomUUID();
    const onTimeId = randomUUID();
    const assigned = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(
        planId,
        taskId,
        [
          { agencyCode: LEAD, role: 'lead' },
          { agencyCode: SUPPORT, role: 'support' },
        ],
        { dueDate: '2025-06-30' },
      ),
    );
    expect(assigned.status === 201 ? null : assigned.body).toBeNull();
    const onTime = await api.request(
      'POST',
      '/tasks',
      ISSUER,
      assignmentBody(planId, onTimeId, [{ agencyCode: LEAD, role: 'lead' }], {
        dueDate: '2025-06-30',
      }),
    );
    expect(onTime.status).toBe(201);
    await setClock('2025-06-20T02:00:00Z');
    const done = `/tasks/${onTimeId}/completion`;
    expect(
      (await api.request('POST', done, `demo.officer.${LEAD}`, { agencyCode: LEAD, report: 'Đã hoàn thành' }))
        .status,
    ).toBe(200);
    expect(
      (await api.request('POST', `${done}/accept`, ISSUER, { agencyCode: LEAD, reason: 'Đạt' })).status,
    ).toBe(200);

    const opened = await SseConnection.open(`${api.url}/agencies/${SUPPORT}/feed?from=0`, {
      authorization: `Bearer demo.officer.${SUPPORT}`,
    });
    const feed = opened.connection!;
    try {
      // The workers were "down" (the clock stood still) across the deadline and both escalations.
      await setClock('2025-07-20T02:00:00Z');
      await feed.until(
        () =>
          feed.messages.filter(
            (m) => /"Deadline(Lapsed|Escalated|ReminderSent)"/.test(m.data) && m.data.includes(taskId),
          ).length === 5,
        'the two reminders, the lapse and the two escalations on the supporting agency feed',
      );
    } finally {
      feed.close();
    }

    // And by e-mail to the supporting agency, the one with an address: five notices, once each.
    for (let tries = 0; tries < 100 && mails.length < 5; tries++)
      await new Promise((r) => setTimeout(r, 100));
    expect(mails.map((mail) => mail.to)).toEqual(Array(5).fill(['so-y-te@laichau.gov.vn']));
    expect(mails.map((mail) => /X-Coord-Event: (\w+)/.exec(mail.text)?.[1])).toEqual([
      'DeadlineReminderSent',
      'DeadlineReminderSent',
      'DeadlineLapsed',
      'DeadlineEscalated',
      'DeadlineEscalated',
    ]);

    // A new head since 15 July: the lapse (1 July) is still An's.
    await recordHead('Trần Thị Bình', '2025-07-15');
    let answer: any;
    for (let tries = 0; tries < 100; tries++) {
      const response = await api.request(
        'GET',
        `/agencies/${LEAD}/accountability?from=2025-01-01&to=2025-12-31`,
        INSPECTOR,
      );
      expect(response.status).toBe(200);
      answer = response.body;
      if (answer.lapses.length > 0 && answer.lapses[0].escalations.length === 2) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer.lapses).toEqual([
      expect.objectContaining({
        taskId,
        planId,
        clause: 'V.2',
        dueDate: '2025-06-30',
        lapsedAt: '2025-06-30T17:00:00.000Z',
        lapseDate: '2025-07-01',
        doneAt: null,
        status: 'open',
        daysLate: 20,
        responsibleAgency: LEAD,
        headOnLapseDate: expect.objectContaining({ personName: 'Nguyễn Văn An', title: 'Giám đốc' }),
        remindersSent: [
          { daysBefore: 7, at: '2025-06-23T17:00:00.000Z' },
          { daysBefore: 1, at: '2025-06-29T17:00:00.000Z' },
        ],
        escalations: [
          { level: 1, toAgency: LEAD, at: '2025-07-07T17:00:00.000Z' },
          { level: 2, toAgency: 'lc-ubnd-tinh', at: '2025-07-14T17:00:00.000Z' },
        ],
      }),
    ]);
    expect(answer.scorecard).toEqual([
      { agencyCode: LEAD, year: 2025, doneOnTime: 1, doneLate: 0, openWithinDeadline: 0, openOverdue: 1 },
    ]);

    // One task's answer, for an officer who is a party to it; another agency's work is refused.
    const single = await api.request('GET', `/tasks/${taskId}/accountability`, `demo.officer.${SUPPORT}`);
    expect(single.status).toBe(200);
    expect(single.body.lapses).toEqual(answer.lapses);
    expect(
      (await api.request('GET', `/agencies/${LEAD}/accountability`, `demo.officer.${SUPPORT}`)).status,
    ).toBe(403);

    // CSV: Vietnamese headers by default, the same row; English on request; Accept works too.
    const csv = await raw(
      `/agencies/${LEAD}/accountability?from=2025-01-01&to=2025-12-31&format=csv`,
      INSPECTOR,
    );
    expect(csv.status).toBe(200);
    expect(csv.type).toMatch(/^text\/csv/);
    const rows: string[][] = parse(csv.body, { bom: true });
    expect(rows[0]).toContain('Người đứng đầu khi quá hạn');
    expect(rows).toHaveLength(2);
    const record = Object.fromEntries(rows[0]!.map((header, i) => [header, rows[1]![i]]));
    expect(record).toMatchObject({
      'Mã nhiệm vụ': taskId,
      'Hạn hoàn thành': '2025-06-30',
      'Ngày quá hạn': '2025-07-01',
      'Số ngày chậm': '20',
      'Cơ quan chịu trách nhiệm': LEAD,
      'Người đứng đầu khi quá hạn': 'Nguyễn Văn An',
      'Số lần nhắc hạn': '2',
    });
    const english: string[][] = parse(
      (
        await raw(`/agencies/${LEAD}/accountability?lang=en&from=2025-01-01`, INSPECTOR, {
          accept: 'text/csv',
        })
      ).body,
      { bom: true },
    );
    expect(english[0]).toContain('Head on the lapse date');
    expect(english.slice(1)).toEqual(rows.slice(1));
    const scorecardCsv: string[][] = parse(
      (await raw(`/agencies/${LEAD}/accountability?format=csv&table=scorecard`, INSPECTOR)).body,
      { bom: true },
    );
    expect(scorecardCsv).toEqual([
      [
        'Cơ quan',
        'Năm',
        'Hoàn thành đúng hạn',
        'Hoàn thành quá hạn',
        'Đang thực hiện trong hạn',
        'Đang thực hiện quá hạn',
      ],
      [LEAD, '2025', '1', '0', '0', '1'],
    ]);

    // XLSX: the same rows in a spreadsheet reader, a sheet for the lapses and one for the scorecard.
    const xlsx = await raw(`/agencies/${LEAD}/accountability?from=2025-01-01&to=2025-12-31`, INSPECTOR, {
      accept: XLSX,
    });
    expect(xlsx.status).toBe(200);
    expect(xlsx.type).toBe(XLSX);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(xlsx.body as unknown as ArrayBuffer);
    expect(workbook.worksheets.map((sheet) => sheet.name)).toEqual(['Quá hạn', 'Tổng hợp']);
    const sheetRows = (name: string) => {
      const result: string[][] = [];
      workbook.getWorksheet(name)!.eachRow((row) => {
        result.push(
          // A sparse array: an empty cell is a hole.
          Array.from(row.values as unknown[])
            .slice(1)
            .map((value) => (value === null || value === undefined ? '' : String(value as string | number))),
        );
      });
      return result;
    };
    expect(sheetRows('Quá hạn')).toEqual(rows);
    expect(sheetRows('Tổng hợp')).toEqual(scorecardCsv);
  });

  it('pages the lapses by a cursor, ties in the order of task id, the files whole', async () => {
    const agency = 'lc-so-tu-phap';
    const planId = await api.plan();
    const taskIds = [randomUUID(), randomUUID(), randomUUID()];
    for (const taskId of taskIds) {
      const assigned = await api.request(
        'POST',
        '/tasks',
        ISSUER,
        assignmentBody(planId, taskId, [{ agencyCode: agency, role: 'lead' }], { dueDate: '2025-07-25' }),
      );
      expect(assigned.status === 201 ? null : assigned.body).toBeNull();
    }
    // The three lapse at the same moment: the end of 25 July.
    await setClock('2025-07-28T02:00:00Z');
    const path = `/agencies/${agency}/accountability?from=2025-07-01&to=2025-07-31&asOf=2025-08-01T00:00:00Z`;
    // The deadline firer records the lapses on its own time: read until all three are there.
    const whole = await until(
      async () => (await api.request('GET', `${path}&count=true`, INSPECTOR)).body,
      (answer) => answer.lapses?.length === 3,
    );
    expect(whole).toMatchObject({ total: 3, next: null });
    const sorted = [...taskIds].sort();
    expect(whole.lapses.map((lapse: { taskId: string }) => lapse.taskId)).toEqual(sorted);

    const first = await api.request('GET', `${path}&limit=2`, INSPECTOR);
    expect(first.status).toBe(200);
    expect(first.body.lapses).toEqual(whole.lapses.slice(0, 2));
    expect(first.body.scorecard).toEqual(whole.scorecard);
    expect(first.body.total).toBeUndefined();
    expect(typeof first.body.next).toBe('string');
    const second = await api.request(
      'GET',
      `${path}&limit=2&cursor=${encodeURIComponent(first.body.next)}`,
      INSPECTOR,
    );
    expect(second.status).toBe(200);
    expect(second.body.lapses).toEqual(whole.lapses.slice(2));
    expect(second.body.next).toBeNull();

    // One task's lapses page the same way.
    const single = await api.request('GET', `/tasks/${sorted[0]}/accountability?limit=1`, INSPECTOR);
    expect([single.status, single.body.lapses.length, single.body.next]).toEqual([200, 1, null]);

    // A cursor that is not this list's, or a page asked of a file: 422 on the parameter, nothing read.
    const outstanding = await api.request('GET', `/agencies/${agency}/outstanding?limit=1`, INSPECTOR);
    const foreign = outstanding.body.next as string;
    expect(foreign).toEqual(expect.any(String));
    for (const [query, parameter] of [
      [`cursor=${foreign}`, 'cursor'],
      ['cursor=bm90LWEtY3Vyc29y', 'cursor'],
      ['limit=0', 'limit'],
      ['format=csv&limit=2', 'limit'],
      [`format=xlsx&cursor=${first.body.next}`, 'cursor'],
      ['format=csv&count=true', 'count'],
    ]) {
      const refused = await api.request('GET', `${path}&${query}`, INSPECTOR);
      expect([query, refused.status, refused.body.errors?.[0]?.pointer]).toEqual([
        query,
        422,
        `/${parameter}`,
      ]);
    }

    // The CSV holds every lapse of the period, in the same order; count=false asks for nothing.
    const csvAnswer = await raw(`${path}&format=csv&lang=en&count=false`, INSPECTOR);
    expect(csvAnswer.status).toBe(200);
    const csv: string[][] = parse(csvAnswer.body, { bom: true });
    expect(csv.slice(1).map((row) => row[0])).toEqual(sorted);
  });
});
