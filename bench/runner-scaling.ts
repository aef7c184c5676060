/**
 * How izh-flow scales with the size of a flow: the wall time of the command (a child process,
 * as a user runs it: start-up, deploy, runs, report) on 100 and on 1000 copies of the pattern-A
 * example flow, each copy with its own clock, and the ratio of the two (10 would be linear in the
 * flow; the start-up of Node itself makes small flows relatively dearer, so linear scaling gives
 * less than 10).
 *
 *   node dist/bench/runner-scaling.js     prints `BENCH <name> <value> <unit>` lines
 *
 * runnerScaling() returns the same lines for bench/bench.ts.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatLine, type BenchLine } from './harness';

const ROOT = join(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'bin', 'izh-flow.js');
const PATTERN_A = join(ROOT, 'flows', 'neuro-computational features (2004)', 'A tonic spiking.json');


interface FlowNode {
  id: string;
  z?: string;
  wires?: string[][];
  [key: string]: unknown;
}

/** `copies` copies of a flow, every id (and every reference to one: tab, wires) prefixed per copy. */
export function copiesOf(flow: FlowNode[], copies: number): FlowNode[] {
  const nodes: FlowNode[] = [];
  for (let c = 0; c < copies; c++) {
    const prefix = `copy${c}-`;
    for (const node of flow) {
      nodes.push({
        ...node,
        id: prefix + node.id,
        ...(typeof node.z === 'string' ? { z: prefix + node.z } : {}),
        ...(Array.isArray(node.wires) ? { wires: node.wires.map((output) => output.map((id) => prefix + id)) } : {}),
        ...(typeof node.label === 'string' ? { label: `${node.label} (${c})` } : {}),
      });
    }
  }
  return nodes;
}

/** Runs izh-flow on `copies` copies of pattern A; the wall time in seconds. */
async function timeCopies(copies: number): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'izh-bench-scaling-'));
  try {
    const flow = join(dir, 'flow.json');
    const out = join(dir, 'out.json');
    writeFileSync(flow, JSON.stringify(copiesOf(JSON.parse(readFileSync(PATTERN_A, 'utf8')), copies)));
    const began = process.hrtime.bigint();
    await new Promise<void>((resolve, reject) => {
      execFile(process.execPath, [CLI, flow, '--json', out, '--quiet'], { cwd: dir, maxBuffer: 64 * 1024 * 1024 }, (error, _stdout, stderr) => {
        if (error) reject(new Error(`izh-flow on ${copies} copies failed (${error.code}): ${stderr}`));
        else resolve();
      });
    });
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    // the run must have done the work: every clock finished, every monitor reported
    const report = JSON.parse(readFileSync(out, 'utf8')) as { clocks: Array<{ event: string }>; monitors: unknown[] };
    const finished = report.clocks.filter((c) => c.event === 'finished').length;
    if (finished !== copies || report.monitors.length !== 2 * copies) {
      throw new Error(`izh-flow on ${copies} copies: ${finished} clocks finished and ${report.monitors.length} monitors reported`);
    }
    return seconds;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runnerScaling(): Promise<BenchLine[]> {
  const small = await timeCopies(100);
  const large = await timeCopies(1000);
  return [
    { name: 'runner_copies100_s', value: small, unit: 's' },
    { name: 'runner_copies1000_s', value: large, unit: 's' },
    { name: 'runner_copies1000_over_100_ratio', value: large / small, unit: 'x', target: { max: 10 } },
  ];
}

if (require.main === module) {
  runnerScaling().then(
    (lines) => {
      for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
    },
    (e) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}
