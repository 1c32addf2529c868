import { describe, it, expect } from 'vitest';
import {
  CHANGE_TYPES,
  CHANGE_TYPE_BY_CODE,
  CHANGE_TYPE_CODES,
  OPEN_STATES,
  DEFAULT_RULES,
  STATE_LABELS,
  PARTY_LABELS,
  changeTypeOf,
  chainOf,
  resolveParty,
  resolveSteps,
  startStep,
  checkPreconditions,
  checkPayload,
  proofsRequired,
  checkDecider,
  checkDecision,
  afterDecision,
  checkWithdraw,
  checkResubmit,
  checkReverse,
  isOpen,
  suspensionEnd,
  type ChangeRules,
  type FilingFacts,
  type StudentFacts,
  type SideColumns,
  type RequestView,
  type ResolvedStep,
  type Party,
  type StepSpec,
} from '../../src/domain/changes';
import type { Stage } from '../../src/domain/grades';
import { errorOf } from './helpers';

// ---------------------------------------------------------------- fixtures
/** A registered, in-school 初二 student of an ordinary junior school (graduating grade: 9). */
const student = (over: Partial<StudentFacts> = {}): StudentFacts => ({
  registrationStatus: 'registered',
  enrollmentStatus: '01',
  grade: 8,
  schoolingSystem: '6-3-3',
  schoolCategory: '31',
  ...over,
});
const seniorStudent = (over: Partial<StudentFacts> = {}) => student({ grade: 11, schoolCategory: '34', ...over });
const primaryStudent = (over: Partial<StudentFacts> = {}) => student({ grade: 4, schoolCategory: '21', ...over });

const TODAY = '2026-03-10';
const facts = (over: Partial<FilingFacts> = {}): FilingFacts => ({ today: TODAY, student: student(), ...over });

/** Error codes of checkPreconditions for a type, in order. */
const refusals = (code: string, f: FilingFacts, rules?: ChangeRules) => checkPreconditions(changeTypeOf(code), f, rules).map((e) => e.code);

const FROM: SideColumns = { provinceCode: '340000', cityCode: '340100', countyCode: '340102', schoolCode: '3434000001' };
const TO: SideColumns = { provinceCode: '340000', cityCode: '340200', countyCode: '340202', schoolCode: '3434000002' };

const SCHOOL_PARTIES: Party[] = ['from-school', 'to-school'];
const ALL_PARTIES: Party[] = ['from-school', 'to-school', 'from-county', 'to-county', 'from-city', 'to-city', 'province'];
const STAGES: Stage[] = ['primary', 'junior', 'senior'];

const chainSummary = (chain: StepSpec[]) => chain.map((s) => `${s.party}:${s.days}`);

// ---------------------------------------------------------------- table
describe('change-type table', () => {
  it('every code is unique and indexed', () => {
    const codes = CHANGE_TYPES.map((t) => t.code);
    expect(new Set(codes).size).toBe(codes.length);
    expect(CHANGE_TYPE_BY_CODE.size).toBe(codes.length);
    for (const t of CHANGE_TYPES) expect(CHANGE_TYPE_BY_CODE.get(t.code)).toBe(t);
    expect(CHANGE_TYPE_CODES).toEqual(CHANGE_TYPES.map((t) => ({ code: t.code, label: t.label })));
  });

  it('every label is non-empty', () => {
    for (const t of CHANGE_TYPES) expect(t.label.trim(), t.code).not.toBe('');
  });

  it('every filer is a school party', () => {
    for (const t of CHANGE_TYPES) expect(SCHOOL_PARTIES, t.code).toContain(t.filer);
  });

  it('every type has a non-empty chain for both stages (and every variant too)', () => {
    for (const t of CHANGE_TYPES) {
      for (const stage of STAGES) {
        const chain = chainOf(t, stage);
        expect(chain.length, `${t.code} ${stage}`).toBeGreaterThan(0);
        for (const st of chain) {
          expect(ALL_PARTIES, t.code).toContain(st.party);
          expect(Number.isInteger(st.days) && st.days > 0, `${t.code} ${st.party}`).toBe(true);
        }
        // Every party of a default chain resolves with both sides known.
        expect(resolveSteps(chain, FROM, TO)).toHaveLength(chain.length);
      }
      for (const [name] of Object.entries(t.variants ?? {})) {
        for (const stage of STAGES) expect(chainOf(t, stage, { chains: { [t.code]: name } }).length).toBeGreaterThan(0);
      }
    }
  });

  it('only registrations are irreversible', () => {
    const irreversible = CHANGE_TYPES.filter((t) => !t.reversible).map((t) => t.code).sort();
    expect(irreversible).toEqual(['11', '14', '15']);
    for (const code of irreversible) expect(changeTypeOf(code).effect.kind).toBe('register');
  });

  it('labels of states and parties', () => {
    expect(OPEN_STATES).toEqual(['pending', 'returned']);
    expect(isOpen('pending')).toBe(true);
    expect(isOpen('returned')).toBe(true);
    expect(isOpen('approved')).toBe(false);
    for (const label of Object.values(STATE_LABELS)) expect(label).not.toBe('');
    for (const p of ALL_PARTIES) expect(PARTY_LABELS[p]).not.toBe('');
  });
});

describe('changeTypeOf', () => {
  it('finds a type by code', () => {
    expect(changeTypeOf('13').label).toBe('转入(省内)');
    expect(changeTypeOf('23').label).toBe('休学');
  });

  it('refuses unknown codes', () => {
    for (const code of ['99', '', undefined, null, 13]) {
      const e = errorOf(() => changeTypeOf(code));
      expect(e.code).toBe('CHANGE_TYPE_UNKNOWN');
    }
    expect(errorOf(() => changeTypeOf('99')).details?.types).toEqual(CHANGE_TYPES.map((t) => t.code));
  });
});

