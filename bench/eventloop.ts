/**
 * Event-loop delays of Node-RED under big work (the scenarios are in bench/eventloop-child.ts),
 * each the median of three repetitions in a child process of its own:
 *  - eventloop_max_ms_batch_n1e6: a batch run of 1,000,000 neurons (pattern A's parameters,
 *    constant input 10, dt 1 ms, 1000 ms) whose spike monitor keeps every spike, from the start
 *    command until its result was delivered;
 *  - eventloop_max_ms_step_n2e7: a step command of 2·10⁷ neuron updates (20,000 neurons, 1000
 *    steps) with a state monitor keeping v of every neuron, then stop, until its result was
 *    delivered.
 * `node dist/bench/eventloop.js` runs them alone.
 */
import { runChild } from './embedded';
import type { EventLoopResult } from './eventloop-child';
import { formatLine, median, type BenchLine } from './harness';

export const EVENTLOOP_TARGET_MS = 50;

async function scenario(name: 'batch' | 'step', line: string): Promise<BenchLine> {
  const value = await runChild<EventLoopResult>('eventloop-child.js', { IZH_EVENTLOOP_SCENARIO: name }, ['--expose-gc']).result;
  const kept = name === 'batch' ? `${value.spikes.toLocaleString('en-US')} spikes kept` : 'v of 20,000 neurons over 1000 steps kept';
  process.stderr.write(
    `eventloop ${name}: ${kept} (budget ${value.budgetMB} MB); max delay per run ${value.maxDelays.map((x) => x.toFixed(1)).join(', ')} ms; ` +
      `longest gaps: ${value.gaps.join('; ') || 'none over 20 ms'}\n`,
  );
  return { name: line, value: median(value.maxDelays), unit: 'ms', target: { max: EVENTLOOP_TARGET_MS } };
}

export async function eventloopBench(): Promise<BenchLine[]> {
  return [await scenario('batch', 'eventloop_max_ms_batch_n1e6'), await scenario('step', 'eventloop_max_ms_step_n2e7')];
}

if (require.main === module) {
  eventloopBench().then(
    (lines) => {
      for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`eventloop failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
