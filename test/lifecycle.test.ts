/**
 * Lifecycle: deploy, redeploy (full and modified nodes only) and stop while runs are in
 * progress, 200 times over. Afterwards nothing of ours is left scheduled or listening, the heap
 * has not grown with the cycles, and a fresh run gives the same results as the first. Several
 * clocks on several tabs run at once without sharing state.
 */
import helper from 'node-red-node-test-helper';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Simulation } from '../lib/engine/simulation';
import { collect, ended, errorsOf, eventNames, expectKnownGoodRun, next, NODES, PATTERN_A, patternA, until, type Flow, withPositions } from './flow-helpers';
import { REFERENCE, simulateReference } from './reference';
import { openTimerLedger } from './support/timer-ledger';

helper.init(require.resolve('node-red'));

/** A garbage collector to call: --expose-gc when given, else switched on now. */
function collector(): () => void {
  const g = (globalThis as { gc?: () => void }).gc;
  if (g) return g;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}
const gc = collector();
/** The JS heap and the memory outside it (typed arrays keep their data there), after a full collection. */
function memoryAfterGc(): { heapUsed: number; external: number } {
  for (let i = 0; i < 3; i++) gc();
  const { heapUsed, external } = process.memoryUsage();
  return { heapUsed, external };
}

const runtimeEvents = () => (helper as unknown as { _events: NodeJS.EventEmitter })._events;
const startedListeners = () => runtimeEvents().listenerCount('flows:started');

/**
 * A deploy of `type` ("full" or "nodes": modified nodes only), as the editor's deploy button
 * does it. Like helper.setFlows, but it listens for flows:started before deploying and waits as
 * long as it takes (helper.setFlows gives up after 300 ms, too short for a busy machine).
 */
async function deploy(flow: Flow, type: 'full' | 'nodes'): Promise<void> {
  const started = new Promise<void>((resolve) => runtimeEvents().once('flows:started', () => resolve()));
  await (helper as unknown as { _redNodes: { setFlows(f: Flow, c: object, t: string): Promise<unknown> } })._redNodes.setFlows(flow, {}, type);
  await started;
}

/**
 * Two tabs. "tb": a batch clock whose state monitor records 10 noisy neurons for 2500 ms
 * (10,001 samples each). "tr": an open-ended real-time clock over 100 noisy neurons with live
 * monitors. `variant` changes the batch neuron's d and the real-time source's mean.
 */
function twoTabs(variant: number, startOnDeploy: boolean): Flow {
  return withPositions([
    { id: 'tb', type: 'tab', label: 'batch' },
    { id: 'bc', z: 'tb', type: 'izh-clock', name: 'batch', dt: 0.25, duration: 2500, mode: 'batch', wires: [['bs'], ['be']] },
    { id: 'bs', z: 'tb', type: 'izh-source', name: 'noise', kind: 'noise', mean: 10, std: 3, seed: 5, wires: [['bn']] },
    { id: 'bn', z: 'tb', type: 'izh-neuron', name: 'RS', size: 10, params: { a: 0.02, b: 0.2, c: -65, d: 6 + variant, v0: -70 }, wires: [['bm', 'bsp']] },
    { id: 'bm', z: 'tb', type: 'izh-state-monitor', name: 'trace', variables: 'v', indices: 'all', every: 1, wires: [['bo']] },
    { id: 'bsp', z: 'tb', type: 'izh-spike-monitor', name: 'spikes', wires: [['bso']] },
    { id: 'be', z: 'tb', type: 'helper' },
    { id: 'bo', z: 'tb', type: 'helper' },
    { id: 'bso', z: 'tb', type: 'helper' },
    { id: 'tr', type: 'tab', label: 'real time' },
    { id: 'rc', z: 'tr', type: 'izh-clock', name: 'live', dt: 0.5, duration: '', mode: 'realtime', speed: 1, interval: 10, startOnDeploy, wires: [['rs'], ['re']] },
    { id: 'rs', z: 'tr', type: 'izh-source', name: 'drive', kind: 'noise', mean: 8 + variant, std: 4, seed: 9, wires: [['rn']] },
    { id: 'rn', z: 'tr', type: 'izh-neuron', name: 'cells', size: 100, spikeEvents: 'chunk', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [['rsp', 'rm'], ['rev']] },
    { id: 'rsp', z: 'tr', type: 'izh-spike-monitor', name: 'raster', live: true, wires: [['rso']] },
    { id: 'rm', z: 'tr', type: 'izh-state-monitor', name: 'v', variables: 'v,I', indices: '0, 1', live: true, wires: [['rmo']] },
    { id: 're', z: 'tr', type: 'helper' },
    { id: 'rev', z: 'tr', type: 'helper' },
    { id: 'rso', z: 'tr', type: 'helper' },
    { id: 'rmo', z: 'tr', type: 'helper' },
  ]);
}

