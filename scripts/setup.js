#!/usr/bin/env node
// Creates .env with fresh random secrets on first use (never overwrites an existing one).
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');

const root = path.join(__dirname, '..');
const envFile = path.join(root, '.env');
if (!fs.existsSync(envFile)) {
  const rnd = () => crypto.randomBytes(24).toString('base64');
  const text = fs
    .readFileSync(path.join(root, '.env.example'), 'utf8')
    .replace(/^APP_KEYS=.*$/m, `APP_KEYS=${[rnd(), rnd(), rnd(), rnd()].join(',')}`)
    .replace(/^(API_TOKEN_SALT|ADMIN_JWT_SECRET|TRANSFER_TOKEN_SALT|JWT_SECRET|ENCRYPTION_KEY)=.*$/gm, (_, k) => `${k}=${rnd()}`);
  fs.writeFileSync(envFile, text);
  console.log('[xueji] created .env with fresh secrets');
}
