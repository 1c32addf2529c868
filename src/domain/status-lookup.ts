/**
 * 学籍状态查询 for parents (pure parts): input checks, the sliding-window rate limit per client,
 * and the answer — school, grade, class and 在校/休学/毕业, nothing else. A wrong name/ID pair,
 * an unknown ID and a record in any other state answer exactly alike.
 */
import { DomainError } from './errors';
import { normalizeIdNumber } from './id-card';

export const LOOKUP_STATUSES: Record<string, string> = { '01': '在校', '02': '休学', '06': '毕业' };

export const NOT_FOUND_MESSAGE = '没有找到与该姓名和身份证件号相符的学籍，请核对后重试';

export function parseLookup(body: unknown): { name: string; idNumber: string } {
  const b = (body && typeof body === 'object' && !Array.isArray(body) ? body : {}) as Record<string, unknown>;
  const name = typeof b.name === 'string' ? b.name.trim() : '';
  const idNumber = typeof b.idNumber === 'string' ? normalizeIdNumber(b.idNumber) : '';
  if (!name || name.length > 50) throw new DomainError('LOOKUP_INVALID', '姓名：请填写学生姓名（不超过 50 个字）', '姓名');
  if (!/^[0-9A-Z]{6,30}$/.test(idNumber)) throw new DomainError('LOOKUP_INVALID', '身份证件号：请填写学生的身份证件号', '身份证件号');
  return { name, idNumber };
}

/** A per-client sliding window: `hit` answers how many seconds to wait, or 0 when allowed. */
export class RateLimiter {
  private readonly hits = new Map<string, number[]>();
  constructor(private readonly perWindow: number, private readonly windowMs = 60_000) {}

  hit(client: string, now = Date.now()): number {
    const from = now - this.windowMs;
    const list = (this.hits.get(client) ?? []).filter((t) => t > from);
    if (list.length >= this.perWindow) {
      this.hits.set(client, list);
      return Math.max(1, Math.ceil((list[0] + this.windowMs - now) / 1000));
    }
    list.push(now);
    this.hits.set(client, list);
    if (this.hits.size > 50_000) for (const [k, v] of this.hits) if (!v.some((t) => t > from)) this.hits.delete(k);
    return 0;
  }
}
