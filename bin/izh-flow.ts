#!/usr/bin/env node
/**
 * izh-flow: run a Node-RED flow file headless and write what its monitors recorded.
 *
 *   izh-flow FLOW.json [--json OUT.json] [--csv DIR] [--weights DIR] [--timeout MS] [--memory-budget MB] [--quiet]
 *
 * Exit codes: 0 all runs finished (or, for clocks without a duration, were stopped by --timeout);
 * 1 a run failed, or a run with a duration did not finish within --timeout (what it recorded is
 * still written); 2 bad arguments, unusable output paths or an invalid flow.
 */
import { accessSync, constants, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { RunError, runFlow, toCsv, toWeightFiles, type ClockReport, type RunReport } from './runner';

const USAGE = 'usage: izh-flow FLOW.json [--json OUT.json] [--csv DIR] [--weights DIR] [--timeout MS] [--memory-budget MB] [--quiet]';

interface Args { flow: string; json?: string; csv?: string; weights?: string; timeoutMs?: number; memoryBudgetMB?: number; quiet: boolean }

function parseArgs(argv: string[]): Args {
  const args: Partial<Args> = { quiet: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new RunError(`${arg} needs a value\n${USAGE}`, 2);
      return v;
    };
    if (arg === '--json') args.json = value();
    else if (arg === '--csv') args.csv = value();
    else if (arg === '--weights') args.weights = value();
    else if (arg === '--timeout') {
      const ms = Number(value());
      if (!Number.isFinite(ms) || ms <= 0) throw new RunError(`--timeout must be a positive number of ms (got ${argv[i]})`, 2);
      args.timeoutMs = ms;
    } else if (arg === '--memory-budget') {
      const mb = Number(value());
      if (!Number.isFinite(mb) || mb <= 0) throw new RunError(`--memory-budget must be a positive number of MB (got ${argv[i]})`, 2);
      args.memoryBudgetMB = mb;
    } else if (arg === '--quiet') args.quiet = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(`${USAGE}\n`);
      process.exit(0);
    } else if (arg.startsWith('-')) throw new RunError(`unknown option ${arg}\n${USAGE}`, 2);
    else if (args.flow === undefined) args.flow = arg;
    else throw new RunError(`only one flow file, please (got ${args.flow} and ${arg})\n${USAGE}`, 2);
  }
  if (!args.flow) throw new RunError(USAGE, 2);
  return args as Args;
}

/** The nearest directory at or above `path` that exists, and what is there. */
function nearestExisting(path: string): { path: string; isDirectory: boolean } {
  for (let p = path; ; p = dirname(p)) {
    try {
      return { path: p, isDirectory: statSync(p).isDirectory() };
    } catch (e) {
      // ENOTDIR: a file where a directory should be, further up
      const code = (e as NodeJS.ErrnoException).code;
      if ((code !== 'ENOENT' && code !== 'ENOTDIR') || p === dirname(p)) throw e;
    }
  }
}

function writable(dir: string): boolean {
  try {
    accessSync(dir, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** Output paths are checked before anything runs: a run must not end in an error about its output. */
function checkOutputs(args: Args): void {
  if (args.json !== undefined) {
    const file = resolve(args.json);
    const fail = (why: string) => new RunError(`cannot write --json ${args.json}: ${why}`, 2);
    const dir = dirname(file);
    const found = nearestExisting(dir);
    if (!found.isDirectory) throw fail(`${found.path === dir ? dirname(args.json) : found.path} is not a directory`);
    if (found.path !== dir) throw fail(`the directory ${dirname(args.json)} does not exist`);
    if (!writable(dir)) throw fail(`the directory ${dirname(args.json)} is not writable`);
    if (existsSync(file) && statSync(file).isDirectory()) throw fail('it is a directory');
    if (existsSync(file) && !writable(file)) throw fail('the file is not writable');
  }
  for (const [option, path] of [['--csv', args.csv], ['--weights', args.weights]] as const) {
    if (path === undefined) continue;
    const dir = resolve(path);
    const fail = (why: string) => new RunError(`cannot create ${option} ${path}: ${why}`, 2);
    const found = nearestExisting(dir);
    if (!found.isDirectory) throw fail(found.path === dir ? 'it is a file, not a directory' : `${found.path} is not a directory`);
    if (!writable(found.path)) throw fail(`${found.path} is not writable`);
  }
}

function write(args: Args, report: RunReport): void {
  const text = JSON.stringify(report);
  if (args.json) writeFileSync(args.json, text);
  if (args.csv) {
    mkdirSync(args.csv, { recursive: true });
    for (const { file, text: csv } of toCsv(report)) writeFileSync(join(args.csv, file), csv);
  }
  if (args.weights) {
    mkdirSync(args.weights, { recursive: true });
    for (const { file, text: weights } of toWeightFiles(report)) writeFileSync(join(args.weights, file), weights);
  }
  if (!args.json && !args.csv && !args.weights) process.stdout.write(`${text}\n`);
}

function summarise(args: Args, report: RunReport): void {
  for (const c of report.clocks) {
    if (c.stoppedBy === 'timeout' && !Number.isFinite(c.duration)) {
      // the intended use of --timeout; said even with --quiet, as the run did not end by itself
      process.stderr.write(`izh-flow: ${clockLabel(c)} runs until stopped: stopped by --timeout (${args.timeoutMs} ms) at t = ${c.t} ms\n`);
    }
  }
  if (args.quiet) return;
  for (const c of report.clocks) process.stderr.write(`${c.name}: ${c.event}${c.stoppedBy ? ` by the ${c.stoppedBy}` : ''} at ${c.t} ms (${c.steps} steps, ${c.wallMs.toFixed(1)} ms wall)\n`);
  for (const m of report.monitors) process.stderr.write(`${m.name}: ${m.type === 'spike' ? `${m.total} spikes` : m.type === 'rate' ? `${m.t.length} bins` : `${m.t.length} samples`}\n`);
}

function clockLabel(c: ClockReport): string {
  return c.name !== c.id ? `clock ${JSON.stringify(c.name)}` : `clock ${c.id}`;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  checkOutputs(args);
  let nodes: unknown;
  try {
    nodes = JSON.parse(readFileSync(args.flow, 'utf8'));
  } catch (e) {
    throw new RunError(`cannot read the flow ${args.flow}: ${(e as Error).message}`, 2);
  }
  let report: RunReport;
  try {
    report = await runFlow(nodes as never, { timeoutMs: args.timeoutMs, memoryBudgetMB: args.memoryBudgetMB, weights: args.weights !== undefined });
  } catch (e) {
    // runs the time limit cut short: what they recorded is written all the same
    if (e instanceof RunError && e.report) {
      write(args, e.report);
      summarise(args, e.report);
    }
    throw e;
  }
  write(args, report);
  summarise(args, report);
}

// Ctrl+C or a kill: leave through process.exit, so the runner removes its temporary directory
process.once('SIGINT', () => process.exit(130));
process.once('SIGTERM', () => process.exit(143));

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`izh-flow: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof RunError ? e.exitCode : 1);
  },
);
