/**
 * The example flows of networks (flows/networks/), built here so they never drift from the
 * specification in docs/networks.md; scripts/make-flows.mjs writes them out:
 *  - network 2003: Izhikevich's 1000-neuron network from two neuron nodes and four synapse nodes;
 *  - delay chain: a spike travelling along five neurons, 5 ms per link;
 *  - poisson input: a population driven by a Poisson generator through random synapses;
 *  - polychronization 2006: Izhikevich's network with axonal delays and STDP;
 *  - stdp pair: two neurons and one plastic synapse, pre-before-post then post-before-pre.
 */
import { NODE_TYPES, type FlowNode } from './compiler';
import { asSaved } from './examples';
import { DEFAULT_INTERVAL } from '../engine/simulation';
import { initialConfig } from '../engine/schema';

/** Every field of a synapse node, with the defaults of its edit dialog (lib/engine/schema.ts). */
export const SYNAPSE_DEFAULTS: Record<string, unknown> = initialConfig(NODE_TYPES.synapse);

interface Builder {
  tab: string;
  id(part: string): string;
  nodes: FlowNode[];
}

function builder(prefix: string, title: string, info: string): Builder {
  const tab = `izh-${prefix}-tab`;
  const b: Builder = { tab, id: (part) => `izh-${prefix}-${part}`, nodes: [{ id: tab, type: 'tab', label: title, disabled: false, info }] };
  return b;
}

const place = (x: number, y: number) => ({ x, y });

function comment(b: Builder, name: string, info: string): void {
  b.nodes.push({ id: b.id('comment'), type: 'comment', z: b.tab, name, info, ...place(260, 40), wires: [] });
}

function clock(b: Builder, dt: number, duration: number, targets: string[], name: string, y = 140): void {
  b.nodes.push({
    id: b.id('clock'), type: NODE_TYPES.clock, z: b.tab, name, dt, duration, mode: 'batch', speed: 1, interval: DEFAULT_INTERVAL,
    startOnDeploy: false, seed: 1, ...place(120, y), wires: [targets, []],
  });
}

function neuron(b: Builder, part: string, name: string, size: number, params: Record<string, unknown>, outputs: string[], at: [number, number], scheme = 'izhikevich-net'): void {
  b.nodes.push({
    id: b.id(part), type: NODE_TYPES.neuron, z: b.tab, name, form: '2003', size, scheme, spikeEvents: 'off', seed: '', params,
    ...place(...at), wires: [outputs, []],
  });
}

function synapse(b: Builder, part: string, name: string, fields: Record<string, unknown>, target: string[], at: [number, number]): void {
  b.nodes.push({ id: b.id(part), type: NODE_TYPES.synapse, z: b.tab, name, ...SYNAPSE_DEFAULTS, ...fields, ...place(...at), wires: [target, []] });
}

function source(b: Builder, part: string, name: string, fields: Record<string, unknown>, target: string, at: [number, number]): void {
  b.nodes.push({ id: b.id(part), type: NODE_TYPES.source, z: b.tab, name, ...fields, ...place(...at), wires: [[b.id(target)]] });
}

function debug(b: Builder, part: string, name: string, property: string, at: [number, number]): string {
  b.nodes.push({
    id: b.id(part), type: 'debug', z: b.tab, name, active: true, tosidebar: true, console: false, tostatus: false,
    complete: property, targetType: 'msg', statusVal: '', statusType: 'auto', ...place(...at), wires: [],
  });
  return b.id(part);
}

function spikeMonitor(b: Builder, part: string, name: string, at: [number, number], extra: Record<string, unknown> = {}): void {
  const sink = debug(b, `${part}-debug`, `${name}: spike counts`, 'payload.total', [at[0] + 240, at[1]]);
  b.nodes.push({ id: b.id(part), type: NODE_TYPES.spikeMonitor, z: b.tab, name, live: false, format: 'arrays', ...extra, ...place(...at), wires: [[sink]] });
}

