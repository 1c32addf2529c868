/** Shared request bodies for API tests. */
import { makeIdNumber } from '../../src/domain/id-card';

let nextSeq = 101;

export const badCheck = (id: string) => id.slice(0, 17) + (id[17] === '0' ? '1' : '0');
export const BAD_ID = badCheck(makeIdNumber('340111', '20180101', 7));
/** A valid new grade-1 student body for class `cls` (admin Content Manager shape). */
export function newStudent(cls: { documentId: string }, over: Record<string, unknown> = {}) {
  const year = new Date().getFullYear() - (new Date().getMonth() < 7 ? 1 : 0);
  const birth = `${year - 7}-10-12`;
  // Region 340111 is outside the demo counties, so no seeded student shares these numbers.
  const idNumber = (over.idNumber as string) ?? makeIdNumber('340111', birth.replace(/-/g, ''), (nextSeq += 2));
  return {
    name: '测试学生', gender: '1', birthDate: birth, birthPlace: '340104000000', nativePlace: '340104000000',
    ethnicity: '01', nationality: '156', idType: '1', idNumber, hmtStatus: '00', health: '1',
    hukouRegion: '340104000000', hukouType: '2', grade: 1, entryYearMonth: `${year}09`, entryMethod: '11',
    studyMode: '1', currentAddress: '合肥市蜀山区长江西路1号', mailingAddress: '合肥市蜀山区长江西路1号',
    homeAddress: '合肥市蜀山区长江西路1号', phone: '13800000000', postcode: '230031', onlyChild: '1', preschooled: '1',
    schoolClass: { connect: [{ documentId: cls.documentId }] },
    family: [
      { name: '测试父亲', relation: '1', isGuardian: '1', idType: '1', idNumber: makeIdNumber('340104', '19880101', 131) },
      { name: '测试母亲', relation: '2', isGuardian: '1', idType: '1', idNumber: makeIdNumber('340104', '19890202', 142) },
    ],
    ...over,
  };
}

