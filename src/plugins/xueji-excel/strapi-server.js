'use strict';
// The API lives in the application (src/server/excel/, /xueji/templates, /xueji/imports,
// /xueji/exports); this entry only makes the plugin known, so its menu permission can be granted.
module.exports = { register() {}, bootstrap() {} };
