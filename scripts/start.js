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
const run = (cmd, args) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, STRAPI_TELEMETRY_DISABLED: 'true' } });
  if (r.status !== 0) process.exit(r.status || 1);
};

if (!fs.existsSync(path.join(root, 'node_modules', '@strapi', 'strapi'))) run('npm', ['install', '--no-audit', '--no-fund']);
require('./setup.js');
// Build the admin panel when it is missing or older than what it is built from (after a pull).
const newest = (p) => {
  if (!fs.existsSync(p)) return 0;
  const st = fs.statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  return Math.max(0, ...fs.readdirSync(p).map((f) => newest(path.join(p, f))));
};
const built = path.join(root, 'dist', 'build', 'index.html');
const sources = ['src/admin', 'src/domain', 'package.json'].map((p) => newest(path.join(root, p)));
if (!fs.existsSync(built) || Math.max(...sources) > fs.statSync(built).mtimeMs || process.argv.includes('--rebuild')) {
  run('npx', ['strapi', 'build']);
}
run('npx', ['strapi', 'start']);
