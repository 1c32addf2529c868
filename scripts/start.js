#!/usr/bin/env node
/**
 * `npm start`: one command from a fresh clone to a running admin panel.
 * Installs packages if missing, writes .env with fresh secrets, builds the admin panel if it
 * is not built, then starts Strapi. On the first start of an empty database (not production)
 * the demo province is loaded and the demo logins are printed.
 */
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');

const root = path.join(__dirname, '..');
const run = (cmd, args, env = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true', ...env } });
  if (r.status !== 0) process.exit(r.status || 1);
};

// Node versions: package.json "engines" (the README explains the range).
const [major, minor] = process.versions.node.split('.').map(Number);
if (!((major === 20 && minor >= 19) || (major >= 22 && major <= 25 && (major > 22 || minor >= 13)))) {
  console.error(`[xueji] Node.js ${process.versions.node} is not supported: use Node 20.19+, 22.13+, 24 or 25 (see README).`);
  process.exit(1);
}
const t0 = Date.now();
if (!fs.existsSync(path.join(root, 'node_modules', '@strapi', 'strapi'))) run('npm', ['install', '--no-audit', '--no-fund']);
require('./setup.js');
// Build the admin panel when it is missing or older than what it is built from (after a pull).
const newest = (p) => {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
};
// The admin is served as a production build (minified React, no development checks). A build
// left by the browser tests or by `NODE_ENV=development npx strapi build` carries no production
// mark, so it is rebuilt rather than served.
const built = path.join(root, 'dist', 'build', 'index.html');
const mark = path.join(root, 'dist', 'build', '.xueji-production');
const sources = ['src/admin', 'src/plugins', 'src/domain', 'config/admin.ts', 'package.json'].map((p) => newest(path.join(root, p)));
if (!fs.existsSync(built) || !fs.existsSync(mark) || Math.max(...sources) > fs.statSync(built).mtimeMs || process.argv.includes('--rebuild')) {
  const t0 = Date.now();
  console.log('[xueji] building the admin panel (production build, about a minute) …');
  run('npx', ['strapi', 'build'], { NODE_ENV: 'production' });
  fs.writeFileSync(mark, `production build of ${new Date().toISOString()} in ${Math.round((Date.now() - t0) / 1000)} s\n`);
}
if (Date.now() - t0 > 10_000) console.log(`[xueji] installed and built in ${Math.round((Date.now() - t0) / 1000)} s`);
run('npx', ['strapi', 'start']);
