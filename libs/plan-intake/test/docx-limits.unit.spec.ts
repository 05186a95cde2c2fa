import {
  docxBomb,
  docxWithBody,
  heavyDocx,
  manyEntriesZip,
  wordParagraph,
} from '../../../test/support/zip-bombs.js';
import {
  DOCX_LIMITS,
  PLAN_TEXT_LIMIT_CHARACTERS,
  PlanDocumentError,
  readPlanDocument,
} from '../src/index.js';

async function errorOf(promise: Promise<unknown>): Promise<PlanDocumentError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof PlanDocumentError) return error;
    throw error;
  }
  throw new Error('expected a PlanDocumentError');
}

describe('a .docx over the archive limits is refused before the Word reader sees it', () => {
  it('reads a small .docx written by the test zip writer (the writer makes real archives)', async () => {
    const docx = docxWithBody(wordParagraph('Kế hoạch bảo vệ trẻ em năm 2025'));
    await expect(readPlanDocument(docx, 'small.docx')).resolves.toContain('Kế hoạch bảo vệ trẻ em');
  });

  it('refuses a zip bomb (60 MB of XML in a few hundred KB) by its compression ratio', async () => {
    const bomb = docxBomb(60);
    expect(bomb.length).toBeLessThan(1024 * 1024);
    const error = await errorOf(readPlanDocument(bomb, 'bomb.docx'));
    expect(error.code).toBe('docx-compression-ratio');
    expect(error.message).toContain(`at most ${DOCX_LIMITS.maxCompressionRatio} to 1`);
  });

  it('refuses an archive of more files than a .docx may have', async () => {
    const error = await errorOf(readPlanDocument(manyEntriesZip(DOCX_LIMITS.maxEntries + 1)));
    expect(error.code).toBe('docx-too-many-entries');
  });

  it('refuses XML over the limit even when it compresses like ordinary text', async () => {
    const error = await errorOf(readPlanDocument(heavyDocx(DOCX_LIMITS.maxXmlBytes / 1024 / 1024 + 1)));
    expect(error.code).toBe('docx-too-large');
  });

  it('refuses an archive whose file inflates to more than it declares', async () => {
    const lying = docxWithBody(Buffer.alloc(8 * 1024 * 1024, wordParagraph('Trẻ em. ')), 64 * 1024);
    const error = await errorOf(readPlanDocument(lying, 'lying.docx'));
    expect(error.code).toBe('unreadable-docx');
    expect(error.message).toMatch(/too many bytes/);
  });

  it('refuses a text longer than a plan may be', async () => {
    const text = new TextEncoder().encode(
      'Sở Y tế chủ trì.\n'.repeat(Math.ceil(PLAN_TEXT_LIMIT_CHARACTERS / 17) + 1),
    );
    const error = await errorOf(readPlanDocument(text, 'long.txt'));
    expect(error.code).toBe('document-too-long');
  });
});
