import { Document, Packer, Paragraph, TextRun } from 'docx';
import {
  canonicalPlanText,
  PlanDocumentError,
  parsePlanDocument,
  readCanonicalPlanText,
  readPlanDocument,
  type PlanExtract,
} from '../src/index.js';
import { LAI_CHAU, LANG_SON_CITY, readSeedPlan } from './seed-plans.js';
import { annexedPlan } from './support/variants.js';

/** A .docx with one Word paragraph per line of the text, as an office would save the plan. */
async function docxOf(text: string): Promise<Uint8Array> {
  const paragraphs = text.split('\n').map((line) => new Paragraph({ children: [new TextRun(line)] }));
  const document = new Document({ sections: [{ children: paragraphs }] });
  return new Uint8Array(await Packer.toBuffer(document));
}

/** What a reviewer confirms, without spans (offsets differ between the .docx text and the .txt). */
function essentials(plan: PlanExtract) {
  return {
    number: plan.metadata.number,
    documentTypeCode: plan.metadata.documentTypeCode,
    issuer: plan.metadata.issuer?.name,
    date: plan.metadata.date,
    title: plan.metadata.title,
    basis: plan.metadata.basis.map(({ span: _span, ...citation }) => citation),
    targets: plan.targets.map(({ span: _span, ...target }) => target),
    period: plan.period,
    parties: plan.parties.map((party) => ({
      sectionRef: party.sectionRef,
      names: party.names.map((name) => [name.name, name.isGroup]),
      role: party.role,
      consolidatesReport: party.consolidatesReport,
      duties: party.duties.map((duty) => [duty.text, duty.leads]),
    })),
    reporting: plan.reporting && {
      frequency: plan.reporting.frequency,
      before: plan.reporting.before,
      recipient: plan.reporting.recipient?.name,
      through: plan.reporting.through?.name,
      throughPartyOrdinal: plan.reporting.throughPartyOrdinal,
      text: plan.reporting.text,
    },
    warnings: plan.warnings.map((warning) => warning.code),
  };
}

function utf8(text: string): Uint8Array {
  return new TextEncoder().encode(text);
}

async function errorOf(promise: Promise<unknown>): Promise<PlanDocumentError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlanDocumentError) return error;
    throw error;
  }
  throw new Error('expected a PlanDocumentError');
}

describe('reading an uploaded plan file', () => {
  it('reads a .docx of the Lai Châu plan into text that parses like the .txt', async () => {
    const laiChau = readSeedPlan(LAI_CHAU);
    const text = await readPlanDocument(await docxOf(laiChau), 'laichau.docx');
    const fromDocx = parsePlanDocument(text);

    expect(fromDocx.parties).toHaveLength(14);
    expect(fromDocx.reporting?.before).toEqual({ day: 1, month: 12 });
    expect(essentials(fromDocx)).toEqual(essentials(parsePlanDocument(laiChau)));
  });

  it('recognises a .docx by its ZIP signature, whatever the file is called', async () => {
    const text = await readPlanDocument(await docxOf('KẾ HOẠCH\nBảo vệ trẻ em'), 'upload.bin');
    expect(text).toContain('KẾ HOẠCH\n\nBảo vệ trẻ em');
  });

  it('decodes UTF-8 text and drops a byte-order mark', async () => {
    const withBom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('KẾ HOẠCH')]);
    await expect(readPlanDocument(withBom, 'plan.txt')).resolves.toBe('KẾ HOẠCH');
  });

  it('rejects bytes that are not valid UTF-8', async () => {
    const latin1 = new Uint8Array([0x4b, 0xc9, 0x20, 0x48, 0x4f, 0xff, 0xfe]);
    const error = await errorOf(readPlanDocument(latin1, 'plan.txt'));
    expect(error.code).toBe('not-text');
    expect(error.message).toContain('"plan.txt"');
  });

  it('rejects an empty file', async () => {
    expect((await errorOf(readPlanDocument(new Uint8Array(), 'plan.txt'))).code).toBe('empty-document');
  });

  it('rejects valid UTF-8 that holds binary data', async () => {
    const error = await errorOf(readPlanDocument(utf8('abc\u0000\u0000def')));
    expect(error.code).toBe('not-text');
  });

  it('rejects a legacy .doc and a PDF with a hint at what to upload instead', async () => {
    const doc = new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0]);
    const pdf = utf8('%PDF-1.7\n...');
    const docError = await errorOf(readPlanDocument(doc, 'plan.doc'));
    expect(docError.code).toBe('unsupported-format');
    expect(docError.message).toContain('.docx');
    expect((await errorOf(readPlanDocument(pdf, 'plan.pdf'))).code).toBe('unsupported-format');
  });

  it('rejects a ZIP file that is not a Word document', async () => {
    const notDocx = new Uint8Array([0x50, 0x4b, 0x03, 0x04, 1, 2, 3, 4, 5, 6, 7, 8]);
    const error = await errorOf(readPlanDocument(notDocx, 'plan.docx'));
    expect(error.code).toBe('unreadable-docx');
  });
});

