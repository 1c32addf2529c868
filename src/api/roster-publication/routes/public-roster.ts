/**
 * The public roster API websites pull (no login: the Public role's routes; `auth: false`).
 * Contract in README "公示: public rosters"; classified 'public' in src/domain/route-access.ts.
 */
export default {
  type: 'content-api',
  routes: [
    { method: 'GET', path: '/public/rosters', handler: 'public-roster.list', config: { auth: false } },
    { method: 'GET', path: '/public/rosters/:schoolCode', handler: 'public-roster.one', config: { auth: false } },
    { method: 'POST', path: '/public/student-status', handler: 'public-roster.status', config: { auth: false } },
  ],
};