// ---------------------------------------------------------------- chains
describe('chainOf', () => {
  const transfer = changeTypeOf('13');

  it('13 defaults to Anhui: receiving county 15 → sending county 5', () => {
    expect(chainSummary(chainOf(transfer, 'junior'))).toEqual(['to-county:15', 'from-county:5']);
    expect(chainSummary(chainOf(transfer, 'senior', { chains: { '13': 'anhui' } }))).toEqual(['to-county:15', 'from-county:5']);
  });

  it('13 national variant: receiving county → sending school → sending county, 10 days each', () => {
    expect(chainSummary(chainOf(transfer, 'primary', { chains: { '13': 'national' } }))).toEqual([
      'to-county:10',
      'from-school:10',
      'from-county:10',
    ]);
  });

  it('an unknown variant name is a configuration error', () => {
    expect(errorOf(() => chainOf(transfer, 'junior', { chains: { '13': 'henan' } })).code).toBe('CHAIN_VARIANT_UNKNOWN');
    // A type without variants.
    expect(errorOf(() => chainOf(changeTypeOf('23'), 'junior', { chains: { '23': 'national' } })).code).toBe('CHAIN_VARIANT_UNKNOWN');
  });

  it('an explicit chain from the rules replaces the table chain', () => {
    const explicit: StepSpec[] = [{ party: 'from-county', days: 7 }, { party: 'from-city', days: 3 }];
    expect(chainOf(changeTypeOf('23'), 'junior', { chains: { '23': explicit } })).toEqual(explicit);
    // Other types are unaffected.
    expect(chainSummary(chainOf(changeTypeOf('28'), 'junior', { chains: { '23': explicit } }))).toEqual(['from-county:15']);
  });

  it('graduation and 结业: the county for compulsory education, the city for senior high', () => {
    for (const code of ['21', '22']) {
      const spec = changeTypeOf(code);
      expect(chainSummary(chainOf(spec, 'primary'))).toEqual(['from-county:15']);
      expect(chainSummary(chainOf(spec, 'junior'))).toEqual(['from-county:15']);
      expect(chainSummary(chainOf(spec, 'senior'))).toEqual(['from-city:15']);
    }
  });

  it('an explicit stage-dependent chain is split by stage too', () => {
    const rules: ChangeRules = {
      chains: { '21': { compulsory: [{ party: 'from-county', days: 5 }], senior: [{ party: 'province', days: 20 }] } },
    };
    expect(chainSummary(chainOf(changeTypeOf('21'), 'junior', rules))).toEqual(['from-county:5']);
    expect(chainSummary(chainOf(changeTypeOf('21'), 'senior', rules))).toEqual(['province:20']);
  });
});

describe('resolveParty / resolveSteps', () => {
  it('resolves each party to its level and the code of its side', () => {
    expect(resolveParty('from-school', FROM, TO)).toEqual({ level: 'school', code: '3434000001' });
    expect(resolveParty('to-school', FROM, TO)).toEqual({ level: 'school', code: '3434000002' });
    expect(resolveParty('from-county', FROM, TO)).toEqual({ level: 'county', code: '340102' });
    expect(resolveParty('to-county', FROM, TO)).toEqual({ level: 'county', code: '340202' });
    expect(resolveParty('from-city', FROM, TO)).toEqual({ level: 'city', code: '340100' });
    expect(resolveParty('to-city', FROM, TO)).toEqual({ level: 'city', code: '340200' });
    expect(resolveParty('province', FROM, TO)).toEqual({ level: 'province', code: '340000' });
  });

  it('refuses a party whose side or column is unknown', () => {
    expect(errorOf(() => resolveParty('to-county', FROM)).code).toBe('CHANGE_PARTY_UNKNOWN');
    expect(errorOf(() => resolveParty('to-county', FROM, null)).code).toBe('CHANGE_PARTY_UNKNOWN');
    expect(errorOf(() => resolveParty('from-city', { ...FROM, cityCode: null }, TO)).code).toBe('CHANGE_PARTY_UNKNOWN');
    expect(errorOf(() => resolveSteps(chainOf(changeTypeOf('13'), 'junior'), FROM)).code).toBe('CHANGE_PARTY_UNKNOWN');
  });

  it('Anhui transfer chain', () => {
    expect(resolveSteps(chainOf(changeTypeOf('13'), 'junior', { chains: { '13': 'anhui' } }), FROM, TO)).toEqual([
      { party: 'to-county', days: 15, level: 'county', code: '340202' },
      { party: 'from-county', days: 5, level: 'county', code: '340102' },
    ]);
  });

  it('national transfer chain', () => {
    expect(resolveSteps(chainOf(changeTypeOf('13'), 'junior', { chains: { '13': 'national' } }), FROM, TO)).toEqual([
      { party: 'to-county', days: 10, level: 'county', code: '340202' },
      { party: 'from-school', days: 10, level: 'school', code: '3434000001' },
      { party: 'from-county', days: 10, level: 'county', code: '340102' },
    ]);
  });

  it('senior graduation goes to the city of the school', () => {
    expect(resolveSteps(chainOf(changeTypeOf('21'), 'senior'), FROM)).toEqual([{ party: 'from-city', days: 15, level: 'city', code: '340100' }]);
  });
});

describe('startStep', () => {
  const steps = () => resolveSteps(chainOf(changeTypeOf('13'), 'junior'), FROM, TO);

  it('sets the due date of the reached step in working days, leaving the others', () => {
    const input = steps();
    const out = startStep(input, 0, '2026-09-30');
    // 15 working days across the 2026 National Day holiday (plain weekdays would give 10-21).
    expect(out[0]).toMatchObject({ due: '2026-10-27' });
    expect(out[0].dueEstimated).toBeUndefined();
    expect(out[1]).toEqual(input[1]);
    expect(out[1].due).toBeUndefined();
    // Pure: the input is not modified.
    expect(input[0].due).toBeUndefined();
  });

  it('uses the step’s own days', () => {
    expect(startStep(steps(), 1, '2026-09-30')[1].due).toBe('2026-10-13');
  });

  it('flags a due date beyond the calendar data and applies overrides', () => {
    const out = startStep(steps(), 1, '2026-12-31');
    expect(out[1]).toMatchObject({ due: '2027-01-07', dueEstimated: true });
    expect(startStep(steps(), 1, '2026-12-31', { extraHolidays: ['2027-01-01'] })[1].due).toBe('2027-01-08');
  });
});

