/**
 * What Strapi rebuilds from the database on every admin request, kept between requests: a user's
 * CASL ability (its roles' permissions read and every condition handler run — a quarter of a
 * staff list request's CPU, almost half of a super admin's) and a user's staff scope (one query).
 *
 * Both depend only on the permissions of the user's roles (the roles are part of the key, read
 * fresh by Strapi on each request together with the session and `isActive`), the roles themselves
 * and the staff-scope rows. Any write to those through the database layer empties the cache at
 * once, and once more just after — a write inside a transaction is read by others only after its
 * commit. An entry lives at most `ttlMs` (config `xueji.accessCache.ttlMs`, env
 * XUEJI_ACCESS_CACHE_TTL_MS, default 10 s; 0 switches the cache off), so a change made by another
 * instance or by plain SQL applies within that time.
 */
import type { Core } from '@strapi/strapi';

/** Whatever can change an ability, a scope or a cached setting (the core store: list layouts). */
const SOURCES = ['admin::permission', 'admin::role', 'admin::user', 'api::staff-scope.staff-scope', 'strapi::core-store'];
const DEFAULT_TTL_MS = 10_000;
const MAX_ENTRIES = 10_000;
/** The second emptying after a write: past the commit of the transaction it ran in. */
const AFTER_COMMIT_MS = 1_000;

interface Entry<T> { value: Promise<T>; at: number; generation: number }

let generation = 0;
let ttlMs = 0; // off until installed
const caches: Array<Map<string, Entry<unknown>>> = [];

export function invalidateAccessCache(): void {
  generation += 1;
  for (const c of caches) c.clear();
}

/** A cache of values computed per key; a failed computation is not kept. */
export function accessCache<T>() {
  const map = new Map<string, Entry<T>>();
  caches.push(map as Map<string, Entry<unknown>>);
  return (key: string, compute: () => Promise<T>): Promise<T> => {
    if (ttlMs <= 0) return compute();
    const now = Date.now();
    const hit = map.get(key);
    if (hit && hit.generation === generation && now - hit.at < ttlMs) return hit.value;
    const entry: Entry<T> = { value: compute(), at: now, generation };
    if (map.size >= MAX_ENTRIES) map.delete(map.keys().next().value as string); // the oldest
    map.set(key, entry);
    entry.value.catch(() => { if (map.get(key) === entry) map.delete(key); });
    return entry.value;
  };
}

const abilities = accessCache<unknown>();

/** The key of a user's ability: the user and its roles as read for this request. */
const abilityKey = (user: any) => `${user.id}|${(user.roles ?? []).map((r: any) => r.id).sort((a: number, b: number) => a - b).join(',')}`;

export function installAccessCache(strapi: Core.Strapi): void {
  const configured = (strapi.config.get('xueji') as any)?.accessCache?.ttlMs;
  ttlMs = configured === undefined || configured === null ? DEFAULT_TTL_MS : Number(configured);
  const engine = (strapi.admin as any).services.permission.engine;
  const generate = engine.generateUserAbility.bind(engine);
  engine.generateUserAbility = (user: any) => abilities(abilityKey(user), () => generate(user));
  let pending: NodeJS.Timeout | null = null;
  strapi.db.lifecycles.subscribe((event: any) => {
    if (!SOURCES.includes(event.model?.uid) || !/^after(Create|Update|Delete)/.test(event.action)) return;
    invalidateAccessCache();
    if (pending) clearTimeout(pending);
    pending = setTimeout(() => { pending = null; invalidateAccessCache(); }, AFTER_COMMIT_MS);
    pending.unref();
  });
}
