/**
 * The child process of the eventloop benchmark (bench/eventloop.ts). An embedded Node-RED runs
 * one of two scenarios (IZH_EVENTLOOP_SCENARIO) and measures the largest event-loop delay from
 * the first command until the monitor's final message was delivered to a sink (and a few ms
 * beyond, so a block that ends with the delivery is seen):
 *  - batch: clock (batch, dt 1 ms, 1000 ms) -> constant source 10 -> 1,000,000 neurons of
 *    pattern A's parameters -> spike monitor keeping every spike -> sink; the command is start;
 *  - step: the same chain with 20,000 neurons and a state monitor keeping v of every neuron at
 *    every step; the commands are reset, one step of 1000 steps (2·10⁷ neuron updates and as many
 *    recorded values, a step at the limit that 0.1.0 computed at once), then stop.
 * Sends {type: 'result', value: EventLoopResult} over IPC.
 */
import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';
import { estimateMemory } from '../lib/engine/budget';
import { Network } from '../lib/engine/network';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeSource } from '../lib/engine/sources';
import { compileNetwork, type FlowNode } from '../lib/flow/compiler';
import { countingLogger, delay, ROOT, userDirWith, type FlowJson } from './embedded';

const SIZE = 1_000_000;
const STEP_SIZE = 20_000;
const STEPS = 1000;
const PATTERN_A = { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 };
const DT = 1;
const DURATION = 1000;
const AMPLITUDE = 10;
const MB = 1024 * 1024;

export interface EventLoopResult {
  /** the largest delay of each repetition (ms) */
  maxDelays: number[];
  spikes: number;
  budgetMB: number;
  /** the longest gaps the 1 ms probe saw, with what was going on */
  gaps: string[];
}

/** Spikes one neuron fires in the run: all the neurons are alike, so the population fires SIZE times as many. */
function spikesPerNeuron(): number {
  const network = new Network({
    dt: DT,
    populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ ...PATTERN_A, size: 1, scheme: 'izhikevich' }) }],
    sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'constant', amplitude: AMPLITUDE }), targets: ['p'] }],
    spikeMonitors: [{ id: 'm', name: 'm', population: 'p' }],
    stateMonitors: [],
  });
  network.run(Math.floor(DURATION / DT) + 1);
  return network.spikeMonitors.get('m')!.total;
}

function flowFor(scenario: Scenario, maxSpikes: number): FlowJson {
  const at = { x: 100, y: 100, z: 'tab' };
  const monitor = scenario === 'batch'
    ? { id: 'monitor', type: 'izh-spike-monitor', name: 'spikes', maxSpikes, ...at, wires: [['sink']] }
    : { id: 'monitor', type: 'izh-state-monitor', name: 'v', variables: 'v', indices: 'all', every: 1, maxValues: (STEPS + 1) * STEP_SIZE, ...at, wires: [['sink']] };
  const size = scenario === 'batch' ? SIZE : STEP_SIZE;
  return [
    { id: 'tab', type: 'tab', label: 'eventloop' },
    { id: 'clock', type: 'izh-clock', name: 'clock', dt: DT, duration: DURATION, mode: 'batch', ...at, wires: [['source'], []] },
    { id: 'source', type: 'izh-source', name: 'I = 10', kind: 'constant', amplitude: AMPLITUDE, ...at, wires: [['neuron']] },
    { id: 'neuron', type: 'izh-neuron', name: `A × ${size}`, form: '2003', size, scheme: 'izhikevich', spikeEvents: 'off', params: PATTERN_A, ...at, wires: [['monitor'], []] },
    monitor,
    { id: 'sink', type: 'function', name: 'sink', func: 'return null;', outputs: 0, noerr: 0, initialize: '', finalize: '', libs: [], ...at, wires: [] },
  ];
}

type Scenario = 'batch' | 'step';
type Final = { payload: { total?: number; times?: number[]; t?: ArrayLike<number>; truncated?: boolean }; event: string };

/** The scenario's final message holds everything: every spike (batch), every step's v (step). */
function checkFinal(scenario: Scenario, msg: Final, expectedSpikes: number): void {
  const p = msg.payload;
  if (scenario === 'batch' && (p.total !== expectedSpikes || p.times?.length !== expectedSpikes || p.truncated)) {
    throw new Error(`the spike monitor kept ${p.times?.length} of ${p.total} spikes; expected all ${expectedSpikes}`);
  }
  if (scenario === 'step' && (p.t?.length !== STEPS || p.truncated)) throw new Error(`the state monitor kept ${p.t?.length} samples; expected ${STEPS}`);
}