// ---------------------------------------------------------------- preconditions
describe('checkPreconditions', () => {
  it('default rules', () => {
    expect(DEFAULT_RULES.graduatingFreezeFrom).toBe('07-01');
    expect(DEFAULT_RULES.schoolYearSwitch).toBe('08-01');
    expect(DEFAULT_RULES.transferSameGradeOnly).toBe(false);
  });

  describe('draft / registered', () => {
    it('registration only of a draft or returned record', () => {
      for (const code of ['11', '15', '14']) {
        expect(refusals(code, facts({ student: student({ registrationStatus: 'draft' }) }))).toEqual([]);
        expect(refusals(code, facts({ student: student({ registrationStatus: 'returned' }) }))).toEqual([]);
        expect(refusals(code, facts({ student: student({ registrationStatus: 'submitted' }) }))).toEqual(['STUDENT_ALREADY_REGISTERED']);
        expect(refusals(code, facts({ student: student({ registrationStatus: 'registered' }) }))).toEqual(['STUDENT_ALREADY_REGISTERED']);
      }
    });

    it('student changes need a registered record', () => {
      expect(refusals('28', facts())).toEqual([]);
      expect(refusals('28', facts({ student: student({ registrationStatus: 'draft' }) }))).toEqual(['STUDENT_NOT_REGISTERED']);
      expect(refusals('51', facts({ student: student({ registrationStatus: 'submitted' }) }))).toEqual(['STUDENT_NOT_REGISTERED']);
      expect(refusals('26', facts({ student: undefined }))).toEqual(['STUDENT_NOT_REGISTERED']);
    });
  });

  describe('inSchool / notSuspended', () => {
    it('refuses students who are not 在校', () => {
      for (const status of ['02', '03', '06', '09', '11', '12']) {
        expect(refusals('28', facts({ student: student({ enrollmentStatus: status }) })), status).toEqual(['STUDENT_NOT_IN_SCHOOL']);
      }
      expect(refusals('27', facts({ student: student({ enrollmentStatus: '11' }) }))).toEqual(['STUDENT_NOT_IN_SCHOOL']);
    });

    it('a suspended student cannot transfer (only that reason is given)', () => {
      const f = facts({ student: student({ enrollmentStatus: '02' }), target: { schoolCode: '3434000002' }, ownSchoolCode: '3434000001' });
      expect(refusals('13', f)).toEqual(['SUSPENDED_NO_TRANSFER']);
      const left = facts({ student: student({ enrollmentStatus: '12' }), target: { schoolCode: '3434000002' }, ownSchoolCode: '3434000001' });
      expect(refusals('13', left)).toEqual(['STUDENT_NOT_IN_SCHOOL']);
    });
  });

  describe('suspended / exited / graduated', () => {
    it('extension and resumption only for suspended students', () => {
      expect(refusals('25', facts({ student: student({ enrollmentStatus: '02' }) }))).toEqual([]);
      expect(refusals('25', facts())).toEqual(['STUDENT_NOT_SUSPENDED']);
      expect(refusals('12', facts({ student: student({ enrollmentStatus: '02' }) }))).toEqual([]);
      expect(refusals('12', facts())).toEqual(['STUDENT_NOT_SUSPENDED']);
    });

    it('restoration only for students who left (辍学, 退学, 其他离校)', () => {
      for (const status of ['03', '09', '12']) expect(refusals('52', facts({ student: student({ enrollmentStatus: status }) }))).toEqual([]);
      for (const status of ['01', '02', '06', '10', '11']) {
        expect(refusals('52', facts({ student: student({ enrollmentStatus: status }) })), status).toEqual(['STUDENT_NOT_EXITED']);
      }
    });

    it('graduation rollback only for graduates (毕业, 结业)', () => {
      const grad = (s: string) => facts({ student: student({ grade: 9, enrollmentStatus: s }) });
      expect(refusals('36', grad('06'))).toEqual([]);
      expect(refusals('36', grad('07'))).toEqual([]);
      expect(refusals('36', grad('01'))).toEqual(['STUDENT_NOT_GRADUATED']);
      expect(refusals('36', grad('09'))).toEqual(['STUDENT_NOT_GRADUATED']);
    });
  });

  describe('graduating grades', () => {
    it('no repeat or skip out of the graduating grade', () => {
      const g9 = facts({ student: student({ grade: 9 }) });
      expect(refusals('33', g9)).toEqual(['GRADUATING_GRADE']);
      expect(refusals('34', g9)).toEqual(['GRADUATING_GRADE']);
      // Grade 6 graduates from a primary school but not from a 九年一贯制 school.
      expect(refusals('34', facts({ student: student({ grade: 6, schoolCategory: '21' }) }))).toEqual(['GRADUATING_GRADE']);
      expect(refusals('34', facts({ student: student({ grade: 6, schoolingSystem: '9', schoolCategory: undefined }) }))).toEqual([]);
    });

    it('graduation only of the graduating grade, and not of an empty one', () => {
      const grade = (g: number, inSchool = 120) => facts({ student: undefined, grade: { grade: g, schoolingSystem: '6-3-3', schoolCategory: '31', inSchool } });
      for (const code of ['21', '22']) {
        expect(refusals(code, grade(9))).toEqual([]);
        expect(refusals(code, grade(8))).toEqual(['NOT_GRADUATING_GRADE']);
        expect(refusals(code, grade(9, 0))).toEqual(['GRADE_EMPTY']);
        expect(refusals(code, facts({ student: undefined }))).toEqual(['NOT_GRADUATING_GRADE', 'GRADE_EMPTY']);
      }
      const senior = facts({ student: undefined, grade: { grade: 12, schoolingSystem: '3+3', inSchool: 300 } });
      expect(refusals('21', senior)).toEqual([]);
    });
  });

  describe('batch transfer (35)', () => {
    const tp = (over: Partial<NonNullable<FilingFacts['grade']>> = {}, f: Partial<FilingFacts> = {}) =>
      facts({
        student: undefined,
        grade: { grade: 3, schoolingSystem: '6-3-3', schoolCategory: '21', schoolType: '218', inSchool: 8, ...over },
        target: { schoolCode: '3434000002' },
        ownSchoolCode: '3434000001',
        ...f,
      });

    it('accepts a teaching point’s grade into another school', () => {
      expect(refusals('35', tp())).toEqual([]);
    });

    it('refuses a school that is not a teaching point', () => {
      expect(refusals('35', tp({ schoolType: '211' }))).toEqual(['NOT_TEACHING_POINT']);
      expect(refusals('35', tp({ schoolType: undefined }))).toEqual(['NOT_TEACHING_POINT']);
    });

    it('refuses an empty grade and the own school as target', () => {
      expect(refusals('35', tp({ inSchool: 0 }))).toEqual(['GRADE_EMPTY']);
      expect(refusals('35', tp({}, { target: { schoolCode: '3434000001' } }))).toEqual(['TRANSFER_SAME_SCHOOL']);
    });
  });

  describe('transfer (13)', () => {
    const tr = (over: Partial<FilingFacts> = {}) =>
      facts({ target: { schoolCode: '3434000002', classGrade: 8, sameDistrict: false }, ownSchoolCode: '3434000001', ...over });

    it('accepts a valid transfer', () => {
      expect(refusals('13', tr())).toEqual([]);
    });

    it('refuses the own school', () => {
      expect(refusals('13', tr({ target: { schoolCode: '3434000001', classGrade: 8 } }))).toEqual(['TRANSFER_SAME_SCHOOL']);
    });

    it('compulsory education: no transfer inside one district; senior high may', () => {
      expect(refusals('13', tr({ target: { schoolCode: '3434000002', sameDistrict: true } }))).toEqual(['TRANSFER_SAME_DISTRICT']);
      expect(refusals('13', tr({ student: primaryStudent(), target: { schoolCode: '3434000002', sameDistrict: true } }))).toEqual([
        'TRANSFER_SAME_DISTRICT',
      ]);
      expect(refusals('13', tr({ student: seniorStudent(), target: { schoolCode: '3434000002', sameDistrict: true } }))).toEqual([]);
    });

    it('transferSameGradeOnly: the target class must be of the student’s grade', () => {
      const other = tr({ target: { schoolCode: '3434000002', classGrade: 7 } });
      expect(refusals('13', other)).toEqual([]);
      expect(refusals('13', other, { transferSameGradeOnly: true })).toEqual(['TRANSFER_GRADE_MISMATCH']);
      expect(refusals('13', tr(), { transferSameGradeOnly: true })).toEqual([]);
      expect(refusals('13', tr({ target: { schoolCode: '3434000002' } }), { transferSameGradeOnly: true })).toEqual([]);
    });
  });

  describe('suspension (23) and extension (25)', () => {
    const susp = (s: StudentFacts, months: unknown = 6) => facts({ student: s, payload: { months } });

    it('senior high: at most two suspensions; compulsory: no limit by default', () => {
      expect(refusals('23', susp(seniorStudent({ suspensions: 1 })))).toEqual([]);
      expect(refusals('23', susp(seniorStudent({ suspensions: 2 })))).toEqual(['SUSPENSION_LIMIT']);
      expect(refusals('23', susp(student({ suspensions: 5 })))).toEqual([]);
    });

    it('a province limit for compulsory education applies', () => {
      const rules: ChangeRules = { suspension: { maxMonths: 12, maxPerStage: { compulsory: 1, senior: 2 }, maxExtensions: 1 } };
      expect(refusals('23', susp(student({ suspensions: 0 })), rules)).toEqual([]);
      expect(refusals('23', susp(student({ suspensions: 1 })), rules)).toEqual(['SUSPENSION_LIMIT']);
    });

    it('at most 12 months', () => {
      expect(refusals('23', susp(student(), 12))).toEqual([]);
      expect(refusals('23', susp(student(), 13))).toEqual(['SUSPENSION_TOO_LONG']);
    });

    it('one extension per suspension, at most 12 months', () => {
      const s = (extensions: number) => student({ enrollmentStatus: '02', extensions });
      expect(refusals('25', susp(s(0)))).toEqual([]);
      expect(refusals('25', susp(s(1)))).toEqual(['EXTENSION_LIMIT']);
      expect(refusals('25', susp(s(0), 18))).toEqual(['SUSPENSION_TOO_LONG']);
      const two: ChangeRules = { suspension: { maxMonths: 12, maxPerStage: { compulsory: null, senior: 2 }, maxExtensions: 2 } };
      expect(refusals('25', susp(s(1)), two)).toEqual([]);
    });
  });

  describe('resumption (12)', () => {
    const res = (s: Partial<StudentFacts>, classGrade?: number) =>
      facts({ student: student({ enrollmentStatus: '02', ...s }), target: classGrade === undefined ? undefined : { schoolCode: '3434000001', classGrade } });

    it('back into the grade at suspension', () => {
      expect(refusals('12', res({ grade: 8, suspendedGrade: 7 }, 7))).toEqual([]);
      expect(refusals('12', res({ grade: 8, suspendedGrade: 7 }, 8))).toEqual(['RESUME_GRADE_MISMATCH']);
    });

    it('without a recorded grade at suspension, the student’s grade', () => {
      expect(refusals('12', res({ grade: 8, suspendedGrade: null }, 8))).toEqual([]);
      expect(refusals('12', res({ grade: 8 }, 9))).toEqual(['RESUME_GRADE_MISMATCH']);
    });

    it('no class chosen yet: nothing to check', () => {
      expect(refusals('12', res({ grade: 8, suspendedGrade: 7 }))).toEqual([]);
    });
  });

  describe('repeat (33)', () => {
    const rep = (over: Partial<FilingFacts> = {}) =>
      facts({ target: { schoolCode: '3434000001', classGrade: 7 }, repeats: { inClass: 0, inSchool: 0, schoolSize: 1000 }, ...over });

    it('accepts a repeat into the grade below', () => {
      expect(refusals('33', rep())).toEqual([]);
    });

    it('refuses a class of another grade', () => {
      expect(refusals('33', rep({ target: { schoolCode: '3434000001', classGrade: 8 } }))).toEqual(['REPEAT_GRADE_MISMATCH']);
    });

    it('at most one per class a year', () => {
      expect(refusals('33', rep({ repeats: { inClass: 1, inSchool: 1, schoolSize: 1000 } }))).toEqual(['REPEAT_CLASS_LIMIT']);
      expect(refusals('33', rep({ repeats: { inClass: 1, inSchool: 1, schoolSize: 1000 } }), { repeat: { perClassPerYear: 2, schoolPercentPerYear: 1, primaryOnce: true } })).toEqual([]);
    });

    it('at most 1 % of the school a year (at least one in a small school)', () => {
      expect(refusals('33', rep({ repeats: { inClass: 0, inSchool: 9, schoolSize: 1000 } }))).toEqual([]);
      expect(refusals('33', rep({ repeats: { inClass: 0, inSchool: 10, schoolSize: 1000 } }))).toEqual(['REPEAT_SCHOOL_LIMIT']);
      expect(refusals('33', rep({ repeats: { inClass: 0, inSchool: 0, schoolSize: 50 } }))).toEqual([]);
      expect(refusals('33', rep({ repeats: { inClass: 0, inSchool: 1, schoolSize: 50 } }))).toEqual(['REPEAT_SCHOOL_LIMIT']);
    });

    it('at most once in primary school', () => {
      const p = (primaryRepeats: number) => rep({ student: primaryStudent({ primaryRepeats }), target: { schoolCode: '3434000001', classGrade: 3 } });
      expect(refusals('33', p(0))).toEqual([]);
      expect(refusals('33', p(1))).toEqual(['REPEAT_PRIMARY_ONCE']);
      expect(refusals('33', p(1), { repeat: { perClassPerYear: 1, schoolPercentPerYear: 1, primaryOnce: false } })).toEqual([]);
      // A repeat in primary does not count against junior school.
      expect(refusals('33', rep({ student: student({ primaryRepeats: 1 }) }))).toEqual([]);
    });

    it('reports every failed precondition in table order', () => {
      const f = facts({ student: student({ grade: 9, enrollmentStatus: '02' }), target: { schoolCode: '3434000001', classGrade: 9 }, repeats: { inClass: 1, inSchool: 50, schoolSize: 1000 } });
      expect(refusals('33', f)).toEqual(['STUDENT_NOT_IN_SCHOOL', 'GRADUATING_GRADE', 'REPEAT_GRADE_MISMATCH', 'REPEAT_CLASS_LIMIT', 'REPEAT_SCHOOL_LIMIT']);
    });
  });

  describe('skip (34)', () => {
    it('one grade up only', () => {
      const sk = (classGrade: number) => facts({ student: student({ grade: 7 }), target: { schoolCode: '3434000001', classGrade } });
      expect(refusals('34', sk(8))).toEqual([]);
      expect(refusals('34', sk(9))).toEqual(['SKIP_GRADE_MISMATCH']);
      expect(refusals('34', sk(7))).toEqual(['SKIP_GRADE_MISMATCH']);
    });
  });

  describe('withdrawal (24)', () => {
    it('compulsory education: only on loss of the ability to study', () => {
      expect(refusals('24', facts({ payload: { cause: 'incapacity' } }))).toEqual([]);
      expect(refusals('24', facts({ payload: { cause: 'other' } }))).toEqual(['WITHDRAWAL_COMPULSORY']);
      expect(refusals('24', facts())).toEqual(['WITHDRAWAL_COMPULSORY']);
      expect(refusals('24', facts({ student: primaryStudent(), payload: { cause: 'other' } }))).toEqual(['WITHDRAWAL_COMPULSORY']);
    });

    it('senior high: any cause', () => {
      expect(refusals('24', facts({ student: seniorStudent(), payload: { cause: 'other' } }))).toEqual([]);
      expect(refusals('24', facts({ student: seniorStudent() }))).toEqual([]);
    });
  });

  describe('graduating-grade freeze (07-01 until 08-01)', () => {
    const g9 = (today: string) => facts({ today, student: student({ grade: 9 }) });

    it('freezes student changes of graduating grades inside the window', () => {
      expect(refusals('28', g9('2026-06-30'))).toEqual([]);
      expect(refusals('28', g9('2026-07-01'))).toEqual(['GRADUATING_FROZEN']);
      expect(refusals('28', g9('2026-07-31'))).toEqual(['GRADUATING_FROZEN']);
      expect(refusals('28', g9('2026-08-01'))).toEqual([]);
      expect(refusals('51', g9('2026-07-15'))).toEqual(['GRADUATING_FROZEN']);
      const transfer = facts({ today: '2026-07-15', student: seniorStudent({ grade: 12 }), target: { schoolCode: '3434000002' }, ownSchoolCode: '3434000001' });
      expect(refusals('13', transfer)).toEqual(['GRADUATING_FROZEN']);
    });

    it('other grades are not frozen', () => {
      expect(refusals('28', facts({ today: '2026-07-15' }))).toEqual([]);
      expect(refusals('28', facts({ today: '2026-07-15', student: student({ grade: 6, schoolingSystem: '9', schoolCategory: undefined }) }))).toEqual([]);
    });

    it('graduation itself and draft records are not frozen', () => {
      const grade = facts({ today: '2026-07-15', student: undefined, grade: { grade: 9, schoolingSystem: '6-3-3', schoolCategory: '31', inSchool: 100 } });
      expect(refusals('21', grade)).toEqual([]);
      expect(refusals('22', grade)).toEqual([]);
      expect(refusals('15', facts({ today: '2026-07-15', student: student({ grade: 9, registrationStatus: 'draft' }) }))).toEqual([]);
    });

    it('configurable: off, another start, another switch day', () => {
      expect(refusals('28', g9('2026-07-15'), { graduatingFreezeFrom: null })).toEqual([]);
      expect(refusals('28', g9('2026-06-15'), { graduatingFreezeFrom: '06-01' })).toEqual(['GRADUATING_FROZEN']);
      expect(refusals('28', g9('2026-08-15'), { schoolYearSwitch: '09-01' })).toEqual(['GRADUATING_FROZEN']);
      expect(refusals('28', g9('2026-09-01'), { schoolYearSwitch: '09-01' })).toEqual([]);
    });
  });
});

