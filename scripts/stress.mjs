#!/usr/bin/env node
/**
 * The test suite on a busy machine: starts two CPU-bound child processes (busy loops), runs
 * `npx vitest run` RUNS times in a row (default 3) while they spin, prints each run's duration
 * and result, and exits non-zero if any run failed. The busy loops are killed at the end
 * whatever happens (a failure, an exception, Ctrl-C or a kill of this script).
 *
 *   node scripts/stress.mjs                      # 3 runs of the whole suite
 *   STRESS_RUNS=5 node scripts/stress.mjs        # 5 runs
 *   node scripts/stress.mjs test/nodes.test.ts   # arguments go to vitest (e.g. single files)
 *
 * STRESS_BUSY sets the number of busy processes (default 2). `npm run test:stress` builds first
 * (some suites run the built package), as `npm test` does.
 */
import { spawn } from 'node:child_process';

const runs = Number(process.env.STRESS_RUNS ?? 3);
const busyCount = Number(process.env.STRESS_BUSY ?? 2);
if (!Number.isInteger(runs) || runs < 1) throw new Error(`STRESS_RUNS must be a whole number of at least 1 (got ${process.env.STRESS_RUNS})`);
if (!Number.isInteger(busyCount) || busyCount < 0) throw new Error(`STRESS_BUSY must be a whole number (got ${process.env.STRESS_BUSY})`);
const vitestArgs = process.argv.slice(2);

/**
 * A child process that keeps one core busy until it is killed; it also ends itself when this
 * script is gone (its parent changes), so not even a SIGKILL of the script leaves it spinning.
 */
const BUSY = 'const parent = process.ppid; for (let i = 1; ; i++) if ((i & 0xffffff) === 0 && process.ppid !== parent) process.exit(0);';
function busyLoop() {
  return spawn(process.execPath, ['-e', BUSY], { stdio: 'ignore' });
}

const busy = [];
/** the vitest run in progress, ended with this script on a signal */
let current = null;
let killed = false;
function killBusy() {
  if (killed) return;
  killed = true;
  for (const child of busy) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
}
process.on('exit', killBusy);
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(signal, () => {
    killBusy();
    // vitest runs in its own process group (npx, vitest and its workers): end all of it
    if (current && current.exitCode === null) {
      try {
        process.kill(-current.pid, signal);
      } catch {
        /* already gone */
      }
    }
    process.exit(130);
  });
}
process.on('uncaughtException', (e) => {
  killBusy();
  console.error(e);
  process.exit(2);
});

/** Runs vitest once; resolves with its exit code. */
function vitest() {
  return new Promise((resolve) => {
    const child = spawn('npx', ['vitest', 'run', ...vitestArgs], { stdio: 'inherit', detached: true });
    current = child;
    child.on('exit', (code, signal) => {
      current = null;
      resolve(code ?? (signal ? 1 : 0));
    });
    child.on('error', (e) => {
      console.error(e);
      resolve(1);
    });
  });
}

for (let i = 0; i < busyCount; i++) busy.push(busyLoop());
console.log(`stress: ${busyCount} busy processes (pids ${busy.map((c) => c.pid).join(', ')}), ${runs} run(s) of vitest run ${vitestArgs.join(' ')}`.trim());

const results = [];
try {
  for (let run = 1; run <= runs; run++) {
    const began = performance.now();
    const code = await vitest();
    const seconds = (performance.now() - began) / 1000;
    results.push({ run, code, seconds });
    console.log(`stress: run ${run}/${runs} ${code === 0 ? 'passed' : `FAILED (exit code ${code})`} in ${seconds.toFixed(1)} s`);
  }
} finally {
  killBusy();
}

const failed = results.filter((r) => r.code !== 0);
console.log(`stress: ${results.length - failed.length} of ${results.length} runs passed with ${busyCount} busy processes; durations ${results.map((r) => `${r.seconds.toFixed(1)} s`).join(', ')}`);
process.exit(failed.length > 0 ? 1 : 0);
