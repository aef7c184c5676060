/**
 * The flow library's validator, `node-red-dev validate` (the scorecard flows.nodered.org shows),
 * run on this package as built: it must find an example flow for every node type (N02) and pass
 * its other checks. It fetches the library's catalogue, which this machine cannot reach, so
 * test/support/validate-offline.cjs answers that request with an empty catalogue: N01 (our node
 * types are used by no other module) and P01's name check then pass without the real comparison.
 * Its other requests go to the npm registry (P06 Node-RED versions, D01-D03 dependencies).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';

const ROOT = join(__dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { 'node-red': { nodes: Record<string, string> } };
const work = mkdtempSync(join(tmpdir(), 'izh-validate-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * Checks the package does not pass yet, each with the reason: P03 wants a repository or bugs URL
 * in package.json, which the project has not published yet.
 */
const OPEN = ['P03'];

it('passes the flow library scorecard, with an example for every node type', async () => {
  const scorecard = join(work, 'scorecard.json');
  const cli = join(require.resolve('node-red-dev/package.json'), '..', 'bin', 'run');
  const output = await new Promise<string>((resolve, reject) =>
    execFile(process.execPath, ['-r', join(__dirname, 'support', 'validate-offline.cjs'), cli, 'validate', '-p', ROOT, '-o', scorecard], { timeout: 120_000 }, (error, stdout, stderr) =>
      error ? reject(new Error(`node-red-dev validate failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(`${stdout}${stderr}`),
    ),
  );
  const result = JSON.parse(readFileSync(scorecard, 'utf8')) as Record<string, { test?: boolean; nodes?: string[] }>;
  const checks = Object.entries(result).filter(([code]) => code !== 'package');
  // every check of the validator ran (package, nodes, dependencies) and only the known ones fail
  expect(checks.map(([code]) => code).sort()).toEqual(['D01', 'D02', 'D03', 'N01', 'N02', 'P01', 'P03', 'P04', 'P05', 'P06', 'P07', 'P08']);
  expect(checks.filter(([, check]) => check.test !== true).map(([code]) => code), output).toEqual(OPEN);
  expect(result.N02.nodes!.sort()).toEqual(Object.keys(PKG['node-red'].nodes).sort());
  expect(output).toContain('Examples found for all nodes');
});