// ---------------------------------------------------------------- payload and proofs
describe('checkPayload', () => {
  const codesOf = (code: string, payload: Record<string, unknown> | undefined, stage: Stage = 'junior') =>
    checkPayload(changeTypeOf(code), payload, stage).map((e) => `${e.code}:${e.details?.key}`);

  it('types without payload accept anything', () => {
    expect(codesOf('28', undefined)).toEqual([]);
  });

  it('required fields', () => {
    expect(codesOf('14', undefined)).toEqual(['PAYLOAD_REQUIRED:fromProvince', 'PAYLOAD_REQUIRED:fromSchoolName']);
    expect(codesOf('14', { fromProvince: '', fromSchoolName: null })).toEqual(['PAYLOAD_REQUIRED:fromProvince', 'PAYLOAD_REQUIRED:fromSchoolName']);
    expect(codesOf('14', { fromProvince: '江苏省', fromSchoolName: '南京市某小学' })).toEqual([]);
  });

  it('text fields: a string of at most 200 characters', () => {
    expect(codesOf('14', { fromProvince: '江苏省', fromSchoolName: 'x'.repeat(201) })).toEqual(['PAYLOAD_INVALID:fromSchoolName']);
    expect(codesOf('14', { fromProvince: 32, fromSchoolName: '某校' })).toEqual(['PAYLOAD_INVALID:fromProvince']);
  });

  it('date fields', () => {
    expect(codesOf('27', { destination: '江苏省南京市某中学', leaveDate: '2026-03-10' })).toEqual([]);
    expect(codesOf('27', { destination: '江苏省南京市某中学', leaveDate: '2026-02-30' })).toEqual(['PAYLOAD_INVALID:leaveDate']);
    expect(codesOf('27', { destination: '江苏省南京市某中学', leaveDate: 20260310 })).toEqual(['PAYLOAD_INVALID:leaveDate']);
  });

  it('months: an integer 1–36', () => {
    expect(codesOf('23', { months: 6 })).toEqual([]);
    for (const months of [0, 37, 1.5, '6']) expect(codesOf('23', { months }), String(months)).toEqual(['PAYLOAD_INVALID:months']);
    expect(codesOf('23', {})).toEqual(['PAYLOAD_REQUIRED:months']);
  });

  it('code fields; required only in compulsory education', () => {
    expect(codesOf('24', { cause: 'incapacity' })).toEqual([]);
    expect(codesOf('24', { cause: 'bored' })).toEqual(['PAYLOAD_INVALID:cause']);
    expect(codesOf('24', {}, 'primary')).toEqual(['PAYLOAD_REQUIRED:cause']);
    expect(codesOf('24', {}, 'junior')).toEqual(['PAYLOAD_REQUIRED:cause']);
    expect(codesOf('24', {}, 'senior')).toEqual([]);
    expect(codesOf('24', { cause: 'bored' }, 'senior')).toEqual(['PAYLOAD_INVALID:cause']);
  });

  it('names the field', () => {
    const [e] = checkPayload(changeTypeOf('23'), {}, 'junior');
    expect(e.field).toBe('休学期限（月）');
    expect(e.message).toContain('休学期限（月）');
  });
});