async function main(): Promise<void> {
  const repetitions = Number(process.env.IZH_EVENTLOOP_REPS ?? 3);
  const scenario = (process.env.IZH_EVENTLOOP_SCENARIO ?? 'batch') as Scenario;
  if (scenario !== 'batch' && scenario !== 'step') throw new Error(`IZH_EVENTLOOP_SCENARIO must be batch or step (got ${scenario})`);
  const expected = scenario === 'batch' ? spikesPerNeuron() * SIZE : 0;
  const flow = flowFor(scenario, expected);
  // the budget that just admits the run (so nothing is truncated), from the clock's own estimate
  const compiled = compileNetwork(flow as FlowNode[], 'clock', () => undefined, { memoryBudgetMB: 1e9 });
  const budgetMB = Math.ceil(estimateMemory(compiled.description, compiled.clock.settings).bytes / MB) + 1;

  const { userDir, remove } = userDirWith(flow, 'izh-eventloop-');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red');
  const log = { warn: 0, error: 0, last: [] as string[] };
  RED.init({ userDir, flowFile: 'flows.json', nodesDir: [ROOT], httpAdminRoot: false, httpNodeRoot: false, credentialSecret: false, izhClockMemoryBudget: budgetMB, logging: countingLogger(log) });
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));

  let phase = 'idle';
  let delivered: ((msg: Final) => void) | null = null;
  RED.hooks.add('onReceive.eventloop', (event: { msg: Final; destination: { id: string } }) => {
    if (event.destination.id === 'sink' && (event.msg.event === 'finished' || event.msg.event === 'stopped')) {
      phase = 'delivered';
      delivered?.(event.msg);
    }
  });
  RED.hooks.add('onSend.eventloop', (events: Array<{ source: { id: string } }>) => {
    if (events.some((e) => e.source.id === 'monitor')) phase = 'result sent';
  });
  await RED.start();
  await started;
  const clock = RED.nodes.getNode('clock');
  let paused: (() => void) | null = null;
  clock.on('izh-run', (event: { event: string }) => {
    phase = event.event === 'finished' || event.event === 'stopped' ? 'building the result' : `run ${event.event}`;
    if (event.event === 'paused') paused?.();
  });

  // a 1 ms interval probe, to say where the longest gaps fall
  // (with the CPU time the process used meanwhile: much less than the gap means it waited for a core)
  let last = performance.now();
  let lastCpu = process.cpuUsage();
  const gaps: Array<{ ms: number; where: string }> = [];
  const probe = setInterval(() => {
    const now = performance.now();
    const cpu = process.cpuUsage(lastCpu);
    if (now - last > 20) gaps.push({ ms: now - last, where: `${phase}, cpu ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms` });
    last = now;
    lastCpu = process.cpuUsage();
  }, 1);

  // garbage collection pauses over 20 ms, to tell them from our own work
  const gcObserver = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) if (entry.duration > 20 && phase !== 'idle') gaps.push({ ms: entry.duration, where: `gc pause (kind ${(entry as unknown as { detail?: { kind?: number } }).detail?.kind}) during ${phase}` });
  });
  gcObserver.observe({ entryTypes: ['gc'] });
  const maxDelays: number[] = [];
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  for (let r = 0; r < repetitions; r++) {
    (globalThis as { gc?: () => void }).gc?.();
    await delay(200);
    const done = new Promise<Final>((resolve) => (delivered = resolve));
    phase = `${scenario} command`;
    histogram.reset();
    histogram.enable();
    last = performance.now();
    lastCpu = process.cpuUsage();
    if (scenario === 'batch') {
      clock.receive({ payload: 'start' });
    } else {
      const stepped = new Promise<void>((resolve) => (paused = resolve));
      clock.receive({ payload: 'reset' });
      clock.receive({ payload: 'step', steps: STEPS });
      await stepped;
      clock.receive({ payload: 'stop' });
    }
    const msg = await done;
    await delay(30);
    histogram.disable();
    maxDelays.push(histogram.max / 1e6);
    checkFinal(scenario, msg, expected);
    phase = 'idle';
  }
  clearInterval(probe);
  gcObserver.disconnect();
  await RED.stop();
  remove();
  if (log.error > 0) throw new Error(`Node-RED logged ${log.error} errors: ${log.last.join(' | ')}`);
  gaps.sort((x, y) => y.ms - x.ms);
  const value: EventLoopResult = { maxDelays, spikes: expected, budgetMB, gaps: gaps.slice(0, 8).map((g) => `${g.ms.toFixed(1)} ms (${g.where})`) };
  process.send!({ type: 'result', value });
}

main().then(
  () => process.exit(0),
  (e) => {
    process.send?.({ type: 'error', error: e instanceof Error ? e.stack : String(e) });
    process.exit(1);
  },
);
