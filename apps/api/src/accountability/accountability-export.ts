import { stringify } from 'csv-stringify/sync';
import type { ScorecardRow } from '#libs/projections';
import type { LapseAnswer } from './accountability.types.js';

export type ExportLanguage = 'vi' | 'en';
export type ExportFormat = 'json' | 'csv' | 'xlsx';

export const CSV_TYPE = 'text/csv; charset=utf-8';
export const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

interface Column<Row> {
  readonly vi: string;
  readonly en: string;
  readonly value: (row: Row) => string | number | null;
}

/** The columns of a lapse, headed in Vietnamese (government reports) or English. */
export const LAPSE_COLUMNS: readonly Column<LapseAnswer>[] = [
  { vi: 'Mã nhiệm vụ', en: 'Task', value: (r) => r.taskId },
  { vi: 'Kế hoạch', en: 'Plan', value: (r) => r.planId },
  { vi: 'Nội dung nhiệm vụ', en: 'Title', value: (r) => r.title },
  { vi: 'Mục của kế hoạch', en: 'Clause', value: (r) => r.clause },
  { vi: 'Hạn hoàn thành', en: 'Due date', value: (r) => r.dueDate },
  { vi: 'Ngày quá hạn', en: 'Lapse date', value: (r) => r.lapseDate },
  { vi: 'Thời điểm hoàn thành', en: 'Done at', value: (r) => r.doneAt },
  { vi: 'Tình trạng', en: 'Status', value: (r) => r.status },
  { vi: 'Số ngày chậm', en: 'Days late', value: (r) => r.daysLate },
  { vi: 'Cơ quan chịu trách nhiệm', en: 'Responsible agency', value: (r) => r.responsibleAgency },
  {
    vi: 'Người đứng đầu khi quá hạn',
    en: 'Head on the lapse date',
    value: (r) => r.headOnLapseDate?.personName ?? null,
  },
  { vi: 'Chức vụ', en: 'Head title', value: (r) => r.headOnLapseDate?.title ?? null },
  { vi: 'Số lần nhắc hạn', en: 'Reminders sent', value: (r) => r.remindersSent.length },
  {
    vi: 'Chuyển cấp',
    en: 'Escalations',
    value: (r) => r.escalations.map((e) => `${e.level}: ${e.toAgency} (${e.at})`).join('; '),
  },
];

export const SCORECARD_COLUMNS: readonly Column<ScorecardRow>[] = [
  { vi: 'Cơ quan', en: 'Agency', value: (r) => r.agencyCode },
  { vi: 'Năm', en: 'Year', value: (r) => r.year },
  { vi: 'Hoàn thành đúng hạn', en: 'Done on time', value: (r) => r.doneOnTime },
  { vi: 'Hoàn thành quá hạn', en: 'Done late', value: (r) => r.doneLate },
  { vi: 'Đang thực hiện trong hạn', en: 'Open within the deadline', value: (r) => r.openWithinDeadline },
  { vi: 'Đang thực hiện quá hạn', en: 'Open overdue', value: (r) => r.openOverdue },
];

export interface ExportTable<Row> {
  /** The sheet's name (XLSX). */
  readonly sheet: { readonly vi: string; readonly en: string };
  readonly columns: readonly Column<Row>[];
  readonly rows: readonly Row[];
}

function cells<Row>(table: ExportTable<Row>, language: ExportLanguage): (string | number | null)[][] {
  return [
    table.columns.map((column) => column[language]),
    ...table.rows.map((row) => table.columns.map((column) => column.value(row))),
  ];
}

/** CSV (RFC 4180) with a byte-order mark, so spreadsheet programs read the Vietnamese as UTF-8. */
export function toCsv<Row>(table: ExportTable<Row>, language: ExportLanguage): string {
  return `\uFEFF${stringify(cells(table, language), { record_delimiter: '\r\n' })}`;
}

/**
 * An XLSX workbook with one sheet per table. The spreadsheet library is loaded with the first
 * workbook, not at start: it and its archive libraries are about 8 MB of the API's heap, which
 * every process would otherwise carry whether or not anyone downloads a spreadsheet.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export async function toXlsx(tables: readonly ExportTable<any>[], language: ExportLanguage): Promise<Buffer> {
  const { default: ExcelJS } = await import('exceljs');
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'coord';
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.sheet[language]);
    sheet.addRows(cells(table, language));
    sheet.getRow(1).font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