describe('proofsRequired', () => {
  it('always, only in compulsory education, or never', () => {
    for (const stage of STAGES) {
      expect(proofsRequired(changeTypeOf('13'), stage)).toBe(true);
      expect(proofsRequired(changeTypeOf('23'), stage)).toBe(true);
      expect(proofsRequired(changeTypeOf('28'), stage)).toBe(false);
    }
    expect(proofsRequired(changeTypeOf('24'), 'primary')).toBe(true);
    expect(proofsRequired(changeTypeOf('24'), 'junior')).toBe(true);
    expect(proofsRequired(changeTypeOf('24'), 'senior')).toBe(false);
  });
});

// ---------------------------------------------------------------- workflow
const FILER_SCHOOL = TO.schoolCode!; // a transfer is filed by the receiving school
const request = (over: Partial<RequestView> = {}): RequestView => ({
  state: 'pending',
  currentStep: 0,
  steps: resolveSteps(chainOf(changeTypeOf('13'), 'junior'), FROM, TO),
  filerId: 1,
  filerLevel: 'school',
  filerCode: FILER_SCHOOL,
  ...over,
});
const decided = (steps: ResolvedStep[], i: number, decision: ResolvedStep['decision'], deciderId: number) =>
  steps.map((s, j) => (j === i ? { ...s, decision, deciderId, decidedAt: '2026-03-11T02:00:00.000Z' } : s));

