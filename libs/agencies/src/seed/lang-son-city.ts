import type { Agency, AgencyGroup } from '../types.js';

/*
 * Lạng Sơn city (district level, before the 2025 reorganisation): the bodies named in the plan
 * implementing Resolution 121/2020/QH14 for 2024, section "IV. TỔ CHỨC THỰC HIỆN" (11 parties),
 * its issuer and its report recipients. The city party committee (Thành ủy) is left out.
 */

const J = 'lang-son-city';
const UBND_TP = 'lsc-ubnd-thanh-pho';

function office(code: string, name: string, shortName: string, aliases: string[] = []): Agency {
  return { code, name, shortName, level: 'department', parentCode: UBND_TP, jurisdiction: J, aliases };
}

function commune(code: string, name: string): Agency {
  return {
    code,
    name: `Ủy ban nhân dân ${name}`,
    shortName: `UBND ${name}`,
    level: 'commune',
    parentCode: UBND_TP,
    jurisdiction: J,
    aliases: [],
  };
}

function massOrganisation(code: string, name: string, shortName: string, aliases: string[] = []): Agency {
  return { code, name, shortName, level: 'mass-organisation', parentCode: null, jurisdiction: J, aliases };
}

export const LANG_SON_CITY_AGENCIES: readonly Agency[] = [
  {
    code: UBND_TP,
    name: 'Ủy ban nhân dân thành phố Lạng Sơn',
    shortName: 'UBND thành phố Lạng Sơn',
    level: 'district',
    parentCode: 'ls-ubnd-tinh',
    jurisdiction: J,
    aliases: ['UBND TP Lạng Sơn', 'UBND thành phố'],
  },
  {
    // Party 1 advises reports to the council; the standing committee receives a copy.
    code: 'lsc-hdnd-thanh-pho',
    name: 'Hội đồng nhân dân thành phố Lạng Sơn',
    shortName: 'HĐND thành phố Lạng Sơn',
    level: 'district',
    parentCode: null,
    jurisdiction: J,
    aliases: ['HĐND thành phố', 'Thường trực HĐND thành phố', 'TT HĐND TP'],
  },
  office(
    'lsc-phong-ldtbxh',
    'Phòng Lao động - Thương binh và Xã hội thành phố Lạng Sơn',
    'Phòng LĐTBXH thành phố',
    ['Phòng LĐ-TB&XH thành phố'],
  ),
  office('lsc-phong-gddt', 'Phòng Giáo dục và Đào tạo thành phố Lạng Sơn', 'Phòng GD&ĐT thành phố'),
  // Carries the city's health duties (party 3); there is no separate health office.
  office(
    'lsc-van-phong-hdnd-ubnd',
    'Văn phòng Hội đồng nhân dân và Ủy ban nhân dân thành phố Lạng Sơn',
    'Văn phòng HĐND-UBND thành phố',
  ),
  {
    // A public health unit run by the provincial health department (not in the directory).
    code: 'lsc-trung-tam-y-te',
    name: 'Trung tâm Y tế thành phố Lạng Sơn',
    shortName: 'Trung tâm Y tế thành phố',
    level: 'department',
    parentCode: null,
    jurisdiction: J,
    aliases: ['TTYT thành phố'],
  },
  {
    // City police answer to the provincial police (not in the directory), not to the People's Committee.
    code: 'lsc-cong-an-thanh-pho',
    name: 'Công an thành phố Lạng Sơn',
    shortName: 'Công an thành phố',
    level: 'department',
    parentCode: null,
    jurisdiction: J,
    aliases: ['Công an TP', 'CA TP'],
  },
  // The plan writes "Phòng Văn hóa - Thông tin"; the official name of the office is "… và Thông tin".
  office('lsc-phong-vhtt', 'Phòng Văn hóa và Thông tin thành phố Lạng Sơn', 'Phòng VH&TT thành phố', [
    'Phòng Văn hóa - Thông tin thành phố',
  ]),
  office(
    'lsc-trung-tam-vhtt',
    'Trung tâm Văn hóa - Thể thao thành phố Lạng Sơn',
    'Trung tâm VH-TT thành phố',
    ['Trung tâm Văn hóa thể thao thành phố'],
  ),
  office('lsc-phong-tu-phap', 'Phòng Tư pháp thành phố Lạng Sơn', 'Phòng Tư pháp thành phố'),
  office('lsc-phong-tckh', 'Phòng Tài chính - Kế hoạch thành phố Lạng Sơn', 'Phòng TC-KH thành phố'),

  commune('lsc-ubnd-phuong-chi-lang', 'phường Chi Lăng'),
  commune('lsc-ubnd-phuong-dong-kinh', 'phường Đông Kinh'),
  commune('lsc-ubnd-phuong-hoang-van-thu', 'phường Hoàng Văn Thụ'),
  commune('lsc-ubnd-phuong-tam-thanh', 'phường Tam Thanh'),
  commune('lsc-ubnd-phuong-vinh-trai', 'phường Vĩnh Trại'),
  commune('lsc-ubnd-xa-hoang-dong', 'xã Hoàng Đồng'),
  commune('lsc-ubnd-xa-mai-pha', 'xã Mai Pha'),
  commune('lsc-ubnd-xa-quang-lac', 'xã Quảng Lạc'),

  massOrganisation(
    'lsc-mttq',
    'Ủy ban Mặt trận Tổ quốc Việt Nam thành phố Lạng Sơn',
    'Ủy ban MTTQ thành phố',
    ['Ủy ban Mặt trận Tổ quốc thành phố', 'Mặt trận Tổ quốc thành phố', 'UBMTTQ TP'],
  ),
  massOrganisation('lsc-thanh-doan', 'Thành đoàn Lạng Sơn', 'Thành đoàn', [
    'Đoàn Thanh niên Cộng sản Hồ Chí Minh thành phố Lạng Sơn',
  ]),
  massOrganisation('lsc-hoi-lhpn', 'Hội Liên hiệp Phụ nữ thành phố Lạng Sơn', 'Hội LHPN thành phố', [
    'Hội Phụ nữ thành phố',
  ]),
  massOrganisation('lsc-hoi-nong-dan', 'Hội Nông dân thành phố Lạng Sơn', 'Hội Nông dân thành phố'),
  massOrganisation('lsc-hoi-ccb', 'Hội Cựu chiến binh thành phố Lạng Sơn', 'Hội CCB thành phố'),
  massOrganisation('lsc-ldld', 'Liên đoàn Lao động thành phố Lạng Sơn', 'LĐLĐ thành phố'),
];

