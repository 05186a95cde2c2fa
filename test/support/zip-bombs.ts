import { crc32, deflateRawSync } from 'node:zlib';

/** One file of a ZIP archive; `declaredSize` lies about its inflated size when given. */
export interface ZipEntry {
  readonly name: string;
  readonly data: Buffer;
  readonly declaredSize?: number;
}

/**
 * A minimal ZIP writer (deflate, no extras, no ZIP64): local headers, data, central directory,
 * end record. Enough to build .docx files whose parts and sizes a test chooses.
 */
export function zipOf(entries: readonly ZipEntry[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const compressed = deflateRawSync(entry.data, { level: 9 });
    const crc = crc32(entry.data);
    const size = entry.declaredSize ?? entry.data.length;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt16LE(8, 8); // deflate
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(size, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4); // made by
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(size, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += local.length + name.length + compressed.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, directory, end]);
}

const CONTENT_TYPES =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/></Types>';
const ROOT_RELS =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/></Relationships>';
const DOCUMENT_OPEN =
  '<?xml version="1.0" encoding="UTF-8" standalone="yes"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>';
const DOCUMENT_CLOSE = '</w:body></w:document>';

/** The XML of a Word paragraph of `text`. */
export function wordParagraph(text: string): string {
  return `<w:p><w:r><w:t xml:space="preserve">${text}</w:t></w:r></w:p>`;
}

/** A .docx whose word/document.xml is `body` (paragraph XML), with the parts a reader needs. */
export function docxWithBody(body: Buffer | string, declaredSize?: number): Buffer {
  const xml = Buffer.concat([
    Buffer.from(DOCUMENT_OPEN),
    typeof body === 'string' ? Buffer.from(body) : body,
    Buffer.from(DOCUMENT_CLOSE),
  ]);
  return zipOf([
    { name: '[Content_Types].xml', data: Buffer.from(CONTENT_TYPES) },
    { name: '_rels/.rels', data: Buffer.from(ROOT_RELS) },
    { name: 'word/document.xml', data: xml, ...(declaredSize === undefined ? {} : { declaredSize }) },
  ]);
}

/** A zip bomb as a .docx: one paragraph repeated to `megabytes` MB of XML (deflates ~1000:1). */
export function docxBomb(megabytes: number): Buffer {
  const paragraph = wordParagraph('Trẻ em có quyền được bảo vệ. ');
  return docxWithBody(Buffer.alloc(megabytes * 1024 * 1024, paragraph));
}

/**
 * A .docx that passes the archive limits and still makes the reader work: `megabytes` MB of XML
 * of paragraphs with pseudo-random words (compresses ~4:1, under every ratio limit).
 */
export function heavyDocx(megabytes: number): Buffer {
  const words = ['trẻ', 'em', 'bảo', 'vệ', 'tỉnh', 'sở', 'kế', 'hoạch', 'năm', 'chủ', 'trì', 'phối', 'hợp'];
  let seed = 42;
  const parts: string[] = [];
  let size = 0;
  while (size < megabytes * 1024 * 1024) {
    let sentence = '';
    for (let i = 0; i < 12; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      sentence += `${words[seed % words.length]}${seed % 97} `;
    }
    const paragraph = wordParagraph(sentence);
    parts.push(paragraph);
    size += Buffer.byteLength(paragraph);
  }
  return docxWithBody(parts.join(''));
}

/** A ZIP of `count` tiny files: more entries than a .docx may have. */
export function manyEntriesZip(count: number): Buffer {
  return zipOf(
    Array.from({ length: count }, (_, i) => ({ name: `word/part${i}.xml`, data: Buffer.from('<a/>') })),
  );
}