const toCounty = { id: 2, level: 'county', code: TO.countyCode! };
const fromCounty = { id: 3, level: 'county', code: FROM.countyCode! };
const filer = { id: 1, level: 'school', code: FILER_SCHOOL };
const filerColleague = { id: 5, level: 'school', code: FILER_SCHOOL };
const otherSchool = { id: 6, level: 'school', code: FROM.schoolCode! };

describe('checkDecider', () => {
  it('the unit of the current step may decide', () => {
    expect(checkDecider(request(), toCounty)).toBeNull();
    const second = request({ currentStep: 1, steps: decided(request().steps, 0, 'approve', 2) });
    expect(checkDecider(second, fromCounty)).toBeNull();
  });

  it('refuses a request that is not pending', () => {
    for (const state of ['returned', 'approved', 'rejected', 'cancelled', 'reversed'] as const) {
      expect(checkDecider(request({ state }), toCounty)?.code, state).toBe('CHANGE_NOT_PENDING');
    }
  });

  it('refuses another unit', () => {
    expect(checkDecider(request(), fromCounty)?.code).toBe('CHANGE_NOT_YOUR_STEP');
    expect(checkDecider(request(), { id: 7, level: 'city', code: TO.countyCode! })?.code).toBe('CHANGE_NOT_YOUR_STEP');
    expect(checkDecider(request(), filerColleague)?.code).toBe('CHANGE_NOT_YOUR_STEP');
    expect(checkDecider(request({ currentStep: 5 }), toCounty)?.code).toBe('CHANGE_NOT_YOUR_STEP');
  });

  it('refuses the filer deciding their own request', () => {
    expect(checkDecider(request({ filerId: 2 }), toCounty)?.code).toBe('CHANGE_SELF_APPROVAL');
  });

  it('refuses one person approving two steps', () => {
    const twice = resolveSteps([{ party: 'from-county', days: 15 }, { party: 'from-county', days: 5 }], FROM, TO);
    const req = request({ currentStep: 1, steps: decided(twice, 0, 'approve', 3) });
    expect(checkDecider(req, fromCounty)?.code).toBe('CHANGE_TWO_STEPS');
    expect(checkDecider(req, { ...fromCounty, id: 4 })).toBeNull();
    // Only an approval counts: having returned the request at another step does not bar a person.
    const returnedBefore = request({ currentStep: 1, steps: decided(twice, 0, 'return', 3) });
    expect(checkDecider(returnedBefore, fromCounty)).toBeNull();
  });
});

