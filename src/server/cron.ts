/**
 * Scheduled work (DESIGN "Cron"): node-cron tasks in Asia/Shanghai, registered in bootstrap and
 * stopped in destroy; `XUEJI_CRON=false` (tests) registers none. Each task guards itself:
 * promotion takes the PostgreSQL advisory lock and its per-year run row (src/server/promotion.ts),
 * the nightly roster publication writes one publication row per school (src/server/rosters.ts).
 */
import type { Core } from '@strapi/strapi';
import cron, { type ScheduledTask } from 'node-cron';
import { promotionService, targetOfToday } from './promotion';
import { publishRosters } from './rosters';
import { remindDeadlines } from './reminders';

const g = globalThis as any;

export interface CronTaskSpec { name: string; expression: string; run: (strapi: Core.Strapi) => Promise<void> }

export function cronTasks(strapi: Core.Strapi): CronTaskSpec[] {
  const cfg = strapi.config.get('xueji') as any;
  const tasks: CronTaskSpec[] = [
    {
      name: 'promotion',
      expression: cfg?.promotion?.cron ?? '0 2 1 8 *',
      async run(s) {
        const out = await promotionService(s).run({ name: '定时任务', trigger: 'cron' }, { schoolYear: targetOfToday(s) });
        s.log.info(`[xueji] 定时学年升级：${out.status}${'message' in out ? `（${out.message}）` : ''}`);
      },
    },
    {
      name: 'rosters',
      expression: cfg?.rosters?.cron ?? '30 1 * * *',
      async run(s) {
        await publishRosters(s, { scope: null, trigger: 'cron', actorName: '定时任务' });
      },
    },
    {
      name: 'reminders',
      expression: cfg?.reminders?.cron ?? '0 7 * * *',
      async run(s) {
        await remindDeadlines(s, { trigger: 'cron', actorName: '定时任务' });
      },
    },
  ];
  const extra: CronTaskSpec[] = g.__xuejiCronExtra ?? [];
  return [...tasks, ...extra];
}

/** Adds a task (other modules register theirs before bootstrap ends). */
export function addCronTask(spec: CronTaskSpec): void {
  (g.__xuejiCronExtra ??= []).push(spec);
}

let running: ScheduledTask[] = [];

export function registerCron(strapi: Core.Strapi): number {
  const cfg = strapi.config.get('xueji') as any;
  if (cfg?.cron?.enabled === false) return 0;
  const timezone = cfg?.cron?.timezone ?? 'Asia/Shanghai';
  for (const t of cronTasks(strapi)) {
    if (!cron.validate(t.expression)) {
      strapi.log.error(`[xueji] 定时任务 ${t.name} 的表达式无效：${t.expression}`);
      continue;
    }
    running.push(cron.schedule(t.expression, async () => {
      try {
        await t.run(strapi);
      } catch (e: any) {
        strapi.log.error(`[xueji] 定时任务 ${t.name} 失败：${e?.message ?? e}`);
      }
    }, { timezone, name: `xueji-${t.name}`, noOverlap: true }));
  }
  strapi.log.info(`[xueji] 定时任务已登记：${running.map((x) => `${x.name} (${x.getPattern()})`).join('，')}`);
  return running.length;
}

export async function stopCron(): Promise<void> {
  const tasks = running;
  running = [];
  for (const t of tasks) await t.destroy();
}
