/**
 * OpenAPI 3 document of the public and integration API (the content API: `/api/...`), served at
 * `GET /api/openapi.json`. Generated from the routes by Strapi 5's own generator
 * (`@strapi/openapi`), then kept to what the route table opens (src/domain/route-access.ts:
 * denied and system routes are left out), with the public rosters' and the status look-up's
 * exact contract written over the generic operations.
 */
import type { Core } from '@strapi/strapi';
import { generate } from '@strapi/openapi';
import { classifyRoute } from '../domain/route-access';

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];

const err = (description: string) => ({ description, content: { 'application/json': { schema: { $ref: '#/components/schemas/XuejiError' } } } });
const cacheHeaders = {
  ETag: { schema: { type: 'string' }, description: '内容摘要；下次请求以 If-None-Match 发送' },
  'Last-Modified': { schema: { type: 'string' }, description: '最近一次公示时间（HTTP 日期）' },
  'Cache-Control': { schema: { type: 'string', example: 'public, max-age=60, must-revalidate' } },
};
const conditional = [
  { name: 'If-None-Match', in: 'header', required: false, schema: { type: 'string' } },
  { name: 'If-Modified-Since', in: 'header', required: false, schema: { type: 'string' } },
];
const since = { name: 'since', in: 'query', required: false, schema: { type: 'string', format: 'date-time' }, description: '只返回此时间之后的变化（ISO 8601）' };

const SCHEMAS = {
  XuejiError: {
    type: 'object', required: ['data', 'error'],
    properties: {
      data: { nullable: true },
      error: { type: 'object', properties: { status: { type: 'integer' }, name: { type: 'string' }, message: { type: 'string', description: '中文说明' }, details: { type: 'object', properties: { code: { type: 'string' } } } } },
    },
  },
  RosterSchool: { type: 'object', required: ['code', 'name'], properties: { code: { type: 'string', pattern: '^\\d{10}$' }, name: { type: 'string' } } },
  RosterListItem: {
    type: 'object', required: ['school', 'schoolYear', 'publishedAt'],
    properties: { school: { $ref: '#/components/schemas/RosterSchool' }, schoolYear: { type: 'string', example: '2026-2027' }, publishedAt: { type: 'string', format: 'date-time' } },
  },
  RosterStudent: { type: 'object', required: ['name', 'gender'], properties: { name: { type: 'string', example: '王*明', description: '脱敏姓名' }, gender: { type: 'string', enum: ['男', '女', '未说明', '未知的性别', '未说明的性别'] } } },
  Roster: {
    type: 'object', required: ['school', 'schoolYear', 'publishedAt', 'classes'],
    properties: {
      school: { $ref: '#/components/schemas/RosterSchool' }, schoolYear: { type: 'string' }, publishedAt: { type: 'string', format: 'date-time' },
      classes: { type: 'array', items: { type: 'object', required: ['grade', 'name', 'students'], properties: { grade: { type: 'integer', minimum: 1, maximum: 12 }, name: { type: 'string', example: '初一(3)班' }, students: { type: 'array', items: { $ref: '#/components/schemas/RosterStudent' } } } } },
    },
  },
  RosterChanges: {
    type: 'object', required: ['school', 'schoolYear', 'publishedAt', 'since', 'changes'],
    properties: {
      school: { $ref: '#/components/schemas/RosterSchool' }, schoolYear: { type: 'string' }, publishedAt: { type: 'string', format: 'date-time' }, since: { type: 'string', format: 'date-time' },
      changes: {
        type: 'array',
        items: {
          type: 'object', required: ['grade', 'name', 'added', 'changed', 'removed'],
          properties: {
            grade: { type: 'integer' }, name: { type: 'string' },
            added: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/RosterStudent' }, { type: 'object', properties: { id: { type: 'string' } } }] } },
            changed: { type: 'array', items: { allOf: [{ $ref: '#/components/schemas/RosterStudent' }, { type: 'object', properties: { id: { type: 'string' } } }] } },
            removed: { type: 'array', items: { type: 'object', properties: { id: { type: 'string' } } } },
          },
        },
      },
    },
  },
};