describe('checkDecision', () => {
  it('approve needs no comment', () => {
    expect(checkDecision('approve', undefined)).toBe('approve');
    expect(checkDecision('approve', '')).toBe('approve');
  });

  it('reject and return need a comment', () => {
    for (const d of ['reject', 'return']) {
      expect(errorOf(() => checkDecision(d, undefined)).code).toBe('COMMENT_REQUIRED');
      expect(errorOf(() => checkDecision(d, '   ')).code).toBe('COMMENT_REQUIRED');
      expect(checkDecision(d, '证明材料不全')).toBe(d);
    }
  });

  it('refuses unknown decisions and bad comments', () => {
    for (const d of ['yes', '', undefined, 1, 'APPROVE']) expect(errorOf(() => checkDecision(d, 'x')).code).toBe('DECISION_INVALID');
    expect(errorOf(() => checkDecision('approve', 42)).code).toBe('COMMENT_INVALID');
    expect(errorOf(() => checkDecision('reject', 'x'.repeat(2001))).code).toBe('COMMENT_INVALID');
    expect(checkDecision('reject', 'x'.repeat(2000))).toBe('reject');
  });
});

describe('afterDecision', () => {
  it('approve moves to the next step, and the last approval completes', () => {
    expect(afterDecision(request(), 'approve')).toEqual({ state: 'pending', currentStep: 1, completed: false });
    expect(afterDecision(request({ currentStep: 1 }), 'approve')).toEqual({ state: 'approved', currentStep: 1, completed: true });
  });

  it('reject and return stop at the current step', () => {
    expect(afterDecision(request({ currentStep: 1 }), 'reject')).toEqual({ state: 'rejected', currentStep: 1, completed: false });
    expect(afterDecision(request(), 'return')).toEqual({ state: 'returned', currentStep: 0, completed: false });
  });
});

describe('checkWithdraw', () => {
  it('the filer side may withdraw until the first decision', () => {
    expect(checkWithdraw(request(), filer)).toBeNull();
    expect(checkWithdraw(request(), filerColleague)).toBeNull();
    const after = request({ currentStep: 1, steps: decided(request().steps, 0, 'approve', 2) });
    expect(checkWithdraw(after, filer)?.code).toBe('CHANGE_ALREADY_DECIDED');
  });

  it('another unit may not', () => {
    expect(checkWithdraw(request(), otherSchool)?.code).toBe('CHANGE_NOT_FILER');
    expect(checkWithdraw(request(), toCounty)?.code).toBe('CHANGE_NOT_FILER');
  });

  it('while returned the filer side may withdraw', () => {
    const returned = request({ state: 'returned', currentStep: 1, steps: decided(decided(request().steps, 0, 'approve', 2), 1, 'return', 3) });
    expect(checkWithdraw(returned, filer)).toBeNull();
  });

  it('closed requests cannot be withdrawn', () => {
    for (const state of ['approved', 'rejected', 'cancelled', 'reversed'] as const) {
      expect(checkWithdraw(request({ state }), filer)?.code, state).toBe('CHANGE_NOT_PENDING');
    }
  });
});

describe('checkResubmit', () => {
  it('only a returned request, by the filer side', () => {
    expect(checkResubmit(request({ state: 'returned' }), filer)).toBeNull();
    expect(checkResubmit(request({ state: 'returned' }), filerColleague)).toBeNull();
    expect(checkResubmit(request({ state: 'returned' }), otherSchool)?.code).toBe('CHANGE_NOT_FILER');
    for (const state of ['pending', 'approved', 'rejected', 'cancelled'] as const) {
      expect(checkResubmit(request({ state }), filer)?.code, state).toBe('CHANGE_NOT_RETURNED');
    }
  });
});

