/**
 * Which Node-RED the runtime suites run against. By default the devDependency in
 * node_modules/node-red; `npm run test:nr5` (scripts/nr5.mjs) points every require('node-red')
 * at a Node-RED 5 install (IZH_NODE_RED, through scripts/node-red-hook.cjs) and sets
 * IZH_NODE_RED_EXPECT=5, so that run cannot silently fall back to the default one.
 */
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import helper from 'node-red-node-test-helper';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const main = require.resolve('node-red');
/** The Node-RED package folder that `require('node-red')` finds (main is lib/red.js). */
const folder = dirname(dirname(main));
const pkg = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as { name: string; version: string; engines: { node: string } };
const expected = process.env.IZH_NODE_RED_EXPECT ?? JSON.parse(readFileSync(join(ROOT, 'node_modules', 'node-red', 'package.json'), 'utf8')).version;

/** Whether version `v` is at least the `>=x.y[.z]` of an engines field. */
function atLeast(v: string, range: string): boolean {
  const want = /^>=\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?$/.exec(range.trim());
  if (!want) throw new Error(`unexpected engines range ${range}`);
  const have = v.replace(/^v/, '').split('.').map(Number);
  const need = want.slice(1).map((x) => Number(x ?? 0));
  for (let i = 0; i < 3; i++) if (have[i] !== need[i]) return have[i] > need[i];
  return true;
}

describe('the Node-RED under test', () => {
  it(`is ${expected}${process.env.IZH_NODE_RED ? ` from ${process.env.IZH_NODE_RED}` : ' from node_modules'}`, () => {
    expect(pkg.name).toBe('node-red');
    expect(`${pkg.version}.`.startsWith(`${expected}.`)).toBe(true);
    if (process.env.IZH_NODE_RED) expect(folder).toBe(join(process.env.IZH_NODE_RED));
  });

  it('is the runtime the test helper and the headless runner load, and it reports that version', () => {
    helper.init(main);
    const RED = require('node-red');
    // (Node-RED appends "-git" when it finds a .git folder a few levels above its runtime)
    expect(RED.version().replace(/-git$/, '')).toBe(pkg.version);
    expect((helper as unknown as { _RED: unknown })._RED).toBe(RED);
  });

  it('is the one the processes the tests start (izh-flow, the browser tests) find too', async () => {
    const version = await new Promise<string>((resolve, reject) =>
      execFile(process.execPath, ['-p', "require(require('node:path').join(require('node:path').dirname(require.resolve('node-red')), '..', 'package.json')).version"], { cwd: ROOT }, (error, stdout, stderr) =>
        error ? reject(new Error(stderr)) : resolve(stdout.trim()),
      ),
    );
    expect(version).toBe(pkg.version);
  });

  it('runs on a Node.js it supports', () => {
    expect(atLeast(process.version, pkg.engines.node), `Node.js ${process.version}, Node-RED ${pkg.version} needs ${pkg.engines.node}`).toBe(true);
  });
});