describe('reading an uploaded text as its canonical text, in its own bytes', () => {
  /** readCanonicalPlanText's answer or refusal, and what readPlanDocument then canonicalPlanText give. */
  async function both(bytes: Uint8Array): Promise<[unknown, unknown]> {
    const outcome = (promise: Promise<string>) =>
      promise.then(
        (text) => ({ text }),
        (error: PlanDocumentError) => ({ code: error.code, message: error.message, reasons: error.reasons }),
      );
    const expected = await outcome(readPlanDocument(bytes.slice(), 'plan.txt').then(canonicalPlanText));
    return [await outcome(readCanonicalPlanText(bytes.slice(), 'plan.txt')), expected];
  }

  const laiChau = readSeedPlan(LAI_CHAU);
  const texts: Record<string, string> = {
    'the Lai Châu plan': laiChau,
    'the Lạng Sơn city plan': readSeedPlan(LANG_SON_CITY),
    'blank lines, CRLF, CR, tabs, no-break and double spaces, a BOM': `\uFEFF  ${laiChau
      .split('\n')
      .map((line, i) => (i % 3 === 0 ? `\t${line}  \u00a0 ` : line.replace(/ /g, i % 2 ? '  ' : ' \t')))
      .join('\n\n')}`,
    'line and paragraph separators, ideographic spaces, blank lines of spaces': laiChau
      .split('\n')
      .map((line, i) => (i % 4 === 0 ? `\u3000${line}\u2028 \u3000 \u2029` : line))
      .join('\r\n \r\n'),
    NFD: laiChau.normalize('NFD').replace(/\n/g, '\n\n'),
    'a 2 MB plan of many pieces, with blank lines': annexedPlan(laiChau, 2 * 1024 * 1024).replace(
      /\n/g,
      '\n\n',
    ),
    'astral characters at the ends of lines': `${laiChau}\n𝕏 \n 𝕏\n\n`,
  };

  it.each(Object.keys(texts))('gives the same canonical text: %s', async (name) => {
    const [got, expected] = await both(utf8(texts[name] as string));
    expect(got).toEqual(expected);
    expect(got).toHaveProperty('text');
  });

  it('refuses what readPlanDocument refuses, with the same code and message', async () => {
    const late = utf8(annexedPlan(laiChau, 1024 * 1024));
    const invalidLate = new Uint8Array([...late.subarray(0, 700_000), 0xff, ...late.subarray(700_000)]);
    const truncated = utf8(`${laiChau}Đ`).slice(0, -1);
    const refused = [
      utf8('  \n\u3000\r\n '),
      invalidLate,
      truncated,
      utf8(`${laiChau}\u0000`),
      utf8(`${laiChau}${'\u0001'.repeat(laiChau.length / 10)}`),
      new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d, 0x31]),
      new Uint8Array([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1]),
      new Uint8Array(0),
    ];
    for (const bytes of refused) {
      const [got, expected] = await both(bytes);
      expect(got).toEqual(expected);
      expect(got).toHaveProperty('code');
    }
  });
});
