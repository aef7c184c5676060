/**
 * Network benchmarks: wall time per simulated second of
 *  - net2003_n1000: Izhikevich's 2003 network as its example flow (800 + 200 neurons, all-to-all);
 *  - net2003_n10000_k1000: the same model at 8,000 + 2,000 neurons, each with 1,000 distinct
 *    random targets (out-degree 800 onto the excitatory and 200 onto the inhibitory population),
 *    weights, parameters and noise as net 2003;
 *  - spnet: Izhikevich's 2006 polychronization network as its example flow (with STDP).
 * Each figure is the median of several simulated seconds after a warm-up second, measured in
 * the engine (no Node-RED), so it can be set beside Brian2 and C programs of the same models.
 *
 * Targets: Brian2's fastest target on the development machine needs 0.074 s (n1000) and 0.585 s
 * (n10000) per simulated second; a C program of spnet's algorithm 0.015 s, and we stay within 3x.
 *
 *   node dist/bench/networks.js            prints BENCH lines
 */
import { compileNetwork, type FlowNode } from '../lib/flow/compiler';
import { network2003Flow, polychronizationFlow } from '../lib/flow/network-examples';
import { Network } from '../lib/engine/network';
import { normalizeNeuron } from '../lib/engine/neuron';
import { normalizeSource } from '../lib/engine/sources';
import { normalizeSynapse } from '../lib/engine/synapses';
import { formatLine, type BenchLine } from './harness';


function fromFlow(nodes: FlowNode[]): Network {
  const clock = nodes.find((n) => n.type === 'izh-clock')!;
  return new Network(compileNetwork(nodes, clock.id, undefined, { memoryBudgetMB: 4096 }).description);
}

/** The 2003 model at 8,000 + 2,000 neurons with 1,000 distinct random targets each. */
export function net2003Large(): Network {
  const E = normalizeNeuron({ size: 8000, scheme: 'izhikevich-net', a: 0.02, b: 0.2, c: '-65 + 15 * r^2', d: '8 - 6 * r^2', v0: -65 });
  const I = normalizeNeuron({ size: 2000, scheme: 'izhikevich-net', a: '0.02 + 0.08 * r', b: '0.25 - 0.05 * r', c: -65, d: 2, v0: -65 });
  const weights = (from: string) => (from === 'E' ? { weightKind: 'uniform', weightLow: 0, weightHigh: 0.5 } : { weightKind: 'uniform', weightLow: -1, weightHigh: 0 });
  const projections = [['E', 'E', 800], ['E', 'I', 200], ['I', 'E', 800], ['I', 'I', 200]].map(([pre, post, degree]) => ({
    id: `${pre}${post}`, name: `${pre}${post}`, pre: pre as string, post: post as string,
    spec: normalizeSynapse({ rule: 'out-degree', degree, autapses: false, ...weights(pre as string), delay: 1 }),
  }));
  return new Network({
    dt: 1,
    seed: 1,
    populations: [{ id: 'E', name: 'E', spec: E }, { id: 'I', name: 'I', spec: I }],
    sources: [
      { id: 'noiseE', name: 'noiseE', spec: normalizeSource({ kind: 'noise', std: 5 }), targets: ['E'] },
      { id: 'noiseI', name: 'noiseI', spec: normalizeSource({ kind: 'noise', std: 2 }), targets: ['I'] },
    ],
    projections,
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'E' }],
    stateMonitors: [],
  });
}

/** Median wall seconds per simulated second (1000 steps at dt 1 ms) over `seconds` seconds after a warm-up second. */
function wallPerSimulatedSecond(network: Network, seconds: number): number {
  const steps = Math.round(1000 / network.dt);
  network.run(steps);
  const times: number[] = [];
  for (let s = 0; s < seconds; s++) {
    const began = performance.now();
    network.run(steps);
    times.push((performance.now() - began) / 1000);
  }
  times.sort((x, y) => x - y);
  return times[Math.floor(times.length / 2)];
}

export async function networkBenchmarks(): Promise<BenchLine[]> {
  const lines: BenchLine[] = [];
  const built = (make: () => Network): { network: Network; seconds: number } => {
    const began = performance.now();
    const network = make();
    return { network, seconds: (performance.now() - began) / 1000 };
  };
  const small = built(() => fromFlow(network2003Flow()));
  lines.push({ name: 'net2003_n1000_wall_per_sim_s', value: wallPerSimulatedSecond(small.network, 7), unit: 's', target: { max: 0.074 } });
  const large = built(net2003Large);
  lines.push({ name: 'net2003_n10000_k1000_build_s', value: large.seconds, unit: 's' });
  lines.push({ name: 'net2003_n10000_k1000_wall_per_sim_s', value: wallPerSimulatedSecond(large.network, 3), unit: 's', target: { max: 0.585 } });
  const spnet = built(() => fromFlow(polychronizationFlow(10_000)));
  lines.push({ name: 'spnet_wall_per_sim_s', value: wallPerSimulatedSecond(spnet.network, 7), unit: 's', target: { max: 0.045 } });
  return lines;
}

if (require.main === module) {
  void networkBenchmarks().then((lines) => {
    for (const line of lines) process.stdout.write(`${formatLine(line)}\n`);
  });
}