/** Starts the batch clock and resolves with what its monitors sent at the end. */
async function batchRun(): Promise<{ v: number[][]; times: number[] }> {
  const trace = next('bo', (m) => m.event === 'finished');
  const spikes = next('bso', (m) => m.event === 'finished');
  helper.getNode('bc').receive({ payload: 'start' });
  return { v: (await trace).payload.v, times: (await spikes).payload.times };
}

/** Waits until the real-time clock has sent a live chunk of its own (so its run is in progress). */
const liveChunk = () => next('rmo', (m) => m.event === 'chunk');

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('200 cycles of deploy, redeploy and stop while running', () => {
  it('leave no timers, listeners or memory behind, and the same results', async () => {
    // settle the runtime and the JIT before measuring
    await expectKnownGoodRun();
    const ledger = openTimerLedger();
    const listenersBefore = startedListeners();
    const firstResults = new Map<number, { v: number[][]; times: number[] }>();
    const memory: Array<{ heapUsed: number; external: number }> = [];

    for (let cycle = 0; cycle < 200; cycle++) {
      const variant = cycle % 2;
      // deploy; on odd cycles the real-time clock starts on deploy
      await helper.load(NODES, twoTabs(variant, variant === 1));
      if (variant === 0) helper.getNode('rc').receive({ payload: 'start' });
      await liveChunk();
      // a batch run, interrupted by a modified-nodes deploy that changes the batch neuron and the live source
      helper.getNode('bc').receive({ payload: 'start' });
      await deploy(twoTabs(1 - variant, variant === 1), 'nodes');
      // the new parameters apply to the next run
      const result = await batchRun();
      if (!firstResults.has(1 - variant)) firstResults.set(1 - variant, result);
      else expect(result).toEqual(firstResults.get(1 - variant));
      expect(result.v).toHaveLength(10);
      expect(result.v[0]).toHaveLength(10_001);
      // a full deploy while both clocks run
      helper.getNode('rc').receive({ payload: 'start' });
      helper.getNode('bc').receive({ payload: 'start' });
      await deploy(twoTabs(variant, false), 'full');
      // stop while running: the batch clock by command, the live one by removing the flows
      helper.getNode('rc').receive({ payload: 'start' });
      await liveChunk();
      const stopped = next('be', (m) => m.payload.event === 'stopped');
      helper.getNode('bc').receive({ payload: 'start' });
      helper.getNode('bc').receive({ payload: 'stop' });
      expect((await stopped).payload.t).toBeLessThan(2500);
      for (const id of ['bc', 'bs', 'bn', 'bm', 'bsp', 'rc', 'rs', 'rn', 'rsp', 'rm']) expect(errorsOf(id), id).toEqual([]);
      await helper.unload();
      if (cycle === 19 || cycle === 199) memory.push(memoryAfterGc());
    }

    // nothing of ours is scheduled or listening any more
    ledger.close();
    expect(ledger.scheduled).toBeGreaterThan(1000);
    expect(ledger.pending).toBe(0);
    expect(startedListeners()).toBe(listenersBefore);
    // memory did not grow with the cycles: one leaked run alone holds about 1 MB of samples
    // (in typed arrays, outside the JS heap), so 180 leaked cycles would add far more than 20 MB
    const mb = (x: number) => (x / 2 ** 20).toFixed(1);
    const growth = (memory[1].heapUsed + memory[1].external - memory[0].heapUsed - memory[0].external) / 2 ** 20;
    process.stdout.write(
      `LIFECYCLE cycle20 heapUsedMB=${mb(memory[0].heapUsed)} externalMB=${mb(memory[0].external)} ` +
        `cycle200 heapUsedMB=${mb(memory[1].heapUsed)} externalMB=${mb(memory[1].external)} growthMB=${growth.toFixed(2)}\n`,
    );
    expect(growth).toBeLessThan(20);

    // a fresh deploy gives the results of the first cycles
    await helper.load(NODES, twoTabs(1, false));
    expect(await batchRun()).toEqual(firstResults.get(1));
    await helper.unload();
    await expectKnownGoodRun();
  }, 120_000);
});

