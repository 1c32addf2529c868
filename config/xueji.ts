/**
 * Provincial rules as configuration (SPEC §8). Defaults are Anhui's (seeds/000, 002);
 * another province overrides them here or through the environment, never in code.
 */
export default ({ env }: { env: any }) => ({
  province: env('XUEJI_PROVINCE_CODE', '340000'),
  classCaps: {
    primary: env.int('XUEJI_CAP_PRIMARY', 56),
    junior: env.int('XUEJI_CAP_JUNIOR', 60),
    senior: env.int('XUEJI_CAP_SENIOR', 60),
  },
  entryAge: {
    minAge: env.int('XUEJI_ENTRY_MIN_AGE', 6),
    cutoffMonth: env.int('XUEJI_ENTRY_CUTOFF_MONTH', 8),
    cutoffDay: env.int('XUEJI_ENTRY_CUTOFF_DAY', 31),
  },
  promotion: { month: 8, day: 1, cron: env('XUEJI_PROMOTION_CRON', '0 2 1 8 *') },
  graduationDeadline: { month: 7, day: 31 },
  registrationDeadline: { month: 9, day: 30 },
  security: {
    minLength: 8,
    minClasses: 3,
    maxAgeDays: env.int('XUEJI_PASSWORD_MAX_AGE_DAYS', 90),
    maxFailures: env.int('XUEJI_LOGIN_MAX_FAILURES', 5),
    lockMinutes: env.int('XUEJI_LOGIN_LOCK_MINUTES', 15),
  },
  // The change engine (src/domain/changes/table.ts holds the types and Anhui's chains).
  changes: {
    // Per change type: a variant of the table ('anhui', 'national') or an explicit chain.
    // XUEJI_TRANSFER_CHAIN=national selects the four-party transfer chain.
    chains: { '13': env('XUEJI_TRANSFER_CHAIN', 'anhui') },
    // National calendar: from 1 July no new business for graduating grades until graduation.
    graduatingFreezeFrom: env('XUEJI_GRADUATING_FREEZE_FROM', '07-01') || null,
    schoolYearSwitch: '08-01',
    suspension: { maxMonths: 12, maxPerStage: { compulsory: null, senior: 2 }, maxExtensions: 1 },
    repeat: { perClassPerYear: 1, schoolPercentPerYear: 1, primaryOnce: true },
    transferSameGradeOnly: env.bool('XUEJI_TRANSFER_SAME_GRADE_ONLY', false),
    // A §15: transfers at term start or end, e.g. [['08-15', '09-30'], ['01-10', '03-10']]; empty: any day.
    transferWindows: [],
    // Days off and make-up working days not yet in the chinese-days package (YYYY-MM-DD).
    calendar: { extraHolidays: env.array('XUEJI_EXTRA_HOLIDAYS', []), extraWorkdays: env.array('XUEJI_EXTRA_WORKDAYS', []) },
  },
  // Public rosters (公示): nightly publication (changed schools only) and on demand.
  rosters: { cron: env('XUEJI_ROSTERS_CRON', '30 1 * * *'), publishOnFirstStart: env.bool('XUEJI_ROSTERS_ON_START', true) },
  // Daily reminders of approval steps due within two working days or overdue.
  reminders: { cron: env('XUEJI_REMINDERS_CRON', '0 7 * * *') },
  // 学籍状态查询: look-ups per client address and minute.
  statusLookup: { perMinute: env.int('XUEJI_STATUS_LOOKUPS_PER_MINUTE', 10) },
  // Content Manager lists: totals above this many rows are the database's estimate (约 100 万条);
  // unset: 10,000 (src/domain/list-count.ts).
  lists: { exactCountLimit: env.int('XUEJI_EXACT_COUNT_LIMIT') },
  // Admin abilities and staff scopes kept between requests (emptied at once by any write to
  // permissions, roles, admin users or staff scopes); the longest a change made elsewhere (another
  // instance, plain SQL) takes to apply. 0: rebuilt on every request, as Strapi does.
  accessCache: { ttlMs: env.int('XUEJI_ACCESS_CACHE_TTL_MS', 10000) },
  cron: { enabled: env.bool('XUEJI_CRON', true), timezone: 'Asia/Shanghai' },
  // Excel import jobs: where uploads and error workbooks live (relative to the app root), and for how long.
  imports: { dir: env('XUEJI_JOBS_DIR', '.tmp/xueji-jobs'), retentionDays: env.int('XUEJI_JOBS_RETENTION_DAYS', 7) },
  demo: {
    // Load the demo province on the first start of an empty, non-production database.
    seed: env.bool('XUEJI_DEMO_SEED', env('NODE_ENV') !== 'production'),
    students: env.int('XUEJI_DEMO_STUDENTS', 20000),
  },
});
