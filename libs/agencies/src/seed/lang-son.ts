import type { Agency } from '../types.js';

/*
 * Lạng Sơn province: only the bodies the Lạng Sơn city plan reports to or cites
 * ("báo cáo UBND tỉnh và Sở Lao động - Thương binh và Xã hội", "Sở LĐ-TB&XH tỉnh").
 */

const J = 'lang-son';

export const LANG_SON_AGENCIES: readonly Agency[] = [
  {
    code: 'ls-ubnd-tinh',
    name: 'Ủy ban nhân dân tỉnh Lạng Sơn',
    shortName: 'UBND tỉnh Lạng Sơn',
    level: 'province',
    parentCode: null,
    jurisdiction: J,
    aliases: ['UBND tỉnh'],
  },
  {
    code: 'ls-so-ldtbxh',
    name: 'Sở Lao động - Thương binh và Xã hội tỉnh Lạng Sơn',
    shortName: 'Sở LĐTBXH tỉnh Lạng Sơn',
    level: 'department',
    parentCode: 'ls-ubnd-tinh',
    jurisdiction: J,
    aliases: ['Sở LĐ-TB&XH tỉnh'],
  },
];