/** City offices and units (party 9). The police are listed apart in the plan's recipients, so not here. */
const OFFICES = [
  'lsc-phong-ldtbxh',
  'lsc-phong-gddt',
  'lsc-van-phong-hdnd-ubnd',
  'lsc-trung-tam-y-te',
  'lsc-phong-vhtt',
  'lsc-trung-tam-vhtt',
  'lsc-phong-tu-phap',
  'lsc-phong-tckh',
];

const SOCIO_POLITICAL = ['lsc-thanh-doan', 'lsc-hoi-lhpn', 'lsc-hoi-nong-dan', 'lsc-hoi-ccb', 'lsc-ldld'];

export const LANG_SON_CITY_GROUPS: readonly AgencyGroup[] = [
  {
    // Party 6 names two bodies in one heading; both receive its duties.
    code: 'lsc-phong-vhtt-va-trung-tam-vhtt',
    name: 'Phòng Văn hóa và Thông tin, Trung tâm Văn hóa - Thể thao thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: ['lsc-phong-vhtt', 'lsc-trung-tam-vhtt'],
    aliases: ['Phòng Văn hóa - Thông tin, Trung tâm Văn hóa thể thao thành phố'],
  },
  {
    code: 'lsc-co-quan-phong-ban-don-vi',
    name: 'Các cơ quan, phòng ban, đơn vị thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: OFFICES,
    aliases: ['Các cơ quan phòng ban, đơn vị thành phố', 'Các cơ quan, đơn vị thành phố'],
  },
  {
    // Recipients list and party 1: offices plus the Front and the mass organisations.
    code: 'lsc-co-quan-phong-ban-doan-the',
    name: 'Các cơ quan, phòng, ban, đoàn thể thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: [...OFFICES, 'lsc-mttq', ...SOCIO_POLITICAL],
    aliases: ['Các cơ quan, phòng, ban, đoàn thể TP', 'Cơ quan, đơn vị, đoàn thể thành phố'],
  },
  {
    code: 'lsc-to-chuc-ctxh',
    name: 'Các tổ chức chính trị - xã hội thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: SOCIO_POLITICAL,
    aliases: ['Các tổ chức chính trị - xã hội thành phố'],
  },
  {
    // Party 10.
    code: 'lsc-mttq-va-to-chuc-ctxh',
    name: 'Ủy ban Mặt trận Tổ quốc Việt Nam và các tổ chức chính trị - xã hội thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: ['lsc-mttq', ...SOCIO_POLITICAL],
    aliases: ['Ủy ban Mặt trận Tổ quốc và các tổ chức chính trị - xã hội thành phố'],
  },
  {
    // Party 11: the five wards and three communes.
    code: 'lsc-ubnd-cac-phuong-xa',
    name: 'Ủy ban nhân dân các phường, xã thành phố Lạng Sơn',
    jurisdiction: J,
    memberCodes: [
      'lsc-ubnd-phuong-chi-lang',
      'lsc-ubnd-phuong-dong-kinh',
      'lsc-ubnd-phuong-hoang-van-thu',
      'lsc-ubnd-phuong-tam-thanh',
      'lsc-ubnd-phuong-vinh-trai',
      'lsc-ubnd-xa-hoang-dong',
      'lsc-ubnd-xa-mai-pha',
      'lsc-ubnd-xa-quang-lac',
    ],
    aliases: ['UBND các phường, xã'],
  },
];
