import { deciderSpecification } from '../../../tasks/src/testing/decider-specification.js';
import {
  decide,
  evolve,
  headOn,
  initialState,
  type AgencyActor,
  type AgencyCommand,
  type AgencyEvent,
  type AgencyState,
} from './agency-head.decider.js';

const spec = deciderSpecification<AgencyCommand, AgencyEvent, AgencyState>({ decide, evolve, initialState });

const AGENCY = 'lc-so-y-te';
const issuer: AgencyActor = { personId: 'p-issuer', agencyCode: 'lc-ubnd-tinh', roles: ['issuer'] };
const NOW = '2025-03-10T02:00:00.000Z';

const record = (
  since: string,
  personName = 'Nguyễn Văn An',
  opts: { actor?: AgencyActor; title?: string; now?: string } = {},
): AgencyCommand => ({
  type: 'RecordAgencyHead',
  data: {
    agencyCode: AGENCY,
    answersTo: [AGENCY, 'lc-ubnd-tinh'],
    personName,
    title: opts.title ?? 'Giám đốc',
    since,
    reason: 'Quyết định số 123/QĐ-UBND',
  },
  metadata: {
    actor: opts.actor ?? issuer,
    now: opts.now ?? NOW,
  },
});

const recorded = (since: string, personName = 'Nguyễn Văn An', title = 'Giám đốc'): AgencyEvent => ({
  type: 'AgencyHeadRecorded',
  data: {
    agencyCode: AGENCY,
    personName,
    title,
    since,
    reason: 'Quyết định số 123/QĐ-UBND',
    byAgency: 'lc-ubnd-tinh',
  },
});

describe('RecordAgencyHead', () => {
  describe('when an issuer of the jurisdiction records a head', () => {
    it('records the term, in NFC', () => {
      spec
        .given([])
        .when(record('2024-01-15', 'Nguyễn Văn An'.normalize('NFD')))
        .then([recorded('2024-01-15')]);
    });

    it('records a successor from a later date', () => {
      const state = spec
        .given([recorded('2024-01-15')])
        .when(record('2025-02-01', 'Trần Thị Bình'))
        .then([recorded('2025-02-01', 'Trần Thị Bình')]);
      expect(state.heads.map((h) => h.personName)).toEqual(['Nguyễn Văn An', 'Trần Thị Bình']);
    });
  });

  describe('when the same term is recorded again', () => {
    it('changes nothing', () => {
      spec
        .given([recorded('2024-01-15')])
        .when(record('2024-01-15'))
        .thenNothing();
    });
  });

  describe('when the dates do not follow each other', () => {
    it('refuses another head from the same date', () => {
      spec
        .given([recorded('2024-01-15')])
        .when(record('2024-01-15', 'Lò Văn Cường'))
        .thenThrows('agency.head-conflict', 'conflict');
    });

    it('refuses a term that began before the latest one recorded', () => {
      spec
        .given([recorded('2024-01-15')])
        .when(record('2023-06-01', 'Lò Văn Cường'))
        .thenThrows('agency.head-conflict', 'conflict');
    });
  });

  describe('when the actor may not record it', () => {
    it('refuses an officer', () => {
      const officer: AgencyActor = { personId: 'p-o', agencyCode: AGENCY, roles: ['officer'] };
      spec
        .given([])
        .when(record('2024-01-15', undefined, { actor: officer }))
        .thenThrows('agency.forbidden', 'forbidden');
    });

    it('refuses an issuer of a committee the agency does not answer to', () => {
      const district: AgencyActor = { personId: 'p-d', agencyCode: 'lc-ubnd-h-bat-xat', roles: ['issuer'] };
      spec
        .given([])
        .when(record('2024-01-15', undefined, { actor: district }))
        .thenThrows('agency.forbidden', 'forbidden');
    });

    it("accepts a focal point deciding for the agency's committee", () => {
      const focal: AgencyActor = {
        personId: 'p-f',
        agencyCode: 'lc-so-ldtbxh',
        roles: ['officer', 'issuer'],
        issuesFor: 'lc-ubnd-tinh',
      };
      spec
        .given([])
        .when(record('2024-01-15', undefined, { actor: focal }))
        .then([
          { ...recorded('2024-01-15'), data: { ...recorded('2024-01-15').data, byAgency: 'lc-so-ldtbxh' } },
        ]);
    });
  });

  describe('when the input is invalid', () => {
    it.each([
      ['a blank name', record('2024-01-15', '  ')],
      ['a blank title', record('2024-01-15', undefined, { title: '' })],
      ['a date that is not a calendar date', record('2024-02-30')],
      ['a date after today in Ha Noi', record('2025-03-11', undefined, { now: '2025-03-10T16:59:00.000Z' })],
    ])('refuses %s', (_what, command) => {
      spec.given([]).when(command).thenThrows('validation', 'invalid');
    });

    it('takes today in Ha Noi, already tomorrow in UTC terms, as today', () => {
      spec
        .given([])
        .when(record('2025-03-11', undefined, { now: '2025-03-10T17:00:00.000Z' }))
        .then([recorded('2025-03-11')]);
    });
  });
});

describe('headOn', () => {
  const state = [recorded('2024-01-15'), recorded('2025-02-01', 'Trần Thị Bình')].reduce(
    evolve,
    initialState(),
  );

  it('answers who was in office on a date, and nobody before the first term', () => {
    expect(headOn(state, '2023-12-31')).toBeNull();
    expect(headOn(state, '2024-01-15')?.personName).toBe('Nguyễn Văn An');
    expect(headOn(state, '2025-01-31')?.personName).toBe('Nguyễn Văn An');
    expect(headOn(state, '2025-02-01')?.personName).toBe('Trần Thị Bình');
  });
});
