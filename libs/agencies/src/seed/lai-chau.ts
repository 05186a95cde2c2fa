import type { Agency, AgencyGroup } from '../types.js';

/*
 * Lai Châu province: the bodies named in the plan implementing Directive 28-CT/TW (2024),
 * section "V. TỔ CHỨC THỰC HIỆN" (14 parties), its issuer and its report recipients.
 * Names are the official pre-2025 names. Party bodies (Tỉnh ủy, Ban Tuyên giáo) and the ministry
 * the plan is copied to (Bộ Lao động - TB&XH) are not agencies that owe duties here and are left out.
 */

const J = 'lai-chau';
const UBND_TINH = 'lc-ubnd-tinh';

function department(code: string, name: string, shortName: string, aliases: string[] = []): Agency {
  return { code, name, shortName, level: 'department', parentCode: UBND_TINH, jurisdiction: J, aliases };
}

function district(code: string, name: string): Agency {
  return {
    code,
    name: `Ủy ban nhân dân ${name}`,
    shortName: `UBND ${name}`,
    level: 'district',
    parentCode: UBND_TINH,
    jurisdiction: J,
    aliases: [],
  };
}

function massOrganisation(code: string, name: string, shortName: string, aliases: string[] = []): Agency {
  // Mass organisations are requested ("đề nghị"), not subordinate to the People's Committee.
  return { code, name, shortName, level: 'mass-organisation', parentCode: null, jurisdiction: J, aliases };
}

export const LAI_CHAU_AGENCIES: readonly Agency[] = [
  {
    code: UBND_TINH,
    name: 'Ủy ban nhân dân tỉnh Lai Châu',
    shortName: 'UBND tỉnh Lai Châu',
    level: 'province',
    parentCode: null,
    jurisdiction: J,
    aliases: ['UBND tỉnh'],
  },
  {
    // Receives the Finance department's budget proposal (party 8) and a copy of the plan.
    code: 'lc-hdnd-tinh',
    name: 'Hội đồng nhân dân tỉnh Lai Châu',
    shortName: 'HĐND tỉnh Lai Châu',
    level: 'province',
    parentCode: null,
    jurisdiction: J,
    // The standing committee acts for the council between sessions; copies are addressed to it.
    aliases: ['HĐND tỉnh', 'Thường trực HĐND tỉnh', 'TT. HĐND tỉnh'],
  },
  department('lc-so-ldtbxh', 'Sở Lao động - Thương binh và Xã hội tỉnh Lai Châu', 'Sở LĐTBXH', [
    'Sở LĐ-TB&XH',
    'Sở Lao động – Thương binh và Xã hội',
  ]),
  department('lc-so-gddt', 'Sở Giáo dục và Đào tạo tỉnh Lai Châu', 'Sở GD&ĐT', ['Sở GDĐT']),
  department('lc-so-vhttdl', 'Sở Văn hóa, Thể thao và Du lịch tỉnh Lai Châu', 'Sở VHTTDL', ['Sở VH,TT&DL']),
  department('lc-so-tttt', 'Sở Thông tin và Truyền thông tỉnh Lai Châu', 'Sở TT&TT', ['Sở TTTT']),
  department('lc-so-y-te', 'Sở Y tế tỉnh Lai Châu', 'Sở Y tế'),
  department('lc-so-tu-phap', 'Sở Tư pháp tỉnh Lai Châu', 'Sở Tư pháp'),
  department('lc-so-khdt', 'Sở Kế hoạch và Đầu tư tỉnh Lai Châu', 'Sở KH&ĐT', ['Sở KHĐT']),
  department('lc-so-tai-chinh', 'Sở Tài chính tỉnh Lai Châu', 'Sở Tài chính'),
  {
    // Provincial police answer to the Ministry of Public Security, not to the People's Committee.
    code: 'lc-cong-an-tinh',
    name: 'Công an tỉnh Lai Châu',
    shortName: 'Công an tỉnh',
    level: 'department',
    parentCode: null,
    jurisdiction: J,
    aliases: ['CA tỉnh'],
  },
  department('lc-so-noi-vu', 'Sở Nội vụ tỉnh Lai Châu', 'Sở Nội vụ'),
  department('lc-so-nnptnt', 'Sở Nông nghiệp và Phát triển nông thôn tỉnh Lai Châu', 'Sở NN&PTNT'),

  district('lc-ubnd-huyen-tam-duong', 'huyện Tam Đường'),
  district('lc-ubnd-huyen-phong-tho', 'huyện Phong Thổ'),
  district('lc-ubnd-huyen-sin-ho', 'huyện Sìn Hồ'),
  district('lc-ubnd-huyen-muong-te', 'huyện Mường Tè'),
  district('lc-ubnd-huyen-than-uyen', 'huyện Than Uyên'),
  district('lc-ubnd-huyen-tan-uyen', 'huyện Tân Uyên'),
  district('lc-ubnd-huyen-nam-nhun', 'huyện Nậm Nhùn'),
  district('lc-ubnd-thanh-pho-lai-chau', 'thành phố Lai Châu'),

  massOrganisation('lc-mttq', 'Ủy ban Mặt trận Tổ quốc Việt Nam tỉnh Lai Châu', 'Ủy ban MTTQ tỉnh', [
    'Ủy ban Mặt trận Tổ quốc tỉnh',
    'Mặt trận Tổ quốc tỉnh',
    'UBMTTQ tỉnh',
  ]),
  massOrganisation('lc-tinh-doan', 'Tỉnh đoàn Lai Châu', 'Tỉnh đoàn', [
    'Đoàn Thanh niên Cộng sản Hồ Chí Minh tỉnh Lai Châu',
  ]),
  massOrganisation('lc-hoi-lhpn', 'Hội Liên hiệp Phụ nữ tỉnh Lai Châu', 'Hội LHPN tỉnh', ['Hội Phụ nữ tỉnh']),
  massOrganisation('lc-hoi-nong-dan', 'Hội Nông dân tỉnh Lai Châu', 'Hội Nông dân tỉnh'),
  massOrganisation('lc-hoi-ccb', 'Hội Cựu chiến binh tỉnh Lai Châu', 'Hội CCB tỉnh'),
  massOrganisation('lc-ldld', 'Liên đoàn Lao động tỉnh Lai Châu', 'LĐLĐ tỉnh'),
];

