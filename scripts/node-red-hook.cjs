// Loaded with `node --require` (through NODE_OPTIONS, so vitest's workers and the processes the
// tests start get it too): when IZH_NODE_RED names a Node-RED package folder, every
// require('node-red') and require('node-red/...') resolves into that folder instead of
// node_modules/node-red. scripts/nr5.mjs uses it to run the runtime suites against Node-RED 5;
// without IZH_NODE_RED it changes nothing.
'use strict';
const Module = require('node:module');
const { join, resolve } = require('node:path');

const dir = process.env.IZH_NODE_RED;
if (dir) {
  const target = resolve(dir);
  const original = Module._resolveFilename;
  Module._resolveFilename = function (request, ...rest) {
    if (request === 'node-red' || request.startsWith('node-red/')) request = join(target, request.slice('node-red'.length));
    return original.call(this, request, ...rest);
  };
}
