import mammoth from 'mammoth';

/**
 * The text of a .docx, one paragraph per block with a blank line between paragraphs (mammoth's raw
 * text), so the plain-text parser reads it like a .txt plan.
 */
export async function extractDocxText(bytes: Uint8Array): Promise<string> {
  const result = await mammoth.extractRawText({ buffer: Buffer.from(bytes) });
  return result.value;
}
