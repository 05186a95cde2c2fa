/**
 * Synthetic variants of a plan text, as people receive plans: text extracted from a PDF
 * (hard-wrapped at a column, page numbers between pages), decomposed Unicode (NFD), titles in
 * capitals, and a plan with many parties. Used by the unit tests and the scored corpus.
 */

/** Word-wraps every paragraph at `width` columns, as text extracted from a PDF is. */
export function hardWrap(text: string, width = 72, pageEvery = 0): string {
  const out: string[] = [];
  let lines = 0;
  for (const paragraph of text.split('\n')) {
    if (paragraph.trim() === '') continue;
    let line = '';
    for (const word of paragraph.trim().split(/\s+/u)) {
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = word;
        lines++;
        if (pageEvery > 0 && lines % pageEvery === 0) out.push(`${lines / pageEvery}`);
      } else line = line === '' ? word : `${line} ${word}`;
    }
    out.push(line);
    lines++;
  }
  return out.join('\n');
}

/** The title line after "KẾ HOẠCH" set in capitals. */
export function upperCaseTitle(text: string): string {
  return text.replace(
    /(KẾ HOẠCH\n+)([^\n]+)/u,
    (_all, heading: string, title: string) => heading + title.toLocaleUpperCase('vi'),
  );
}

/** A plan of `count` parties, each with one duty; party 1 leads and consolidates the report. */
export function planWithParties(count: number): string {
  const parties = Array.from({ length: count }, (_unused, i) => {
    const n = i + 1;
    if (n === 1) {
      return `1. Sở Lao động - Thương binh và Xã hội\n- Chủ trì, theo dõi, tổng hợp kết quả thực hiện Kế hoạch, báo cáo UBND tỉnh.`;
    }
    return `${n}. Ủy ban nhân dân xã số ${n}\n- Tổ chức thực hiện Kế hoạch trên địa bàn xã số ${n}.`;
  });
  return [
    'ỦY BAN NHÂN DÂN',
    'TỈNH LAI CHÂU',
    'Số: 77/KH-UBND',
    'Lai Châu, ngày 10 tháng 3 năm 2025',
    'KẾ HOẠCH',
    'Bảo vệ trẻ em tại các xã năm 2025',
    'Căn cứ Luật Trẻ em năm 2016; Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:',
    'I. MỤC ĐÍCH',
    'Bảo đảm mọi trẻ em được bảo vệ.',
    'II. TỔ CHỨC THỰC HIỆN',
    ...parties,
    'III. CHẾ ĐỘ BÁO CÁO',
    'Định kỳ hằng năm (trước ngày 01/12) các đơn vị báo cáo UBND tỉnh (qua Sở Lao động - Thương binh và Xã hội).',
    'Trên đây là Kế hoạch bảo vệ trẻ em tại các xã năm 2025.',
  ].join('\n');
}