const PUBLIC_PATHS = {
  '/public/rosters': {
    get: {
      tags: ['公示 Public rosters'], operationId: 'listRosters', summary: '最新公示列表（每校一条）', security: [],
      parameters: [
        { name: 'page', in: 'query', required: false, schema: { type: 'integer', minimum: 1, default: 1 } },
        { name: 'pageSize', in: 'query', required: false, schema: { type: 'integer', minimum: 1, maximum: 500, default: 100 } },
        since, ...conditional,
      ],
      responses: {
        200: {
          description: 'OK', headers: cacheHeaders,
          content: { 'application/json': { schema: { type: 'object', required: ['data', 'meta'], properties: { data: { type: 'array', items: { $ref: '#/components/schemas/RosterListItem' } }, meta: { type: 'object', properties: { pagination: { type: 'object', properties: { page: { type: 'integer' }, pageSize: { type: 'integer' }, pageCount: { type: 'integer' }, total: { type: 'integer' } } } } } } } } },
        },
        304: { description: 'Not Modified' }, 400: err('SINCE_INVALID / PAGINATION_INVALID'),
      },
    },
  },
  '/public/rosters/{schoolCode}': {
    get: {
      tags: ['公示 Public rosters'], operationId: 'getRoster', summary: '一所学校的最新公示名单；带 since 时返回此后的变化', security: [],
      parameters: [{ name: 'schoolCode', in: 'path', required: true, schema: { type: 'string', pattern: '^\\d{10}$' } }, since, ...conditional],
      responses: {
        200: { description: 'OK', headers: cacheHeaders, content: { 'application/json': { schema: { oneOf: [{ $ref: '#/components/schemas/Roster' }, { $ref: '#/components/schemas/RosterChanges' }] } } } },
        304: { description: 'Not Modified' }, 400: err('SINCE_INVALID'), 404: err('ROSTER_NOT_FOUND'),
      },
    },
  },
  '/public/student-status': {
    post: {
      tags: ['学籍状态查询'], operationId: 'lookUpStudentStatus', summary: '家长查询学籍状态（姓名 + 身份证件号）', security: [],
      requestBody: { required: true, content: { 'application/json': { schema: { type: 'object', required: ['name', 'idNumber'], properties: { name: { type: 'string' }, idNumber: { type: 'string' } } } } } },
      responses: {
        200: { description: 'OK', content: { 'application/json': { schema: { type: 'object', properties: { data: { type: 'object', properties: { school: { type: 'string' }, grade: { type: 'string' }, class: { type: 'string', nullable: true }, status: { type: 'string', enum: ['在校', '休学', '毕业'] } } } } } } } },
        400: err('LOOKUP_INVALID'), 404: err('STATUS_NOT_FOUND (also for a wrong name/ID pair)'), 429: err('RATE_LIMITED (Retry-After)'),
      },
    },
  },
};

let cached: any = null;

export function openApiDocument(strapi: Core.Strapi): any {
  if (cached) return cached;
  const doc: any = (generate(strapi, { type: 'content-api' } as any) as any).document ?? {};
  const prefix = String(strapi.config.get('api.rest.prefix') ?? '/api');
  const paths: Record<string, any> = {};
  for (const [p, ops] of Object.entries<any>(doc.paths ?? {})) {
    const rel = p.startsWith(prefix) ? p.slice(prefix.length) : p;
    const template = `${prefix}${rel.replace(/\{(\w+)\}/g, ':$1')}`;
    const kept: Record<string, any> = {};
    for (const [m, op] of Object.entries<any>(ops)) {
      if (!METHODS.includes(m)) { kept[m] = op; continue; }
      const rule = classifyRoute(m, template);
      if (rule && (rule.access === 'public' || rule.access === 'scoped' || rule.access === 'self')) kept[m] = op;
    }
    if (Object.keys(kept).some((m) => METHODS.includes(m))) paths[rel] = kept;
  }
  Object.assign(paths, PUBLIC_PATHS);
  cached = {
    ...doc,
    openapi: doc.openapi ?? '3.0.3',
    info: {
      title: 'xueji 学籍 — public and integration API',
      version: String((strapi.config.get('info') as any)?.version ?? '0.1.0'),
      description: '公示名单与学籍状态查询（无需登录），以及集成账号（users & permissions JWT，按管辖范围）可读的接口。',
    },
    servers: [{ url: prefix }],
    paths,
    components: { ...(doc.components ?? {}), schemas: { ...(doc.components?.schemas ?? {}), ...SCHEMAS } },
  };
  return cached;
}

export function registerOpenApiRoute(strapi: Core.Strapi): void {
  strapi.server.routes({
    type: 'content-api',
    routes: [{
      method: 'GET', path: '/openapi.json', config: { auth: false },
      handler: async (ctx: any) => {
        ctx.set('Cache-Control', 'public, max-age=300');
        ctx.body = openApiDocument(strapi);
      },
    }],
  } as any);
}
