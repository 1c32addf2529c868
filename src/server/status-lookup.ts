/**
 * 学籍状态查询 (POST /api/public/student-status): a parent gives the child's name and ID number
 * and learns school, grade, class and 在校/休学/毕业 only. Rate-limited per client address
 * (`statusLookup.perMinute`, 429 RATE_LIMITED with Retry-After); every look-up is audited with
 * a keyed hash of the ID number, never the number in clear.
 */
import { createHmac } from 'crypto';
import type { Core } from '@strapi/strapi';
import { DomainError } from '../domain/errors';
import { LOOKUP_STATUSES, NOT_FOUND_MESSAGE, parseLookup, RateLimiter } from '../domain/status-lookup';
import { gradeLabel } from '../domain/grades';
import { maskName } from '../domain/masking';
import { writeAudit } from './audit';

export const STATUS_LOOKUP_CODES: Record<string, number> = { STATUS_NOT_FOUND: 404, RATE_LIMITED: 429 };

const g = globalThis as any;

function limiter(strapi: Core.Strapi): RateLimiter {
  const per = Number((strapi.config.get('xueji') as any)?.statusLookup?.perMinute ?? 10);
  if (!g.__xuejiLookupLimiter || g.__xuejiLookupLimiter.per !== per) g.__xuejiLookupLimiter = { per, rl: new RateLimiter(per) };
  return g.__xuejiLookupLimiter.rl;
}

/** Resets the limiter (tests). */
export const resetLookupLimiter = () => { g.__xuejiLookupLimiter = undefined; };

const idHash = (strapi: Core.Strapi, id: string) =>
  createHmac('sha256', String(strapi.config.get('admin.auth.secret') ?? 'xueji')).update(id).digest('hex').slice(0, 24);

export async function lookUpStatus(strapi: Core.Strapi, ctx: any) {
  const client = String(ctx.request.ip ?? 'unknown');
  const wait = limiter(strapi).hit(client);
  if (wait) {
    ctx.set('Retry-After', String(wait));
    throw new DomainError('RATE_LIMITED', `查询过于频繁，请 ${wait} 秒后再试`, undefined, { retryAfter: wait });
  }
  const { name, idNumber } = parseLookup(ctx.request.body);
  const s: any = await strapi.db.query('api::student.student').findOne({
    where: { identityKey: `P:${idNumber}`, name, registrationStatus: 'registered' },
    select: ['grade', 'enrollmentStatus', 'schoolCode', 'countyCode', 'cityCode', 'provinceCode'],
    populate: { school: { select: ['name', 'schoolingSystem'] }, schoolClass: { select: ['name'] } },
  });
  const status = s ? LOOKUP_STATUSES[s.enrollmentStatus] : undefined;
  await writeAudit(strapi, {
    action: 'status.lookup', subjectType: 'api::student.student',
    changes: { idHash: idHash(strapi, idNumber), name: maskName(name), found: Boolean(status) },
    scope: status ? s : null,
    actor: { kind: 'public', name: '公众查询', ip: client },
  });
  if (!status) throw new DomainError('STATUS_NOT_FOUND', NOT_FOUND_MESSAGE);
  return {
    school: s.school?.name ?? null,
    grade: gradeLabel(Number(s.grade), s.school?.schoolingSystem ?? undefined),
    class: s.schoolClass?.name ?? null,
    status,
  };
}
