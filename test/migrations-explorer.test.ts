/**
 * The explorer dashboard of release 0.1.0 (test/fixtures/0.1.0/, see test/migrations.test.ts)
 * loads into today's nodes and runs unchanged: its batch clock (pattern A for 100 ms) and its
 * real-time clock, stepped through the same 401 steps with `step` (no wall clock involved), give
 * pattern A's published spikes. The dashboard widgets and the other ordinary nodes are stood in
 * for by helper nodes of the same ids.
 */
import helper from 'node-red-node-test-helper';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunEvent } from '../lib/engine/simulation';
import type { FlowNode } from '../lib/flow/compiler';
import { RUN_EVENT } from '../nodes/izh-clock';
import { errorsOf, lastStatus, NODES, PATTERN_A } from './flow-helpers';

helper.init(require.resolve('node-red'));

const FILE = join(__dirname, 'fixtures', '0.1.0', 'dashboard (needs Dashboard 2)', 'explorer.json');
const saved = JSON.parse(readFileSync(FILE, 'utf8')) as FlowNode[];
const flow = saved.map((n) => (n.type.startsWith('izh-') || n.type === 'tab' ? n : { id: n.id, type: 'helper', z: n.z, x: 0, y: 0, wires: n.wires ?? [] }));

/** Resolves with the clock's next run event of one of these kinds. */
function nextRunEvent(clock: string, events: string[]): Promise<RunEvent> {
  return new Promise((resolve) => {
    const node = helper.getNode(clock);
    const handler = (event: RunEvent) => {
      if (!events.includes(event.event)) return;
      node.removeListener(RUN_EVENT, handler);
      resolve(event);
    };
    node.on(RUN_EVENT, handler);
  });
}
const spikesOf = (monitor: string) => (helper.getNode(monitor) as unknown as { izhResult?: { result: { times: number[] } } }).izhResult?.result.times;

beforeAll(() => helper.startServer());
afterAll(() => helper.stopServer());

describe('the explorer of release 0.1.0', () => {
  beforeAll(() => helper.load(NODES, flow));
  afterAll(() => helper.unload());

  it('loads without an error, its clocks ready', () => {
    for (const n of saved.filter((x) => x.type.startsWith('izh-'))) expect(errorsOf(n.id), n.id).toEqual([]);
    expect(lastStatus('izh-explorer-rt-clock')).toMatchObject({ fill: 'grey', text: 'ready, dt 0.25 ms' });
    expect(lastStatus('izh-explorer-batch-clock')).toMatchObject({ fill: 'grey', text: 'ready, dt 0.25 ms' });
  });

  it("runs the batch page's pattern A", async () => {
    const done = nextRunEvent('izh-explorer-batch-clock', ['finished', 'error']);
    helper.getNode('izh-explorer-batch-clock').receive({ payload: 'start' });
    expect(await done).toMatchObject({ event: 'finished', t: 100, steps: 401 });
    expect(spikesOf('izh-explorer-batch-spikes')).toEqual(PATTERN_A.spikes);
  });

  it("runs the real-time page's pattern A, stepped", async () => {
    const stopped = nextRunEvent('izh-explorer-rt-clock', ['stopped', 'error']);
    helper.getNode('izh-explorer-rt-clock').receive({ payload: 'step', steps: 401 });
    helper.getNode('izh-explorer-rt-clock').receive({ payload: 'stop' });
    expect(await stopped).toMatchObject({ event: 'stopped', t: 100, steps: 401, mode: 'realtime' });
    expect(spikesOf('izh-explorer-rt-spikes')).toEqual(PATTERN_A.spikes);
  });
});
