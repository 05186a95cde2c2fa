import yauzl from 'yauzl';
import { PlanDocumentError } from './errors.js';

/**
 * What a .docx may hold before its text is read (a zip bomb: a few hundred KB that inflate to
 * hundreds of MB of XML). A plan of 50 pages is under 1 MB of XML; an office document with photos
 * is a few MB of images. The limits leave ample room for both.
 */
export const DOCX_LIMITS = {
  /** Files in the archive (a plan has about 15). */
  maxEntries: 1_000,
  /** All files inflated, images included. */
  maxUncompressedBytes: 64 * 1024 * 1024,
  /** The XML parts (.xml, .rels) inflated: what the Word reader parses and keeps in memory. */
  maxXmlBytes: 8 * 1024 * 1024,
  /** Inflated size over compressed size of one file, for files over 1 MB inflated. */
  maxCompressionRatio: 100,
} as const;

const RATIO_CHECKED_FROM_BYTES = 1024 * 1024;
const MB = 1024 * 1024;

interface EntrySummary {
  readonly entryCount: number;
}

/**
 * Refuses an archive over DOCX_LIMITS from its central directory alone (the sizes it declares),
 * then inflates every file once, counting, to check that the declared sizes are true (yauzl
 * stops a file that inflates past its declared size). Throws PlanDocumentError; nothing of the
 * content is kept.
 */
export async function inspectDocxArchive(bytes: Uint8Array, source: string): Promise<EntrySummary> {
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const zip = await openZip(buffer, source);
  try {
    if (zip.entryCount > DOCX_LIMITS.maxEntries) {
      throw new PlanDocumentError(
        'docx-too-many-entries',
        `${source} is an archive of ${zip.entryCount} files; a .docx may have at most ${DOCX_LIMITS.maxEntries}.`,
      );
    }
    const entries = await readEntries(zip, source);
    let total = 0;
    let xml = 0;
    for (const entry of entries) {
      total += entry.uncompressedSize;
      if (/\.(xml|rels)$/i.test(entry.fileName)) xml += entry.uncompressedSize;
      const ratio = entry.uncompressedSize / Math.max(entry.compressedSize, 1);
      if (entry.uncompressedSize > RATIO_CHECKED_FROM_BYTES && ratio > DOCX_LIMITS.maxCompressionRatio) {
        throw new PlanDocumentError(
          'docx-compression-ratio',
          `${source} holds a file (${entry.fileName.slice(0, 80)}) compressed ${Math.round(ratio)} to 1; ` +
            `a .docx file may be compressed at most ${DOCX_LIMITS.maxCompressionRatio} to 1.`,
        );
      }
    }
    if (total > DOCX_LIMITS.maxUncompressedBytes || xml > DOCX_LIMITS.maxXmlBytes) {
      throw new PlanDocumentError(
        'docx-too-large',
        `${source} inflates to ${(total / MB).toFixed(1)} MB (${(xml / MB).toFixed(1)} MB of XML); ` +
          `a .docx may inflate to at most ${DOCX_LIMITS.maxUncompressedBytes / MB} MB, ${DOCX_LIMITS.maxXmlBytes / MB} MB of it XML.`,
      );
    }
    for (const entry of entries) await inflateAndCount(zip, entry, source);
    return { entryCount: entries.length };
  } finally {
    zip.close();
  }
}

function openZip(buffer: Buffer, source: string): Promise<yauzl.ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(
      buffer,
      { lazyEntries: true, validateEntrySizes: true, strictFileNames: false, decodeStrings: true },
      (error, zip) => (error ? reject(unreadable(source, error)) : resolve(zip)),
    );
  });
}

function readEntries(zip: yauzl.ZipFile, source: string): Promise<yauzl.Entry[]> {
  return new Promise((resolve, reject) => {
    const entries: yauzl.Entry[] = [];
    zip.on('entry', (entry: yauzl.Entry) => {
      entries.push(entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(unreadable(source, error)));
    zip.readEntry();
  });
}

/** Inflates one file and drops the bytes: yauzl fails it if it inflates to more than declared. */
function inflateAndCount(zip: yauzl.ZipFile, entry: yauzl.Entry, source: string): Promise<void> {
  if (entry.fileName.endsWith('/')) return Promise.resolve();
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) {
        reject(unreadable(source, error));
        return;
      }
      stream.on('data', () => undefined);
      stream.once('end', () => resolve());
      stream.once('error', (cause: Error) => reject(unreadable(source, cause)));
    });
  });
}

function unreadable(source: string, cause: Error): PlanDocumentError {
  return new PlanDocumentError(
    'unreadable-docx',
    `${source} is a ZIP file but not a readable .docx: ${cause.message.slice(0, 200)}`,
    { cause },
  );
}