describe('checkReverse', () => {
  const done = (over: Partial<RequestView> = {}) => ({ ...request({ state: 'approved', currentStep: 1, ...over }), from: FROM, to: TO });

  it('the county of either side reverses a completed change', () => {
    expect(checkReverse(changeTypeOf('13'), done(), fromCounty)).toBeNull();
    expect(checkReverse(changeTypeOf('13'), done(), toCounty)).toBeNull();
    expect(checkReverse(changeTypeOf('28'), { ...done(), to: null }, fromCounty)).toBeNull();
  });

  it('only a county of the request', () => {
    expect(checkReverse(changeTypeOf('13'), done(), { id: 9, level: 'county', code: '340999' })?.code).toBe('REVERSE_COUNTY_ONLY');
    expect(checkReverse(changeTypeOf('13'), done(), { id: 9, level: 'city', code: FROM.countyCode! })?.code).toBe('REVERSE_COUNTY_ONLY');
    expect(checkReverse(changeTypeOf('13'), done(), { id: 9, level: 'province', code: FROM.provinceCode! })?.code).toBe('REVERSE_COUNTY_ONLY');
    expect(checkReverse(changeTypeOf('13'), done(), filer)?.code).toBe('REVERSE_COUNTY_ONLY');
    expect(checkReverse(changeTypeOf('28'), { ...done(), to: null }, toCounty)?.code).toBe('REVERSE_COUNTY_ONLY');
  });

  it('only an approved change', () => {
    for (const state of ['pending', 'returned', 'rejected', 'cancelled', 'reversed'] as const) {
      expect(checkReverse(changeTypeOf('13'), done({ state }), fromCounty)?.code, state).toBe('CHANGE_NOT_APPROVED');
    }
  });

  it('registrations cannot be reversed', () => {
    for (const code of ['11', '14', '15']) {
      expect(checkReverse(changeTypeOf(code), { ...done(), to: null }, fromCounty)?.code, code).toBe('CHANGE_NOT_REVERSIBLE');
    }
  });
});

describe('fixes found by review of the rules', () => {
  it('a partial nested setting overrides one number and keeps the other defaults', () => {
    const repeat = facts({ student: primaryStudent({ primaryRepeats: 1 }), target: { schoolCode: FROM.schoolCode!, classGrade: 3 } });
    expect(refusals('33', repeat, { repeat: { perClassPerYear: 2 } })).toContain('REPEAT_PRIMARY_ONCE');
    const suspension = facts({ student: seniorStudent({ suspensions: 2 }), payload: { months: 13 } });
    const codes = checkPreconditions(changeTypeOf('23'), suspension, { suspension: { maxExtensions: 2 } });
    expect(codes.map((e) => e.code)).toEqual(['SUSPENSION_LIMIT', 'SUSPENSION_TOO_LONG']);
    expect(codes[1].message).toContain('12 个月');
  });

  it('the freeze concerns students still on the roll; graduates and a death are not frozen; the message reads 7月1日', () => {
    const graduate = facts({ today: '2026-07-10', student: student({ grade: 9, enrollmentStatus: '06' }) });
    expect(refusals('36', graduate)).toEqual([]);
    const death = facts({ today: '2026-07-10', student: student({ grade: 9 }) });
    expect(refusals('26', death)).toEqual([]);
    const frozen = checkPreconditions(changeTypeOf('28'), death);
    expect(frozen.map((e) => e.code)).toEqual(['GRADUATING_FROZEN']);
    expect(frozen[0].message).toMatch(/^7月1日起/);
  });

  it('a first-grade student cannot repeat; an invalid date is a domain error', () => {
    expect(refusals('33', facts({ student: primaryStudent({ grade: 1 }) }))).toContain('REPEAT_FIRST_GRADE');
    expect(errorOf(() => checkPreconditions(changeTypeOf('28'), facts({ today: '2026-13-40', student: student({ grade: 9 }) })))?.code).toBe('DATE_INVALID');
  });
});

describe('transfer windows (A §15, when configured)', () => {
  const windows: Array<[string, string]> = [['08-15', '09-30'], ['12-20', '03-10']];
  const t = (today: string, payload?: Record<string, unknown>) => facts({ today, payload, target: { schoolCode: TO.schoolCode!, classGrade: 8 } });
  it('inside a window (also one that spans the new year) any transfer; outside only for hardship', () => {
    expect(refusals('13', t('2026-09-01'), { transferWindows: windows })).toEqual([]);
    expect(refusals('13', t('2027-01-05'), { transferWindows: windows })).toEqual([]);
    expect(refusals('13', t('2026-11-02'), { transferWindows: windows })).toEqual(['TRANSFER_OUT_OF_WINDOW']);
    expect(refusals('13', t('2026-11-02', { hardship: true }), { transferWindows: windows })).toEqual([]);
    expect(refusals('13', t('2026-11-02'))).toEqual([]);
  });
});

describe('suspensionEnd', () => {
  it('the latest 休学 plus its months and the extensions after it; month ends clamp', () => {
    expect(suspensionEnd([])).toBeNull();
    expect(suspensionEnd([{ type: '23', on: '2026-03-10', months: 12 }])).toBe('2027-03-10');
    expect(suspensionEnd([{ type: '25', on: '2027-02-01', months: 6 }, { type: '23', on: '2026-03-10', months: 12 }])).toBe('2027-09-10');
    expect(suspensionEnd([{ type: '23', on: '2025-01-01', months: 12 }, { type: '25', on: '2025-06-01', months: 12 }, { type: '23', on: '2027-08-31', months: 6 }])).toBe('2028-02-29');
  });
});
