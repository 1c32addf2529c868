/**
 * Media stays inside its scope and is private: upload admin routes refuse other regions' files,
 * /uploads is served only with a valid signature, and the upload content API does not exist.
 */
import fs from 'fs';
import http from 'http';
import path from 'path';
import type { AddressInfo } from 'net';
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { getStrapi, http as agent, asAdmin, adminToken, CM } from './harness';
import { makePng } from './png';
import { mediaUrlSecret, signUploadPath } from '../../src/server/media-urls';

const OTHER_EMAIL = 'media-county-340223@xueji.demo';
const OTHER_PASSWORD = 'Media#2026a';
const SIGNED = /^\/uploads\/[^/?]+\?exp=\d+&sig=[A-Za-z0-9_-]+$/;

let strapi: any;
let schoolCode: string;

async function ensureOtherCountyAccount() {
  if (await strapi.db.query('admin::user').findOne({ where: { email: OTHER_EMAIL } })) return;
  const role = await strapi.db.query('admin::role').findOne({ where: { code: 'xueji-county' } });
  const user = await strapi.service('admin::user').create({
    firstname: '肥西县教育局', lastname: '', email: OTHER_EMAIL, password: OTHER_PASSWORD,
    isActive: true, registrationToken: null, roles: [role.id],
  });
  await strapi.db.query('api::staff-scope.staff-scope').create({
    data: { adminUserId: user.id, level: 'county', code: '340123', label: '县级教育局·肥西县', publishedAt: new Date() },
  });
}

async function upload(email: string, name: string, png = makePng(8, 8), password?: string) {
  const token = await adminToken(email, password);
  const res = await (await agent()).post('/upload').set('Authorization', `Bearer ${token}`)
    .attach('files', png, { filename: name, contentType: 'image/png' });
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body[0];
}

const diskPath = (file: { hash: string; ext: string }) => path.join(strapi.dirs.static.public, 'uploads', `${file.hash}${file.ext}`);
const row = (id: number) => strapi.db.query('plugin::upload.file').findOne({ where: { id } });
const other = () => asAdmin(OTHER_EMAIL, OTHER_PASSWORD);

function expectOutOfScope(res: any) {
  expect(res.status, JSON.stringify(res.body)).toBe(403);
  expect(res.body.error.details.code).toBe('OUT_OF_SCOPE');
}

/** Byte-exact GET (no client-side path normalisation) on a private listener of the same app. */
let rawServer: http.Server;
function rawGet(rawPath: string): Promise<{ status: number; body: Buffer }> {
  const { port } = rawServer.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path: rawPath, method: 'GET' }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end();
  });
}

beforeAll(async () => {
  strapi = await getStrapi();
  await ensureOtherCountyAccount();
  const schoolUser = await strapi.db.query('admin::user').findOne({ where: { email: 'school@xueji.demo' } });
  schoolCode = (await strapi.db.query('api::staff-scope.staff-scope').findOne({ where: { adminUserId: schoolUser.id } })).code;
  rawServer = http.createServer(strapi.server.app.callback());
  await new Promise<void>((resolve) => rawServer.listen(0, '127.0.0.1', resolve));
});

afterAll(async () => {
  await new Promise((resolve) => rawServer?.close(resolve));
});

