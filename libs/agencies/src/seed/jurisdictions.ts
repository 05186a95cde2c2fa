import type { Jurisdiction } from '../types.js';

/** The jurisdictions of the two seed plans, as they were before the 2025 reorganisation. */
export const SEED_JURISDICTIONS: readonly Jurisdiction[] = [
  {
    code: 'lai-chau',
    name: 'tỉnh Lai Châu',
    parentCode: null,
    placeNames: ['Lai Châu'],
    levelWords: ['tỉnh'],
  },
  {
    code: 'lang-son',
    name: 'tỉnh Lạng Sơn',
    parentCode: null,
    placeNames: ['Lạng Sơn'],
    levelWords: ['tỉnh'],
  },
  {
    code: 'lang-son-city',
    name: 'thành phố Lạng Sơn',
    parentCode: 'lang-son',
    placeNames: ['Lạng Sơn'],
    levelWords: ['thành phố'],
  },
];
