/**
 * The OpenAPI 3 document of the public and integration API at a stable URL: generated from the
 * routes (Strapi's generator), without the routes the route table closes, with the exact public
 * roster and status look-up contract.
 */
import { describe, it, expect } from 'vitest';
import { http } from './harness';
import { classifyRoute } from '../../src/domain/route-access';

describe('OpenAPI document', () => {
  it('GET /api/openapi.json: OpenAPI 3, no login, the public contract, no closed route', async () => {
    const res = await (await http()).get('/api/openapi.json');
    expect(res.status).toBe(200);
    const doc = res.body;
    expect(doc.openapi).toMatch(/^3\./);
    expect(doc.servers).toEqual([{ url: '/api' }]);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/public/rosters', '/public/rosters/{schoolCode}', '/public/student-status']));
    expect(doc.paths['/public/rosters'].get.responses['304']).toBeDefined();
    expect(doc.components.schemas.Roster.required).toEqual(['school', 'schoolYear', 'publishedAt', 'classes']);
    expect(doc.components.schemas.RosterListItem.required).toEqual(['school', 'schoolYear', 'publishedAt']);
    // The integration API: scoped REST reads are documented.
    expect(doc.paths['/students']?.get).toBeDefined();
    for (const [p, ops] of Object.entries<any>(doc.paths)) {
      for (const m of Object.keys(ops).filter((x) => ['get', 'post', 'put', 'patch', 'delete'].includes(x))) {
        const rule = classifyRoute(m, `/api${p.replace(/\{(\w+)\}/g, ':$1')}`);
        expect(rule?.access, `${m} ${p}`).toMatch(/^(public|scoped|self)$/);
      }
    }
  });
});