const DEPARTMENTS = [
  'lc-so-ldtbxh',
  'lc-so-gddt',
  'lc-so-vhttdl',
  'lc-so-tttt',
  'lc-so-y-te',
  'lc-so-tu-phap',
  'lc-so-khdt',
  'lc-so-tai-chinh',
  'lc-cong-an-tinh',
  'lc-so-noi-vu',
  'lc-so-nnptnt',
];

/** The five socio-political organisations (tổ chức chính trị - xã hội) at provincial level. */
const SOCIO_POLITICAL = ['lc-tinh-doan', 'lc-hoi-lhpn', 'lc-hoi-nong-dan', 'lc-hoi-ccb', 'lc-ldld'];

export const LAI_CHAU_GROUPS: readonly AgencyGroup[] = [
  {
    // Party 12. "liên quan" is open-ended; we take every provincial department in the directory
    // (the eleven the plan names, police included). Assignment code may drop those already named.
    code: 'lc-cac-so-ban-nganh-lien-quan',
    name: 'Các sở, ban, ngành liên quan tỉnh Lai Châu',
    jurisdiction: J,
    memberCodes: DEPARTMENTS,
    aliases: ['Các sở, ban, ngành liên quan', 'Các sở, ban, ngành có liên quan', 'Các sở, ban, ngành'],
  },
  {
    // Section I.2 and the recipients list: departments plus the Front and the mass organisations.
    code: 'lc-cac-so-ban-nganh-doan-the',
    name: 'Các sở, ban, ngành, đoàn thể tỉnh Lai Châu',
    jurisdiction: J,
    memberCodes: [...DEPARTMENTS, 'lc-mttq', ...SOCIO_POLITICAL],
    aliases: ['Các sở, ban, ngành, đoàn thể tỉnh', 'Các sở, ban, ngành, đoàn thể'],
  },
  {
    code: 'lc-to-chuc-ctxh',
    name: 'Các tổ chức chính trị - xã hội tỉnh Lai Châu',
    jurisdiction: J,
    memberCodes: SOCIO_POLITICAL,
    aliases: ['Các tổ chức chính trị - xã hội'],
  },
  {
    // Party 13. The Front's member organisations are many; the ones a plan can count on are the
    // five socio-political organisations, so "các tổ chức thành viên" resolves to those too.
    code: 'lc-mttq-va-to-chuc-ctxh',
    name: 'Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội tỉnh Lai Châu',
    jurisdiction: J,
    memberCodes: ['lc-mttq', ...SOCIO_POLITICAL],
    aliases: [
      'Ủy ban Mặt trận Tổ quốc và các tổ chức thành viên, các tổ chức chính trị - xã hội',
      'Ủy ban Mặt trận Tổ quốc tỉnh và các tổ chức chính trị - xã hội tỉnh',
    ],
  },
  {
    // Party 14: the seven districts and Lai Châu city.
    code: 'lc-ubnd-cac-huyen-thanh-pho',
    name: 'Ủy ban nhân dân các huyện, thành phố tỉnh Lai Châu',
    jurisdiction: J,
    memberCodes: [
      'lc-ubnd-huyen-tam-duong',
      'lc-ubnd-huyen-phong-tho',
      'lc-ubnd-huyen-sin-ho',
      'lc-ubnd-huyen-muong-te',
      'lc-ubnd-huyen-than-uyen',
      'lc-ubnd-huyen-tan-uyen',
      'lc-ubnd-huyen-nam-nhun',
      'lc-ubnd-thanh-pho-lai-chau',
    ],
    // Section III.4 drops a word: "Ủy ban nhân các huyện, thành phố".
    aliases: ['UBND các huyện, thành phố', 'Ủy ban nhân các huyện, thành phố'],
  },
];
