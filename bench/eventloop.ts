/**
 * eventloop_max_ms_batch_n1e6: the largest event-loop delay of Node-RED while a batch run of
 * 1,000,000 neurons (pattern A's parameters, constant input 10, dt 1 ms, 1000 ms) goes on and
 * its spike monitor, keeping every spike, sends its result to a sink: from the start command
 * until that message was delivered. Median of three runs in a child process of its own.
 * `node dist/bench/eventloop.js` runs it alone.
 */
import { runChild } from './embedded';
import type { EventLoopResult } from './eventloop-child';
import { formatLine, median, type BenchLine } from './harness';

export const EVENTLOOP_TARGET_MS = 50;

export async function eventloopBench(): Promise<BenchLine[]> {
  const { result } = runChild<EventLoopResult>('eventloop-child.js', {}, ['--expose-gc']);
  const value = await result;
  process.stderr.write(
    `eventloop: ${value.spikes.toLocaleString('en-US')} spikes kept (budget ${value.budgetMB} MB); max delay per run ${value.maxDelays.map((x) => x.toFixed(1)).join(', ')} ms; ` +
      `longest gaps: ${value.gaps.join('; ') || 'none over 20 ms'}\n`,
  );
  return [{ name: 'eventloop_max_ms_batch_n1e6', value: median(value.maxDelays), unit: 'ms', target: { max: EVENTLOOP_TARGET_MS } }];
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