function rateMonitor(b: Builder, part: string, name: string, at: [number, number], extra: Record<string, unknown> = {}): void {
  const sink = debug(b, `${part}-debug`, `${name}: rate`, 'payload', [at[0] + 240, at[1]]);
  b.nodes.push({ id: b.id(part), type: NODE_TYPES.rateMonitor, z: b.tab, name, bin: 1, smoothing: '', window: '', live: false, format: 'arrays', ...extra, ...place(...at), wires: [[sink]] });
}

function weightMonitor(b: Builder, part: string, name: string, at: [number, number], extra: Record<string, unknown> = {}): void {
  const sink = debug(b, `${part}-debug`, `${name}: weights`, 'payload', [at[0] + 240, at[1]]);
  b.nodes.push({ id: b.id(part), type: NODE_TYPES.weightMonitor, z: b.tab, name, every: 100, bins: 20, low: '', high: '', live: false, format: 'arrays', ...extra, ...place(...at), wires: [[sink]] });
}

/** Izhikevich's 2003 network: 800 excitatory and 200 inhibitory neurons, all-to-all, thalamic noise (docs/networks.md). */
export function network2003Flow(): FlowNode[] {
  const b = builder('net2003', 'network 2003', 'E. M. Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural Networks 14(6):1569-1572, 2003 (net.m)');
  comment(b, 'Izhikevich 2003 network: press the clock\'s button', [
    '**The 1000-neuron network of Izhikevich (2003)**, built from two neuron nodes and four synapse nodes.',
    '',
    '- 800 excitatory neurons: a = 0.02, b = 0.2, c = -65 + 15 r², d = 8 - 6 r² (r drawn once per neuron);',
    '- 200 inhibitory neurons: a = 0.02 + 0.08 r, b = 0.25 - 0.05 r, c = -65, d = 2;',
    '- all-to-all synapses (self-connections included), delay 1 ms: weights uniform in [0, 0.5) from',
    '  excitatory and in [-1, 0) from inhibitory neurons;',
    '- thalamic input: Gaussian noise of sd 5 (excitatory) and 2 (inhibitory), fresh every ms;',
    '- the half-step scheme of net.m (izhikevich-net) at dt = 1 ms.',
    '',
    'What to look for: about 7 spikes per neuron in a second, and in the raster episodes of alpha',
    '(about 10 Hz) and gamma (about 40 Hz) rhythms. It takes well under a second to run.',
  ].join('\n'));
  clock(b, 1, 1000, [b.id('noiseE'), b.id('noiseI')], 'dt 1 ms, 1000 ms', 160);
  source(b, 'noiseE', 'thalamic noise sd 5', { kind: 'noise', mean: 0, std: 5, seed: '' }, 'E', [320, 100]);
  source(b, 'noiseI', 'thalamic noise sd 2', { kind: 'noise', mean: 0, std: 2, seed: '' }, 'I', [320, 260]);
  neuron(b, 'E', 'excitatory', 800, { a: 0.02, b: 0.2, c: '-65 + 15 * r^2', d: '8 - 6 * r^2', v0: -65 },
    [b.id('EE'), b.id('EI'), b.id('spikesE'), b.id('rateE')], [540, 100]);
  neuron(b, 'I', 'inhibitory', 200, { a: '0.02 + 0.08 * r', b: '0.25 - 0.05 * r', c: -65, d: 2, v0: -65 },
    [b.id('IE'), b.id('II'), b.id('spikesI'), b.id('rateI')], [540, 260]);
  const fromE = { rule: 'all-to-all', autapses: true, weightKind: 'uniform', weightLow: 0, weightHigh: 0.5, delay: 1 };
  const fromI = { rule: 'all-to-all', autapses: true, weightKind: 'uniform', weightLow: -1, weightHigh: 0, delay: 1 };
  synapse(b, 'EE', 'E → E', fromE, [b.id('E')], [760, 60]);
  synapse(b, 'EI', 'E → I', fromE, [b.id('I')], [760, 140]);
  synapse(b, 'IE', 'I → E', fromI, [b.id('E')], [760, 220]);
  synapse(b, 'II', 'I → I', fromI, [b.id('I')], [760, 300]);
  spikeMonitor(b, 'spikesE', 'raster E', [760, 380]);
  spikeMonitor(b, 'spikesI', 'raster I', [760, 440]);
  rateMonitor(b, 'rateE', 'rate E', [760, 500]);
  rateMonitor(b, 'rateI', 'rate I', [760, 560]);
  return asSaved(b.nodes);
}

