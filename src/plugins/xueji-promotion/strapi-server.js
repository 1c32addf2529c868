'use strict';
// The page's API lives in the application (src/server/promotion-http.ts, /xueji/promotion):
// this plugin only adds the admin page.
module.exports = { register() {}, bootstrap() {} };
