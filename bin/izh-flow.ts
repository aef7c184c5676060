#!/usr/bin/env node
/**
 * izh-flow: run a Node-RED flow file headless and write what its monitors recorded.
 *
 *   izh-flow FLOW.json [--json OUT.json] [--csv DIR] [--timeout MS] [--memory-budget MB] [--quiet]
 *
 * Exit codes: 0 all runs finished; 1 a run failed or timed out; 2 bad arguments or an invalid flow.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { RunError, runFlow, toCsv } from './runner';

const USAGE = 'usage: izh-flow FLOW.json [--json OUT.json] [--csv DIR] [--timeout MS] [--memory-budget MB] [--quiet]';

interface Args { flow: string; json?: string; csv?: string; timeoutMs?: number; memoryBudgetMB?: number; quiet: boolean }

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

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  let nodes: unknown;
  try {
    nodes = JSON.parse(readFileSync(args.flow, 'utf8'));
  } catch (e) {
    throw new RunError(`cannot read the flow ${args.flow}: ${(e as Error).message}`, 2);
  }
  const report = await runFlow(nodes as never, { timeoutMs: args.timeoutMs, memoryBudgetMB: args.memoryBudgetMB });
  const text = JSON.stringify(report);
  if (args.json) writeFileSync(args.json, text);
  if (args.csv) {
    mkdirSync(args.csv, { recursive: true });
    for (const { file, text: csv } of toCsv(report)) writeFileSync(join(args.csv, file), csv);
  }
  if (!args.json && !args.csv) process.stdout.write(`${text}\n`);
  if (!args.quiet) {
    for (const c of report.clocks) process.stderr.write(`${c.name}: ${c.event} at ${c.t} ms (${c.steps} steps, ${c.wallMs.toFixed(1)} ms wall)\n`);
    for (const m of report.monitors) process.stderr.write(`${m.name}: ${m.type === 'spike' ? `${m.total} spikes` : `${m.t.length} samples`}\n`);
  }
}

main().then(
  () => process.exit(0),
  (e) => {
    process.stderr.write(`izh-flow: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(e instanceof RunError ? e.exitCode : 1);
  },
);
