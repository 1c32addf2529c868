/**
 * A second Strapi instance on the test database (PostgreSQL): boots from dist/, says "ready",
 * waits for "go <schoolYear>" on stdin, starts the promotion and prints its outcome as JSON.
 * Used by tests/api/promotion-instances.test.ts and promotion-kill.test.ts (which sets
 * XUEJI_PROMOTION_PAUSE_FILE, so the run pauses mid-transaction and is SIGKILLed there).
 */
const path = require('path');
const readline = require('readline');

const root = path.join(__dirname, '..', '..', '..');

(async () => {
  const { createStrapi } = require('@strapi/strapi');
  const strapi = createStrapi({ appDir: root, distDir: path.join(root, 'dist'), autoReload: false, serveAdminPanel: false });
  await strapi.load();
  const { promotionService } = require(path.join(root, 'dist/src/server/promotion'));
  const rl = readline.createInterface({ input: process.stdin });
  process.stdout.write('ready\n');
  for await (const line of rl) {
    const m = /^go (\d{4})$/.exec(line.trim());
    if (!m) continue;
    let out;
    try {
      const r = await promotionService(strapi).run({ name: '第二实例', trigger: 'cron' }, { schoolYear: Number(m[1]) });
      out = { status: r.status };
    } catch (e) {
      out = { error: String(e && e.message) };
    }
    process.stdout.write(`${JSON.stringify(out)}\n`);
    break;
  }
  await strapi.destroy();
  process.exit(0);
})().catch((e) => { process.stderr.write(String(e && e.stack)); process.exit(1); });
