'use strict';
// The server side of these views is the change engine (src/api/change-request/services/engine.ts);
// this entry only makes the plugin known, so its admin permissions (menu links) can be granted.
module.exports = {};