describe('upload admin routes refuse files outside the caller’s scope', () => {
  it('another county cannot read, delete, move, edit or replace a school’s file; nothing changes', async () => {
    const schoolFile = await upload('school@xueji.demo', 'school-photo.png');
    const ownFile = await upload(OTHER_EMAIL, 'feixi-photo.png', makePng(8, 8, [0, 90, 200]), OTHER_PASSWORD);
    expect((await row(schoolFile.id)).schoolCode).toBe(schoolCode);
    expect((await row(ownFile.id)).countyCode).toBe('340123');
    const bytesBefore = fs.readFileSync(diskPath(schoolFile));
    const api = await other();

    expectOutOfScope(await api.get(`/upload/files/${schoolFile.id}`));
    expectOutOfScope(await api.post('/upload/actions/bulk-delete', { fileIds: [ownFile.id, schoolFile.id] }));
    expectOutOfScope(await api.post('/upload/actions/bulk-move', { fileIds: [ownFile.id, schoolFile.id], destinationFolderId: null }));
    expectOutOfScope(await api.post('/upload/actions/bulk-update', { updates: [{ id: schoolFile.id, fileInfo: { name: 'x.png' } }] }));
    expectOutOfScope(await api.put(`/upload/files/${schoolFile.id}`, { fileInfo: { name: 'renamed.png' } }));
    expectOutOfScope(await api.post(`/upload?id=${schoolFile.id}`, { fileInfo: { name: 'renamed.png' } }));
    expectOutOfScope(await api.del(`/upload/files/${schoolFile.id}`));
    const token = await adminToken(OTHER_EMAIL, OTHER_PASSWORD);
    const replace = await (await agent()).post(`/upload/files/${schoolFile.id}/replace`).set('Authorization', `Bearer ${token}`)
      .attach('files', makePng(8, 8, [0, 0, 0]), { filename: 'evil.png', contentType: 'image/png' });
    expectOutOfScope(replace);
    const replaceViaUpload = await (await agent()).post(`/upload?id=${schoolFile.id}`).set('Authorization', `Bearer ${token}`)
      .attach('files', makePng(8, 8, [0, 0, 0]), { filename: 'evil.png', contentType: 'image/png' });
    expectOutOfScope(replaceViaUpload);

    for (const f of [schoolFile, ownFile]) {
      const after = await row(f.id);
      expect(after.name).toBe(f.name);
      expect(after.hash).toBe(f.hash);
      expect(fs.existsSync(diskPath(after))).toBe(true);
    }
    expect(fs.readFileSync(diskPath(schoolFile)).equals(bytesBefore)).toBe(true);
  });

  it('a file id spelled another way ("14.0", " 14", "+14", "1.5e1", 14.0) is refused as 400 INVALID_ID by every bulk action; nothing is deleted or moved', async () => {
    const schoolFile = await upload('school@xueji.demo', 'spelled-id.png', makePng(8, 8, [9, 9, 9]));
    const api = await other();
    const id = schoolFile.id;
    // The database matches each of these to the integer id: skipping them unread let a bulk
    // delete of another county's file through (the attacker pass of the last review).
    for (const spelled of [`${id}.0`, ` ${id}`, `${id} `, `+${id}`, `${id / 10}e1`, `0${id}`, String(id) + '\n']) {
      for (const [path, body] of [
        ['/upload/actions/bulk-delete', { fileIds: [spelled] }],
        ['/upload/actions/bulk-move', { fileIds: [spelled], destinationFolderId: null }],
      ] as const) {
        const res = await api.post(path, body);
        expect(res.status, `${path} ${JSON.stringify(spelled)}: ${JSON.stringify(res.body)}`).toBe(400);
        expect(res.body.error.details.code).toBe('INVALID_ID');
        expect(res.body.error.message).toContain('格式不正确');
      }
    }
    const after = await row(id);
    expect(after).toMatchObject({ id, hash: schoolFile.hash, folderPath: schoolFile.folderPath });
    expect(fs.existsSync(diskPath(after))).toBe(true);
    // A plain number or digits are read as before: out of scope.
    expectOutOfScope(await api.post('/upload/actions/bulk-delete', { fileIds: [String(id)] }));
  });

  it('a shared folder shows a school only counts of other regions\' files: no populate, filter or sort through a folder\'s files or a file\'s linked records', async () => {
    const mine = await upload('school@xueji.demo', 'shared-mine.png', makePng(8, 8, [4, 4, 4]));
    const theirs = await upload(OTHER_EMAIL, 'shared-feixi-secret.png', makePng(8, 8, [5, 5, 5]), OTHER_PASSWORD);
    const pathId = 900000 + (Date.now() % 99999);
    const folder = await strapi.db.query('plugin::upload.folder').create({ data: { name: `共享-${pathId}`, pathId, path: `/${pathId}` } });
    for (const f of [mine, theirs]) await strapi.db.query('plugin::upload.file').update({ where: { id: f.id }, data: { folder: folder.id, folderPath: folder.path } });
    const api = await asAdmin('school@xueji.demo');
    const attempts = [
      '/upload/folders?populate[files]=true',
      '/upload/folders?populate=*',
      '/upload/folders?populate[files][populate]=*&populate[parent][populate][files]=true',
      `/upload/folders/${folder.id}?populate[files]=true&populate[children][populate][files]=true`,
      `/upload/folders?filters[files][name][$eq]=${encodeURIComponent(theirs.name)}`,
      '/upload/files?populate[folder][populate][files]=true',
      '/upload/files?populate=*',
      '/upload/files?populate[related]=true&populate[folder][populate][children]=true',
      `/upload/files?filters[folder][files][name][$eq]=${encodeURIComponent(theirs.name)}&sort=folder.files.name:asc`,
    ];
    for (const url of attempts) {
      const res = await api.get(url);
      expect(res.status, `${url}: ${JSON.stringify(res.body).slice(0, 300)}`).toBe(200);
      const text = JSON.stringify(res.body);
      expect(text, url).not.toContain(theirs.name);
      expect(text, url).not.toContain(theirs.hash);
      expect(text, url).not.toContain('"related"');
    }
    // The folder's own count is of the school's files only; the school's file lists as before.
    const one = await api.get(`/upload/folders/${folder.id}`);
    expect(one.body.data.files).toEqual({ count: 1 });
    const files = await api.get(`/upload/files?filters[folderPath][$eq]=${encodeURIComponent(folder.path)}`);
    expect(files.body.results.map((f: any) => f.id)).toEqual([mine.id]);
    // What the media library itself asks for still works: the folder tree with counts, a file's folder.
    const panelFolder = await api.get(`/upload/folders/${folder.id}?populate[parent][populate][parent]=*&populate[children][count]=true&populate[files][count]=true`);
    expect(panelFolder.status, JSON.stringify(panelFolder.body)).toBe(200);
    expect(panelFolder.body.data).toMatchObject({ id: folder.id, children: { count: 0 }, files: { count: 1 } });
    const panelFolders = await api.get('/upload/folders?sort=name:ASC&populate[parent]=true');
    expect(panelFolders.status).toBe(200);
    expect(panelFolders.body.data.find((f: any) => f.id === folder.id)).toMatchObject({ files: { count: 1 } });
    const panelFiles = await api.get(`/upload/files?populate[folder]=true&filters[folderPath][$eq]=${encodeURIComponent(folder.path)}`);
    expect(panelFiles.body.results.map((f: any) => [f.id, f.folder?.id])).toEqual([[mine.id, folder.id]]);
    // A name filter through the folder's files is dropped, not answered: the same rows as without it.
    const filtered = await api.get(`/upload/folders?filters[files][name][$eq]=no-such-file.png`);
    expect(filtered.body.data.some((f: any) => f.id === folder.id)).toBe(true);
  });

  it('an in-scope bulk delete works and leaves an audit row with the file’s scope', async () => {
    const file = await upload('school@xueji.demo', 'to-delete.png');
    const api = await asAdmin('school@xueji.demo');
    const res = await api.post('/upload/actions/bulk-delete', { fileIds: [file.id] });
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await row(file.id)).toBeNull();
    expect(fs.existsSync(diskPath(file))).toBe(false);
    const audit = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { action: 'media.delete', subjectId: String(file.id) } });
    expect(audit).toMatchObject({ subjectType: 'plugin::upload.file', schoolCode, countyCode: '340104', actorName: 'school@xueji.demo' });
  });

  it('DELETE of an own file leaves an audit row too', async () => {
    const file = await upload(OTHER_EMAIL, 'own-delete.png', makePng(8, 8, [1, 2, 3]), OTHER_PASSWORD);
    const res = await (await other()).del(`/upload/files/${file.id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(await row(file.id)).toBeNull();
    const audit = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { action: 'media.delete', subjectId: String(file.id) } });
    expect(audit).toMatchObject({ countyCode: '340123' });
  });

  it('folders are shared: scoped staff move own files into them but cannot create, change or delete them; counts are scoped', async () => {
    const admin = await asAdmin('admin@xueji.demo');
    const created = await admin.post('/upload/folders', { name: `学生照片-${Date.now()}`, parent: null });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    const folder = created.body.data;

    const school = await asAdmin('school@xueji.demo');
    expectOutOfScope(await school.post('/upload/folders', { name: '本校', parent: null }));
    expectOutOfScope(await school.put(`/upload/folders/${folder.id}`, { name: '改名', parent: null }));
    expectOutOfScope(await school.post('/upload/actions/bulk-delete', { folderIds: [folder.id] }));
    expectOutOfScope(await school.post('/upload/actions/bulk-move', { folderIds: [folder.id], destinationFolderId: null }));
    expect(await strapi.db.query('plugin::upload.folder').findOne({ where: { id: folder.id } })).toMatchObject({ name: folder.name });

    const mine = await upload('school@xueji.demo', 'into-folder.png');
    const theirs = await upload(OTHER_EMAIL, 'theirs-folder.png', makePng(8, 8, [9, 9, 9]), OTHER_PASSWORD);
    const move = await school.post('/upload/actions/bulk-move', { fileIds: [mine.id], destinationFolderId: folder.id });
    expect(move.status, JSON.stringify(move.body)).toBe(200);
    expect((await row(mine.id)).folderPath).toBe(folder.path);
    const audit = await strapi.db.query('api::audit-log.audit-log').findOne({ where: { action: 'media.move', subjectId: String(mine.id) } });
    expect(audit).toMatchObject({ schoolCode });
    expect(audit.changes.folderPath).toEqual({ before: '/', after: folder.path });
    expect((await admin.post('/upload/actions/bulk-move', { fileIds: [theirs.id], destinationFolderId: folder.id })).status).toBe(200);

    const countIn = (res: any) => res.body.data.find((f: any) => f.id === folder.id)?.files?.count;
    expect(countIn(await school.get('/upload/folders'))).toBe(1);
    expect(countIn(await admin.get('/upload/folders'))).toBe(2);
    expect((await school.get(`/upload/folders/${folder.id}`)).body.data.files.count).toBe(1);
  });

  it('media library lists and totals of scoped staff show only their scope', async () => {
    const a = await upload('school@xueji.demo', 'list-a.png');
    const b = await upload(OTHER_EMAIL, 'list-b.png', makePng(8, 8, [4, 5, 6]), OTHER_PASSWORD);
    const school = await asAdmin('school@xueji.demo');
    const list = await school.get('/upload/files?pageSize=100');
    expect(list.status).toBe(200);
    const ids = list.body.results.map((f: any) => f.id);
    expect(ids).toContain(a.id);
    expect(ids).not.toContain(b.id);
    expect(list.body.pagination.total).toBe(await strapi.db.query('plugin::upload.file').count({ where: { schoolCode } }));
    expectOutOfScope(await school.get(`/upload/files/${b.id}`));
    expect((await school.get(`/upload/files/${a.id}`)).status).toBe(200);
  });
});

describe('records can be given only files of the caller’s scope', () => {
  it('a school cannot attach another county’s file as a student photo, but can attach its own', async () => {
    const theirs = await upload(OTHER_EMAIL, 'attach-theirs.png', makePng(8, 8, [7, 7, 7]), OTHER_PASSWORD);
    const mine = await upload('school@xueji.demo', 'attach-mine.png');
    const student = await strapi.db.query('api::student.student').findOne({ where: { schoolCode, enrollmentStatus: '01', registrationStatus: { $in: ['registered', 'draft'] } }, orderBy: { id: 'desc' }, populate: { photo: true } });
    // A draft student: key fields (the photo among them) are not locked yet.
    await strapi.db.query('api::student.student').update({ where: { id: student.id }, data: { registrationStatus: 'draft' } });
    const api = await asAdmin('school@xueji.demo');
    try {
      for (const photo of [theirs.id, { id: theirs.id }, [{ id: theirs.id }], { connect: [{ id: theirs.id }] }, { documentId: theirs.documentId }]) {
        expectOutOfScope(await api.put(`${CM}/api::student.student/${student.documentId}`, { photo }));
      }
      const after = await strapi.db.query('api::student.student').findOne({ where: { id: student.id }, populate: { photo: true } });
      expect(after.photo?.id ?? null).toBe(student.photo?.id ?? null);
      const own = await api.put(`${CM}/api::student.student/${student.documentId}`, { photo: mine.id });
      expect(own.status, JSON.stringify(own.body).slice(0, 300)).toBe(200);
      // A shape Strapi ignores on a photo already set never answers 200 with nothing changed.
      const second = await upload('school@xueji.demo', 'attach-second.png', makePng(8, 8, [9, 9, 9]));
      const ignored = await api.put(`${CM}/api::student.student/${student.documentId}`, { photo: { connect: [{ id: second.id }] } });
      const stored = await strapi.db.query('api::student.student').findOne({ where: { id: student.id }, populate: { photo: true } });
      if (ignored.status === 200) expect(stored.photo.id).toBe(second.id);
      else {
        expect([ignored.status, ignored.body.error.details.code]).toEqual([400, 'STORED_MISMATCH']);
        expect(stored.photo.id).toBe(mine.id);
      }
    } finally {
      await strapi.db.query('api::student.student').update({ where: { id: student.id }, data: { registrationStatus: student.registrationStatus, photo: student.photo?.id ?? null } });
    }
  });
});

describe('uploaded files are private: signed URLs only', () => {
  let file: any;
  let png: Buffer;

  beforeAll(async () => {
    png = makePng(300, 300, [20, 160, 60]);
    file = await upload('school@xueji.demo', 'signed.png', png);
  });

  it('the admin API returns signed URLs (file and thumbnail) that serve the bytes; bare URLs are refused', async () => {
    expect(file.url).toMatch(SIGNED);
    const res = await (await asAdmin('school@xueji.demo')).get(`/upload/files/${file.id}`);
    expect(res.status).toBe(200);
    expect(res.body.url).toMatch(SIGNED);
    expect(res.body.isUrlSigned).toBe(true);
    const ok = await rawGet(res.body.url);
    expect(ok.status).toBe(200);
    expect(ok.body.equals(fs.readFileSync(diskPath(file)))).toBe(true);

    const bare = await rawGet(`/uploads/${file.hash}${file.ext}`);
    expect(bare.status).toBe(403);
    expect(JSON.parse(bare.body.toString()).error.details.code).toBe('MEDIA_SIGNATURE_INVALID');

    const thumb = res.body.formats?.thumbnail;
    expect(thumb?.url).toMatch(/^\/uploads\/thumbnail_[^?]+\?exp=\d+&sig=/);
    expect((await rawGet(thumb.url)).status).toBe(200);
    expect((await rawGet(thumb.url.split('?')[0])).status).toBe(403);
  });

  it('expired, tampered or borrowed signatures are refused', async () => {
    const plain = `/uploads/${file.hash}${file.ext}`;
    const key = mediaUrlSecret(strapi);
    const expired = signUploadPath(key, plain, 60, Date.now() - 3 * 3600_000);
    expect((await rawGet(signUploadPath(key, plain, 60))).status).toBe(200); // the test key is the server's
    expect((await rawGet(expired)).status).toBe(403);

    const good = new URL(file.url, 'http://x');
    const exp = good.searchParams.get('exp')!;
    const sig = good.searchParams.get('sig')!;
    const flipped = sig.slice(0, -1) + (sig.endsWith('A') ? 'B' : 'A');
    for (const url of [
      `${plain}?exp=${exp}&sig=${flipped}`,
      `${plain}?exp=${Number(exp) + 60}&sig=${sig}`,
      `${plain}?exp=${exp}`,
      `${plain}?sig=${sig}`,
      `${plain}?exp=${exp}&sig=${sig}&sig=${flipped}`,
      `/uploads/thumbnail_${file.hash}${file.ext}?exp=${exp}&sig=${sig}`, // another file's signature
    ]) {
      const res = await rawGet(url);
      expect(res.status, url).toBe(403);
      expect(res.body.includes(png.subarray(0, 64)), url).toBe(false);
    }
  });

  it('path tricks never reach the bytes, signed or not; roster files stay public', async () => {
    const name = `${file.hash}${file.ext}`;
    const q = file.url.slice(file.url.indexOf('?'));
    const tricks = [
      `//uploads/${name}`, `/uploads//${name}`, `/uploads/./${name}`, `/uploads/x/../${name}`,
      `/rosters/../uploads/${name}`, `/%75ploads/${name}`, `/uploads%2f${name}`, `/uploads%2F${name}`,
      `/%2e/uploads/${name}`, `/uploads/%2e%2e/uploads/${name}`, `/UPLOADS/${name}`, `/Uploads/${name}`,
      `/uploads/${name}/`, `/uploads\\${name}`, `/%2575ploads/${name}`, `/./uploads/${name}`,
    ];
    for (const t of tricks) {
      for (const url of [t, `${t}${q}`]) {
        const res = await rawGet(url);
        expect([403, 404], url).toContain(res.status);
        expect(res.body.includes(png.subarray(0, 64)), url).toBe(false);
      }
    }

    const rosters = path.join(strapi.dirs.static.public, 'rosters');
    const existed = fs.existsSync(rosters);
    fs.mkdirSync(rosters, { recursive: true });
    const roster = path.join(rosters, `media-test-${Date.now()}.txt`);
    fs.writeFileSync(roster, '公示名单');
    try {
      const res = await rawGet(`/rosters/${path.basename(roster)}`);
      expect(res.status).toBe(200);
      expect(res.body.toString()).toBe('公示名单');
    } finally {
      fs.rmSync(roster);
      if (!existed) fs.rmSync(rosters, { recursive: true, force: true });
    }
  });

  it('the Content Manager returns signed photo URLs (Document Service signing)', async () => {
    const student = await strapi.db.query('api::student.student').findOne({ where: { schoolCode }, select: ['id', 'documentId'] });
    await strapi.db.query('api::student.student').update({ where: { id: student.id }, data: { photo: file.id } });
    try {
      const res = await (await asAdmin('school@xueji.demo')).get(`/content-manager/collection-types/api::student.student/${student.documentId}`);
      expect(res.status, JSON.stringify(res.body).slice(0, 300)).toBe(200);
      expect(res.body.data.photo.url).toMatch(SIGNED);
      expect((await rawGet(res.body.data.photo.url)).status).toBe(200);
    } finally {
      await strapi.db.query('api::student.student').update({ where: { id: student.id }, data: { photo: null } });
    }
  });
});

