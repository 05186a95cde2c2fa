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

/**
 * A plan of about `bytes` bytes (UTF-8) as large plans are: a plan of a few parties (the Lai Châu
 * seed plan, `seedPlan`) with an annex of figures per commune (a section "VI. PHỤ LỤC" of one line
 * per commune and year) that makes up its size.
 */
export function annexedPlan(seedPlan: string, bytes: number): string {
  const closing = seedPlan.search(/\n\s*Trên đây là/u);
  const head = seedPlan.slice(0, closing);
  const tail = seedPlan.slice(closing);
  const rows: string[] = ['VI. PHỤ LỤC: SỐ LIỆU TRẺ EM THEO XÃ, PHƯỜNG, THỊ TRẤN'];
  let size = Buffer.byteLength(seedPlan) + 100;
  for (let n = 1; size < bytes; n++) {
    const row = `- Xã số ${n}, huyện ${(n % 8) + 1}: năm ${2024 + (n % 7)} có ${800 + (n % 500)} trẻ em, trong đó ${n % 60} trẻ em có hoàn cảnh đặc biệt được trợ giúp, ${n % 40} trẻ em bị tai nạn thương tích được can thiệp kịp thời; ${(n % 9) + 1} thôn, bản có cộng tác viên bảo vệ trẻ em.`;
    rows.push(row);
    size += Buffer.byteLength(row) + 1;
  }
  return `${head}\n${rows.join('\n')}${tail}`;
}

/**
 * A plan of about `bytes` bytes (UTF-8) made of parties only: ~2,300 communes with 12 duties each
 * (a stress case; real plans name tens of parties).
 */
export function largePlan(bytes: number): string {
  const duties = [
    '- Tổ chức tuyên truyền, phổ biến Luật Trẻ em và các văn bản hướng dẫn đến từng thôn, bản, tổ dân phố; phối hợp với Trạm Y tế xã, Trường Trung học cơ sở và Hội Liên hiệp Phụ nữ xã thực hiện các hoạt động phòng, chống xâm hại, tai nạn thương tích, đuối nước trẻ em trong dịp hè.',
    '- Rà soát, cập nhật thông tin trẻ em có hoàn cảnh đặc biệt, trẻ em có nguy cơ rơi vào hoàn cảnh đặc biệt trên phần mềm quản lý thông tin trẻ em; kịp thời hỗ trợ, can thiệp và chuyển gửi các trường hợp cần thiết đến cơ quan có thẩm quyền theo quy định của pháp luật.',
    '- Bố trí kinh phí, nhân lực cho công tác bảo vệ, chăm sóc trẻ em tại cơ sở; kiện toàn Ban Bảo vệ trẻ em, mạng lưới cộng tác viên thôn, bản; tổ chức Diễn đàn trẻ em cấp xã để trẻ em được bày tỏ ý kiến, nguyện vọng về các vấn đề liên quan đến trẻ em.',
    '- Định kỳ tổng hợp, đánh giá kết quả thực hiện Kế hoạch trên địa bàn; báo cáo Ủy ban nhân dân huyện (qua Phòng Lao động - Thương binh và Xã hội) để tổng hợp theo quy định.',
  ];
  const head = [
    'ỦY BAN NHÂN DÂN',
    'TỈNH LAI CHÂU',
    'Số: 88/KH-UBND',
    'Lai Châu, ngày 12 tháng 3 năm 2025',
    'KẾ HOẠCH',
    'Bảo vệ, chăm sóc trẻ em tại các xã, phường, thị trấn giai đoạn 2025 - 2030',
    'Căn cứ Luật Trẻ em năm 2016; Thực hiện Chỉ thị số 28-CT/TW ngày 25/12/2023 của Bộ Chính trị, Ủy ban nhân dân tỉnh ban hành Kế hoạch như sau:',
    'I. MỤC ĐÍCH',
    'Bảo đảm mọi trẻ em được bảo vệ, chăm sóc và giáo dục.',
    'II. TỔ CHỨC THỰC HIỆN',
    '1. Sở Lao động - Thương binh và Xã hội',
    '- Chủ trì, theo dõi, tổng hợp kết quả thực hiện Kế hoạch, báo cáo UBND tỉnh.',
  ].join('\n');
  const tail = [
    'III. CHẾ ĐỘ BÁO CÁO',
    'Định kỳ hằng năm (trước ngày 01/12) các đơn vị báo cáo UBND tỉnh (qua Sở Lao động - Thương binh và Xã hội).',
    'Trên đây là Kế hoạch bảo vệ, chăm sóc trẻ em giai đoạn 2025 - 2030.',
  ].join('\n');
  const parts = [head];
  let size = Buffer.byteLength(head) + Buffer.byteLength(tail);
  for (let n = 2; size < bytes; n++) {
    const party = [`${n}. Ủy ban nhân dân xã số ${n}`];
    for (let k = 0; k < 12; k++) party.push(duties[(n + k) % duties.length] ?? '');
    const text = party.join('\n');
    parts.push(text);
    size += Buffer.byteLength(text) + 1;
  }
  parts.push(tail);
  return parts.join('\n');
}
