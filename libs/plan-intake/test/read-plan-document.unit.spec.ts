import { Document, Packer, Paragraph, TextRun } from 'docx';
import { PlanDocumentError, parsePlanDocument, readPlanDocument, type PlanExtract } from '../src/index.js';
import { LAI_CHAU, readSeedPlan } from './seed-plans.js';

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
