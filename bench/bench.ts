/**
 * npm run bench [-- --check] [-- --only group,group]: prints machine-readable lines
 * `BENCH <name> <value> <unit>`, by group:
 *  - throughput: neuron updates per second of the published scheme for N = 10,000 and
 *    N = 1,000,000, and of the general path (rk4) at N = 10,000, for comparison;
 *  - realtime: real-time runs at 0.1x, 1x and 10x: chunks per second and the lag of simulated
 *    time behind wall time × speed, in chunks;
 *  - latency: in-process latency from a clock start to the final monitor message of the
 *    pattern-A example flow, through the embedded Node-RED runtime (median and worst of 30);
 *  - eventloop: the largest event-loop delay of Node-RED over a batch run of 1,000,000 neurons
 *    whose spike monitor keeps every spike, until its result reached the next node
 *    (bench/eventloop.ts);
 *  - flood: 10,000 random commands through an http-in flow while the admin API is polled: its
 *    p99 latency and Node-RED's peak RSS (bench/flood.ts);
 *  - networks: wall time per simulated second of the 2003 network (1000 neurons, and 10,000
 *    with 1,000 targets each) and of the 2006 polychronization network (bench/networks.ts);
 *  - runner: izh-flow on 100 and on 1000 copies of pattern A, and their ratio
 *    (bench/runner-scaling.ts).
 * Lines with a target are checked by `--check`: the exit code is 1, and the missed targets are
 * listed, when a figure is above its target. Each throughput figure is the best of several
 * repetitions (the machine is shared).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_INTERVAL, Network, normalizeClock, normalizeNeuron, normalizeSource, Simulation, type Scheme } from '../lib';
import { userDirWith } from './embedded';
import { eventloopBench } from './eventloop';
import { floodBench } from './flood';
import { networkBenchmarks } from './networks';
import { runnerScaling } from './runner-scaling';
import { formatLine, missedTargets, parseBenchArgs, type BenchGroup, type BenchLine } from './harness';

const ROOT = join(__dirname, '..', '..');

function updatesPerSecond(size: number, steps: number, scheme: Scheme, repetitions: number): number {
  const network = new Network({
    dt: 0.25,
    // an RS-like population with a drive that makes it fire, so the spike path is exercised
    populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 8, v0: -70, size, scheme }) }],
    sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'constant', amplitude: 10 }), targets: ['p'] }],
    spikeMonitors: [],
    stateMonitors: [],
  });
  network.run(Math.max(1, Math.floor(steps / 10))); // warm up the JIT
  let best = 0;
  for (let r = 0; r < repetitions; r++) {
    const began = process.hrtime.bigint();
    network.run(steps);
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    best = Math.max(best, (size * steps) / seconds);
  }
  return best;
}

async function latency(repetitions: number): Promise<{ median: number; worst: number }> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red');
  const flow = JSON.parse(readFileSync(join(ROOT, 'flows', 'neuro-computational features (2004)', 'A tonic spiking.json'), 'utf8'));
  const { userDir, remove } = userDirWith(flow, 'izh-bench-');
  RED.init({ userDir, flowFile: 'flows.json', nodesDir: [ROOT], httpAdminRoot: false, httpNodeRoot: false, logging: { console: { level: 'error' } } });
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  let delivered: (() => void) | null = null;
  // the final message of each monitor arriving at the node wired to it is what a user sees
  const sinks = new Set<string>(
    flow.filter((n: { type: string }) => n.type === 'izh-spike-monitor' || n.type === 'izh-state-monitor').flatMap((n: { wires: string[][] }) => n.wires[0]),
  );
  let pending = 0;
  RED.hooks.add('onReceive.bench', (event: { msg: { event?: string }; destination: { id: string } }) => {
    if (sinks.has(event.destination.id) && event.msg.event === 'finished' && --pending === 0) delivered?.();
  });
  await RED.start();
  await started;
  const clock = RED.nodes.getNode(flow.find((n: { type: string }) => n.type === 'izh-clock').id);
  const times: number[] = [];
  for (let r = 0; r < repetitions; r++) {
    pending = sinks.size;
    const done = new Promise<void>((resolve) => (delivered = resolve));
    const began = performance.now();
    clock.receive({ payload: 'start' });
    await done;
    times.push(performance.now() - began);
  }
  await RED.stop();
  remove();
  times.sort((x, y) => x - y);
  return { median: times[Math.floor(times.length / 2)], worst: times[times.length - 1] };
}

/**
 * A real-time run of pattern A's neuron (100 neurons, so there is work to do) for `seconds` of
 * wall time: chunks per second, and the largest distance between simulated time and wall time
 * × speed, in units of one chunk (interval × speed of simulated time).
 */