describe('several clocks at once', () => {
  /** Pattern C (tonic bursting) with ids prefixed "c-", on its own tab. */
  function patternC(clock: object = {}): Flow {
    return patternA({
      clock: { duration: 220, ...clock },
      source: { amplitude: 15, onset: 22 },
      neuron: { name: 'C', params: { a: 0.02, b: 0.2, c: -50, d: 2, v0: -70 } },
    }, 'c-', 'tab-c');
  }
  const PATTERN_C = simulateReference(REFERENCE.C);

  it('run on two tabs side by side, each giving its own published spike times', async () => {
    await helper.load(NODES, [...patternA({ clock: { mode: 'realtime', speed: 4, interval: 10 } }), ...patternC({ mode: 'realtime', speed: 8, interval: 10 })]);
    const a = next('spikeOut');
    const c = next('c-spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    helper.getNode('c-clock').receive({ payload: 'start' });
    expect((await a).payload.times).toEqual(PATTERN_A.spikes);
    expect((await c).payload.times).toEqual(PATTERN_C.spikes);
    // batch clocks interleave their slices the same way
    const a2 = next('spikeOut');
    const c2 = next('c-spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    helper.getNode('c-clock').receive({ payload: 'start' });
    expect((await c2).payload.times).toEqual(PATTERN_C.spikes);
    expect((await a2).payload.times).toEqual(PATTERN_A.spikes);
  });

  it('stopping, pausing or redeploying one leaves the other alone', async () => {
    const flow = [...patternA({ clock: { mode: 'realtime', duration: '', speed: 2, interval: 10 }, state: { live: true } }), ...patternC({ mode: 'realtime', speed: 4, interval: 10 })];
    await helper.load(NODES, flow);
    const aEvents = collect('events');
    const c = next('c-spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    helper.getNode('c-clock').receive({ payload: 'start' });
    // both run: A has sent a chunk
    await next('traceOut', (m) => m.event === 'chunk');
    helper.getNode('clock').receive({ payload: 'pause' });
    helper.getNode('clock').receive({ payload: 'resume' });
    helper.getNode('clock').receive({ payload: 'stop' });
    expect((await c).payload.times).toEqual(PATTERN_C.spikes);
    await until('events', () => aEvents.some(ended));
    expect(eventNames(aEvents)).toEqual(['started', 'paused', 'resumed', 'stopped']);

    // a modified-nodes deploy of tab A's neuron while C runs: C is untouched
    const c2 = next('c-spikeOut', (m) => m.event === 'finished');
    helper.getNode('c-clock').receive({ payload: 'start' });
    const changed = flow.map((n) => (n.id === 'neuron' ? { ...n, params: { a: 0.02, b: 0.2, c: -65, d: 8, v0: -70 } } : n));
    await deploy(changed, 'nodes');
    expect((await c2).payload.times).toEqual(PATTERN_C.spikes);
    // and A's next run uses the new parameters
    const a = next('spikeOut', (m) => m.event === 'finished' || m.event === 'stopped');
    helper.getNode('clock').receive({ payload: 'start', duration: 100 });
    const expected = simulateReference({ ...REFERENCE.A, d: 8 }).spikes;
    expect((await a).payload.times).toEqual(expected);
    for (const id of ['clock', 'c-clock', 'neuron', 'c-neuron']) expect(errorsOf(id)).toEqual([]);
  });

  it('a modified-nodes deploy stops a run whose network it changed, says why, and leaves the others running', async () => {
    const flow = [
      ...patternA({ clock: { mode: 'realtime', duration: '', speed: 1, interval: 10 }, source: { kind: 'constant', amplitude: 14 }, state: { live: true, variables: 'I' } }),
      ...patternC({ mode: 'realtime', duration: '', speed: 1, interval: 10 }),
    ];
    await helper.load(NODES, flow);
    const aEvents = collect('events');
    const cEvents = collect('c-events');
    helper.getNode('clock').receive({ payload: 'start' });
    helper.getNode('c-clock').receive({ payload: 'start' });
    await next('traceOut', (m) => m.event === 'chunk');
    const warning = new Promise<string>((resolve) => helper.getNode('clock').once('call:warn', (call: { args: string[] }) => resolve(call.args[0])));
    await deploy(flow.map((n) => (n.id === 'source' ? { ...n, amplitude: 3 } : n)), 'nodes');
    expect(await warning).toBe('clock "clock": the deploy changed nodes of the running network, so the run stopped; start it again to run the new flow');
    await until('events', () => aEvents.some(ended));
    expect(eventNames(aEvents)).toEqual(['started', 'stopped']);
    // the other tab's clock goes on: the next thing it says is that it paused when asked
    expect(eventNames(cEvents)).toEqual(['started']);
    const cNext = next('c-events', (m) => m.payload.event !== 'progress');
    helper.getNode('c-clock').receive({ payload: 'pause' });
    expect((await cNext).payload.event).toBe('paused');
    // the next run has the deployed amplitude, and messages reach the new source node
    helper.getNode('clock').receive({ payload: 'start' });
    const first = await next('traceOut', (m) => m.event === 'chunk');
    expect(first.payload.I[0][0]).toBe(3);
    helper.getNode('source').receive({ payload: 7 });
    const later = await next('traceOut', (m) => m.event === 'chunk');
    expect(later.payload.I[0].at(-1)).toBe(7);
    // a deploy that touches nothing of the network leaves the run alone: the next thing the
    // clock says is that it paused when asked, not that it stopped
    const aNext = next('events', (m) => m.payload.event !== 'progress');
    await deploy([...flow.map((n) => (n.id === 'source' ? { ...n, amplitude: 3 } : n)), { id: 'extra', z: 'tab', type: 'helper', x: 1, y: 1 }], 'nodes');
    helper.getNode('clock').receive({ payload: 'pause' });
    expect((await aNext).payload.event).toBe('paused');
    expect(eventNames(aEvents)).toEqual(['started', 'stopped', 'started', 'paused']);
    for (const id of ['clock', 'c-clock', 'source']) expect(errorsOf(id)).toEqual([]);
  });

  it('end every run when the flows stop, with nothing left scheduled', async () => {
    const ledger = openTimerLedger();
    const start = vi.spyOn(Simulation.prototype, 'start');
    try {
      await helper.load(NODES, [
        ...patternA({ clock: { mode: 'realtime', duration: '', speed: 1, interval: 10 }, state: { live: true } }),
        ...patternC({ mode: 'realtime', duration: '', speed: 1, interval: 10 }),
      ]);
      helper.getNode('clock').receive({ payload: 'start' });
      helper.getNode('c-clock').receive({ payload: 'start' });
      await next('traceOut', (m) => m.event === 'chunk');
      const simulations = start.mock.contexts as Simulation[];
      expect(simulations).toHaveLength(2);
      expect(simulations.map((sim) => sim.state)).toEqual(['running', 'running']);
      expect(ledger.pending).toBe(2);
      await helper.unload();
      // both runs ended with the flows, and neither left anything scheduled
      expect(simulations.map((sim) => sim.state)).toEqual(['done', 'done']);
      expect(ledger.pending).toBe(0);
    } finally {
      start.mockRestore();
      ledger.close();
    }
  });
});