/** Five neurons in a chain, 5 ms per link: each spike shows up 5 ms (plus the time to fire) later down the chain. */
export function delayChainFlow(): FlowNode[] {
  const b = builder('delay-chain', 'delay chain', 'A spike generator kicks neuron 0; each neuron excites the next through a synapse of delay 5 ms.');
  comment(b, 'Delay chain: press the clock\'s button', [
    '**A delay chain.** A spike generator fires at t = 10 ms into neuron 0 of a population of five',
    'tonic neurons (pattern A). A synapse node with an explicit list connects 0 → 1 → 2 → 3 → 4, each',
    'an exponential synapse (tau 2 ms, weight 40) with a delay of 5 ms, so every neuron fires once,',
    '6.5 ms after the one before it: 5 ms of delay and 1.5 ms for the synaptic current to make it fire.',
    'The raster shows a diagonal: 12.5, 19, 25.5, 32 and 38.5 ms.',
  ].join('\n'));
  clock(b, 0.25, 60, [b.id('kick')], 'dt 0.25 ms, 60 ms');
  b.nodes.push({ id: b.id('kick'), type: NODE_TYPES.generator, z: b.tab, name: 'one spike at 10 ms', kind: 'times', size: 1, times: '10', rate: '', seed: '', ...place(320, 140), wires: [[b.id('in')]] });
  const exponential = { kind: 'exponential', tau: 2 };
  synapse(b, 'in', 'kick → neuron 0', { rule: 'list', connections: '[[0, 0, 40, 1]]', ...exponential }, [b.id('chain')], [520, 140]);
  neuron(b, 'chain', 'chain', 5, { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, [b.id('links'), b.id('spikes')], [720, 140], 'izhikevich');
  synapse(b, 'links', 'i → i + 1, 5 ms', { rule: 'list', connections: '[[0, 1, 40, 5], [1, 2, 40, 5], [2, 3, 40, 5], [3, 4, 40, 5]]', ...exponential }, [b.id('chain')], [720, 240]);
  spikeMonitor(b, 'spikes', 'raster', [940, 140]);
  return asSaved(b.nodes);
}

/** 100 neurons driven by 200 Poisson channels at 20 Hz through random excitatory synapses. */
export function poissonInputFlow(): FlowNode[] {
  const b = builder('poisson', 'poisson input', 'A population driven by a Poisson spike generator through a synapse node.');
  comment(b, 'Poisson input: press the clock\'s button', [
    '**Poisson input.** 200 independent Poisson channels fire at 20 Hz each. Every neuron of a',
    'population of 100 regular-spiking cells receives each channel with probability 0.1 through',
    'an exponential synapse (tau 5 ms, weight 4, delay 1 ms), so about 20 channels and 400 input',
    'spikes a second. The rate monitor shows the population answering the noisy drive.',
  ].join('\n'));
  clock(b, 0.5, 1000, [b.id('poisson')], 'dt 0.5 ms, 1000 ms');
  b.nodes.push({ id: b.id('poisson'), type: NODE_TYPES.generator, z: b.tab, name: '200 channels at 20 Hz', kind: 'poisson', size: 200, rate: 20, times: '', seed: '', ...place(320, 140), wires: [[b.id('input'), b.id('inputRate')]] });
  synapse(b, 'input', 'p = 0.1, exponential', { rule: 'probability', probability: 0.1, weight: 4, delay: 1, kind: 'exponential', tau: 5 }, [b.id('cells')], [520, 140]);
  neuron(b, 'cells', 'regular spiking', 100, { a: 0.02, b: 0.2, c: -65, d: 8, v0: -65 }, [b.id('spikes'), b.id('rate')], [720, 140], 'izhikevich');
  spikeMonitor(b, 'spikes', 'raster', [940, 100]);
  rateMonitor(b, 'rate', 'population rate', [940, 180], { bin: 10, smoothing: 50 });
  rateMonitor(b, 'inputRate', 'input rate', [520, 240], { bin: 10 });
  return asSaved(b.nodes);
}

/** Izhikevich's 2006 polychronization network: axonal delays 1-20 ms and spike-timing-dependent plasticity. */
export function polychronizationFlow(duration = 10_000): FlowNode[] {
  const b = builder('spnet', 'polychronization 2006', 'E. M. Izhikevich, "Polychronization: computation with spikes", Neural Computation 18(2):245-282, 2006 (spnet)');
  comment(b, 'Polychronization 2006: press the clock\'s button', [
    '**The polychronization network of Izhikevich (2006)**, exactly (docs/networks.md).',
    '',
    '- 1000 neurons in one population: 800 regular spiking (a = 0.02, d = 8), 200 fast spiking',
    '  (a = 0.1, d = 2), written as per-neuron expressions of the index i;',
    '- every ms one neuron drawn at random gets 20 (the thalamic input);',
    '- each excitatory neuron makes 100 synapses onto any neurons, delays 1-20 ms (5 per value),',
    '  weight 6, learning by the 2006 rule (weights stay in [0, 10], updated every second);',
    '- each inhibitory neuron makes 100 synapses of weight -5 and delay 1 ms onto excitatory neurons.',
    '',
    `It runs ${duration / 1000} s of simulated time (a few seconds of wall time). The rate settles at a`,
    'few spikes per neuron per second with gamma-like bursts; the weight monitor shows the',
    'distribution of excitatory weights spreading towards 0 and 10 as the network learns.',
    'Send a "save" message to the excitatory synapse node to get its learned weights.',
  ].join('\n'));
  clock(b, 1, duration, [b.id('thalamus')], `dt 1 ms, ${duration / 1000} s`);
  source(b, 'thalamus', '20 to one random neuron', { kind: 'random-neuron', amplitude: 20, seed: '' }, 'cells', [320, 140]);
  neuron(b, 'cells', 'spnet', 1000, { a: 'i < 800 ? 0.02 : 0.1', b: 0.2, c: -65, d: 'i < 800 ? 8 : 2', v0: -65 },
    [b.id('excitatory'), b.id('inhibitory'), b.id('spikes'), b.id('rate')], [540, 140]);
  synapse(b, 'excitatory', 'excitatory, plastic', {
    preNeurons: '0-799', rule: 'out-degree', degree: 100, weight: 6, delayKind: 'split', delayMax: 20, plasticity: 'izhikevich2006', wMax: 10,
  }, [b.id('cells'), b.id('weights')], [540, 260]);
  synapse(b, 'inhibitory', 'inhibitory', { preNeurons: '800-999', postNeurons: '0-799', rule: 'out-degree', degree: 100, weight: -5, delay: 1 }, [b.id('cells')], [540, 340]);
  spikeMonitor(b, 'spikes', 'raster', [780, 100], { window: 2000 });
  rateMonitor(b, 'rate', 'population rate', [780, 160], { bin: 10 });
  weightMonitor(b, 'weights', 'excitatory weights', [780, 260], { every: 1000, bins: 20 });
  return asSaved(b.nodes);
}

/** Two neurons and one plastic synapse: pre before post potentiates, post before pre depresses. */
export function stdpPairFlow(): FlowNode[] {
  const b = builder('stdp-pair', 'stdp pair', 'Pair-based additive STDP between two neurons, driven at chosen times.');
  const preTimes = Array.from({ length: 20 }, (_, k) => 20 + 50 * k);
  const firstHalf = preTimes.slice(0, 10);
  const secondHalf = preTimes.slice(10);
  // post fires 5 ms after pre in the first half, 5 ms before it in the second
  const postTimes = [...firstHalf.map((t) => t + 5), ...secondHalf.map((t) => t - 5)];
  comment(b, 'STDP pair: press the clock\'s button', [
    '**Spike-timing-dependent plasticity between two neurons.** Two spike generators make the',
    'presynaptic neuron fire every 50 ms and the postsynaptic neuron 5 ms after it for the first',
    '500 ms, then 5 ms before it. The plastic synapse (pair STDP, tau 20 ms, weight 5 in [0, 10],',
    'delay 1 ms, too weak to make the post neuron fire by itself) grows while pre comes before post',
    'and shrinks afterwards: the weight monitor samples it every millisecond.',
  ].join('\n'));
  clock(b, 0.5, 1000, [b.id('preDrive'), b.id('postDrive')], 'dt 0.5 ms, 1000 ms');
  b.nodes.push({ id: b.id('preDrive'), type: NODE_TYPES.generator, z: b.tab, name: 'pre: every 50 ms', kind: 'times', size: 1, times: preTimes.join(', '), rate: '', seed: '', ...place(320, 100), wires: [[b.id('kickPre')]] });
  b.nodes.push({ id: b.id('postDrive'), type: NODE_TYPES.generator, z: b.tab, name: 'post: 5 ms after, then before', kind: 'times', size: 1, times: postTimes.join(', '), rate: '', seed: '', ...place(320, 220), wires: [[b.id('kickPost')]] });
  synapse(b, 'kickPre', 'strong kick', { weight: 80, delay: 0.5 }, [b.id('pre')], [520, 100]);
  synapse(b, 'kickPost', 'strong kick', { weight: 80, delay: 0.5 }, [b.id('post')], [520, 220]);
  const tonic = { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 };
  neuron(b, 'pre', 'pre', 1, tonic, [b.id('plastic'), b.id('spikesPre')], [720, 100], 'izhikevich');
  neuron(b, 'post', 'post', 1, tonic, [b.id('spikesPost')], [720, 220], 'izhikevich');
  synapse(b, 'plastic', 'plastic (pair STDP)', { weight: 5, delay: 1, plasticity: 'stdp', tauPlus: 20, tauMinus: 20, aPlus: 0.5, aMinus: -0.5, wMin: 0, wMax: 10 }, [b.id('post'), b.id('weight')], [940, 160]);
  spikeMonitor(b, 'spikesPre', 'pre spikes', [940, 60]);
  spikeMonitor(b, 'spikesPost', 'post spikes', [940, 280]);
  weightMonitor(b, 'weight', 'weight', [1160, 160], { every: 1, bins: 10, low: 0, high: 10 });
  return asSaved(b.nodes);
}

/** Example files under flows/networks/. */
export const NETWORK_EXAMPLES: ReadonlyArray<{ file: string; flow: () => FlowNode[] }> = [
  { file: 'network 2003 (1000 neurons, Izhikevich).json', flow: network2003Flow },
  { file: 'delay chain (five neurons, 5 ms per link).json', flow: delayChainFlow },
  { file: 'poisson input (100 neurons, 200 channels).json', flow: poissonInputFlow },
  { file: 'polychronization 2006 (spnet, 10 s).json', flow: () => polychronizationFlow() },
  { file: 'stdp pair (pre before post, then after).json', flow: stdpPairFlow },
];