function realtime(speed: number, seconds: number): Promise<{ rate: number; lagChunks: number }> {
  const network = new Network({
    dt: 0.25,
    populations: [{ id: 'p', name: 'p', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, size: 100 }) }],
    sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'step', amplitude: 14, onset: 10 }), targets: ['p'] }],
    spikeMonitors: [],
    stateMonitors: [],
  });
  const interval = DEFAULT_INTERVAL;
  let chunks = 0;
  let worst = 0;
  let began = 0;
  return new Promise((resolve) => {
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: '', mode: 'realtime', speed, interval }), {
      onChunk: () => {
        chunks++;
        const expected = (performance.now() - began) * speed;
        worst = Math.max(worst, Math.abs(expected - network.time) / (interval * speed));
      },
    });
    began = performance.now();
    simulation.start();
    setTimeout(() => {
      simulation.stop();
      resolve({ rate: chunks / ((performance.now() - began) / 1000), lagChunks: worst });
    }, seconds * 1000);
  });
}

const GROUPS: BenchGroup[] = [
  {
    name: 'throughput',
    run: async () => [
      { name: 'neuron_updates_n10000_izhikevich', value: updatesPerSecond(10_000, 20_000, 'izhikevich', 5) / 1e6, unit: 'M/s' },
      { name: 'neuron_updates_n1000000_izhikevich', value: updatesPerSecond(1_000_000, 200, 'izhikevich', 5) / 1e6, unit: 'M/s' },
      { name: 'neuron_updates_n10000_rk4', value: updatesPerSecond(10_000, 2_000, 'rk4', 3) / 1e6, unit: 'M/s' },
    ],
  },
  {
    name: 'realtime',
    run: async () => {
      const lines: BenchLine[] = [];
      for (const speed of [0.1, 1, 10]) {
        const { rate, lagChunks } = await realtime(speed, 3);
        lines.push({ name: `realtime_speed${speed}_updates_per_second`, value: rate, unit: '1/s' });
        lines.push({ name: `realtime_speed${speed}_max_lag`, value: lagChunks, unit: 'chunks' });
      }
      return lines;
    },
  },
  {
    name: 'latency',
    run: async () => {
      const { median, worst } = await latency(30);
      return [
        { name: 'pattern_a_start_to_final_message_median', value: median, unit: 'ms' },
        { name: 'pattern_a_start_to_final_message_worst', value: worst, unit: 'ms' },
      ];
    },
  },
  { name: 'eventloop', run: eventloopBench },
  { name: 'flood', run: floodBench },
  { name: 'networks', run: networkBenchmarks },
  { name: 'runner', run: runnerScaling },
];

async function main(): Promise<void> {
  const options = parseBenchArgs(process.argv.slice(2), GROUPS.map((g) => g.name));
  const lines: BenchLine[] = [];
  const failed: string[] = [];
  for (const group of GROUPS) {
    if (options.only && !options.only.includes(group.name)) continue;
    try {
      for (const line of await group.run()) {
        lines.push(line);
        process.stdout.write(`${formatLine(line)}\n`);
      }
    } catch (e) {
      failed.push(group.name);
      process.stderr.write(`bench: the ${group.name} group failed: ${e instanceof Error ? e.stack : String(e)}\n`);
    }
  }
  if (!options.check) {
    if (failed.length > 0) process.exitCode = 1;
    return;
  }
  const missed = missedTargets(lines);
  for (const line of missed) process.stdout.write(`MISSED ${formatLine(line).slice('BENCH '.length)}, target at most ${Number(line.target!.max.toPrecision(4))} ${line.unit}\n`);
  for (const name of failed) process.stdout.write(`MISSED group ${name} failed to run\n`);
  const checked = lines.filter((l) => l.target !== undefined).length;
  process.stdout.write(missed.length + failed.length === 0 ? `CHECK passed: ${checked} targets met\n` : `CHECK failed: ${missed.length} of ${checked} targets missed${failed.length ? `, ${failed.length} groups failed` : ''}\n`);
  if (missed.length + failed.length > 0) process.exitCode = 1;
}

main().then(
  () => process.exit(process.exitCode ?? 0),
  (e) => {
    process.stderr.write(`bench failed: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  },
);