describe('there is no media content API', () => {
  it('a full-access API token gets no file data from /api/upload and changes nothing', async () => {
    const file = await upload('school@xueji.demo', 'api-token.png');
    const { accessKey } = await strapi.service('admin::api-token').create({ name: `media-full-${Date.now()}`, type: 'full-access', lifespan: null });
    const as = (r: any) => r.set('Authorization', `Bearer ${accessKey}`);
    const client = await agent();
    const responses: Array<[string, any]> = [
      ['GET files', await as(client.get('/api/upload/files'))],
      ['GET files page size', await as(client.get('/api/upload/files?pagination[pageSize]=100'))],
      ['GET one', await as(client.get(`/api/upload/files/${file.id}`))],
      ['GET page', await as(client.get('/api/upload/files/page'))],
      ['DELETE one', await as(client.delete(`/api/upload/files/${file.id}`))],
      ['POST upload', await as(client.post('/api/upload').attach('files', makePng(8, 8), { filename: 'token.png', contentType: 'image/png' }))],
      ['POST info', await as(client.post(`/api/upload?id=${file.id}`).send({ fileInfo: { name: 'renamed.png' } }))],
    ];
    for (const [what, res] of responses) {
      // 405 is Strapi's answer to any unknown non-GET path (the public static GET route matches it).
      const allowed = what.startsWith('GET') ? [403, 404] : [403, 404, 405];
      expect(allowed, `${what}: ${res.status} ${JSON.stringify(res.body).slice(0, 200)}`).toContain(res.status);
      expect(JSON.stringify(res.body)).not.toContain(file.hash);
    }
    const after = await row(file.id);
    expect(after.name).toBe(file.name);
    expect(fs.existsSync(diskPath(after))).toBe(true);
  });
});
