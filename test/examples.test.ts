/**
 * Every example flow in flows/, run headless through the embedded Node-RED runtime (the path
 * the editor uses), must give exactly the spike times of its publication, computed here by
 * independent implementations: the published 2003/2004 scheme (test/reference.ts) for the 28
 * patterns, the book's loop (test/book-reference.ts) for the book cells. The network examples
 * (flows/networks/) must run to their end and every monitor of theirs must report what the
 * example says it shows (the exact network references are test/networks.test.ts's).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type MonitorReport, type RunReport } from '../bin/runner';
import { NODE_TYPES, type FlowNode } from '../lib/flow/compiler';
import { NETWORK_EXAMPLES } from '../lib/flow/network-examples';
import { REFERENCE, simulateReference } from './reference';
import { BOOK_CELLS, BOOK_STIMULI, simulateBook } from './book-reference';

const FLOWS = join(__dirname, '..', 'flows');
const BOOK_FOLDER = 'book cell types (2007)';
const NETWORK_FOLDER = 'networks';
const all = readdirSync(FLOWS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !f.includes('dashboard'))
  .map((f) => ({ file: f, code: f.split('/').at(-1)!.split(' ')[0], nodes: JSON.parse(readFileSync(join(FLOWS, f), 'utf8')) as FlowNode[] }));
const files = all.filter((f) => !f.file.startsWith(BOOK_FOLDER) && !f.file.startsWith(`${NETWORK_FOLDER}/`));
const bookFiles = all.filter((f) => f.file.startsWith(BOOK_FOLDER));
const networkFiles = all.filter((f) => f.file.startsWith(`${NETWORK_FOLDER}/`)).map((f) => ({ ...f, name: f.file.slice(NETWORK_FOLDER.length + 1) }));

/** The book stimulus each book example shows (TCB and RTNB: the burst modes of TC and RTN). */
const BOOK_EXAMPLES: Record<string, { cell: string; stimulus: string }> = {
  RS: { cell: 'RS', stimulus: 'Fig. 8.5 listing: 70 pA from 100 ms, dt 1 ms' },
  IB: { cell: 'IB', stimulus: '550 pA' },
  CH: { cell: 'CH', stimulus: '600 pA' },
  LTS: { cell: 'LTS', stimulus: '300 pA' },
  FS: { cell: 'FS', stimulus: '400 pA' },
  TC: { cell: 'TC', stimulus: '150 pA' },
  TCB: { cell: 'TC', stimulus: '-1200 pA for 120 ms, then 0 pA' },
  RTN: { cell: 'RTN', stimulus: '70 pA' },
  RTNB: { cell: 'RTN', stimulus: '-350 pA for 120 ms, then 50 pA' },
};

let report: RunReport;
beforeAll(async () => {
  // one runtime for all examples: each flow keeps its own tab, clock and network
  report = await runFlow(all.flatMap((f) => f.nodes), { timeoutMs: 60_000 });
}, 120_000);

function monitorsOf(code: string, nodes: FlowNode[]) {
  const tab = nodes.find((n) => n.type === 'tab')!.id;
  const spikes = report.monitors.find((m) => m.z === tab && m.type === 'spike');
  const trace = report.monitors.find((m) => m.z === tab && m.type === 'state');
  if (spikes?.type !== 'spike' || trace?.type !== 'state') throw new Error(`${code}: monitors missing from the report`);
  return { spikes, trace };
}

describe('example flows', () => {
  it('include every published pattern', () => {
    expect(files.map((f) => f.code).sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it.each(files.map((f) => [f.code, f] as const))('%s gives the published spike times', (code, flow) => {
    const { spikes, trace } = monitorsOf(code, flow.nodes);
    const expected = simulateReference(REFERENCE[code]);
    expect(spikes.times).toHaveLength(expected.spikes.length);
    spikes.times.forEach((t, i) => expect(Math.abs(t - expected.spikes[i])).toBeLessThanOrEqual(1e-9));
    expect(trace.v![0]).toEqual(expected.v);
    const clock = flow.nodes.find((n) => n.type === 'izh-clock')!;
    expect(clock.dt).toBe(REFERENCE[code].dt);
    expect(clock.duration).toBe(REFERENCE[code].T);
  });
});

describe('book example flows', () => {
  it('include every book cell, TC and RTN in tonic and burst mode', () => {
    expect(bookFiles.map((f) => f.code).sort()).toEqual(Object.keys(BOOK_EXAMPLES).sort());
  });

  it.each(bookFiles.map((f) => [f.code, f] as const))('%s gives the spike times of the book loop', (code, flow) => {
    const { cell, stimulus: label } = BOOK_EXAMPLES[code];
    const stimulus = BOOK_STIMULI.find((s) => s.cell === cell && s.label === label)!;
    const { spikes, trace } = monitorsOf(code, flow.nodes);
    const expected = simulateBook(BOOK_CELLS[cell], stimulus);
    expect(expected.spikes.length).toBeGreaterThan(0);
    expect(spikes.times).toHaveLength(expected.spikes.length);
    expect(spikes.times).toEqual(expected.spikes);
    expect(trace.v![0]).toEqual(expected.v);
    expect(trace.I![0]).toEqual(trace.t.map(stimulus.I));
    const clock = flow.nodes.find((n) => n.type === 'izh-clock')!;
    expect(clock.dt).toBe(stimulus.dt);
    expect(clock.duration).toBe(stimulus.T);
    expect(flow.nodes.find((n) => n.type === 'izh-neuron')!.scheme).toBe('euler');
  });
});

describe('network example flows', () => {
  /** The report of every monitor of a flow (each must have reported), by node id. */
  function monitorsOf(nodes: FlowNode[]): Map<string, MonitorReport> {
    const tab = nodes.find((n) => n.type === 'tab')!.id;
    const reports = new Map(report.monitors.filter((m) => m.z === tab).map((m) => [m.id, m]));
    const monitorTypes: string[] = [NODE_TYPES.spikeMonitor, NODE_TYPES.stateMonitor, NODE_TYPES.rateMonitor, NODE_TYPES.weightMonitor];
    for (const n of nodes.filter((m) => monitorTypes.includes(m.type))) expect(reports.has(n.id), `${n.name} reported nothing`).toBe(true);
    return reports;
  }
  const find = <T extends MonitorReport['type']>(reports: Map<string, MonitorReport>, id: string, type: T) => {
    const m = reports.get(id);
    if (m?.type !== type) throw new Error(`${id}: no ${type} monitor in the report`);
    return m as Extract<MonitorReport, { type: T }>;
  };
  const flowNamed = (prefix: string) => networkFiles.find((f) => f.name.startsWith(prefix))!.nodes;
  const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

  it('are the files NETWORK_EXAMPLES writes, as they are built now', () => {
    expect(networkFiles.map((f) => f.name).sort()).toEqual(NETWORK_EXAMPLES.map((e) => e.file).sort());
    for (const example of NETWORK_EXAMPLES) expect(networkFiles.find((f) => f.name === example.file)!.nodes).toEqual(JSON.parse(JSON.stringify(example.flow())));
  });

  it.each(networkFiles.map((f) => [f.name, f] as const))('%s runs to its end, and its monitors report', (_name, flow) => {
    const clock = flow.nodes.find((n) => n.type === NODE_TYPES.clock)!;
    const run = report.clocks.find((c) => c.id === clock.id)!;
    expect(run).toMatchObject({ event: 'finished', t: clock.duration, duration: clock.duration });
    expect(run.steps).toBe(Math.round((clock.duration as number) / (clock.dt as number)) + 1);
    for (const m of monitorsOf(flow.nodes).values()) {
      if (m.type === 'spike') expect(m.total, m.name).toBeGreaterThan(0);
      if (m.type === 'rate') expect(m.t.length, m.name).toBe(Math.floor(run.steps / Math.round(m.bin / run.dt)));
      if (m.type === 'weight') expect(m.t.length, m.name).toBeGreaterThan(0);
    }
  });

  it('network 2003: 7 to 8 spikes per neuron in its second, and the rate monitors count the same spikes', () => {
    const nodes = flowNamed('network 2003');
    const reports = monitorsOf(nodes);
    const e = find(reports, 'izh-net2003-spikesE', 'spike');
    const i = find(reports, 'izh-net2003-spikesI', 'spike');
    expect([e.size, i.size]).toEqual([800, 200]);
    const perNeuron = (e.total + i.total) / 1000;
    expect(perNeuron).toBeGreaterThanOrEqual(7);
    expect(perNeuron).toBeLessThanOrEqual(8);
    for (const [rate, spikes] of [['izh-net2003-rateE', e], ['izh-net2003-rateI', i]] as const) {
      const r = find(reports, rate, 'rate');
      expect(r.t).toEqual(Array.from({ length: 1001 }, (_, k) => k));
      // a bin of 1 ms holds rate * size / 1000 spikes
      expect(Math.round(sum(r.rate) * r.size / 1000)).toBe(spikes.total);
    }
  });

  it('delay chain: one spike per neuron, 6.5 ms apart down the chain', () => {
    const spikes = find(monitorsOf(flowNamed('delay chain')), 'izh-delay-chain-spikes', 'spike');
    expect(spikes.times).toEqual([12.5, 19, 25.5, 32, 38.5]);
    expect(spikes.indices).toEqual([0, 1, 2, 3, 4]);
  });

  it('poisson input: 200 channels at about 20 Hz drive the population', () => {
    const reports = monitorsOf(flowNamed('poisson input'));
    const input = find(reports, 'izh-poisson-inputRate', 'rate');
    expect(input.size).toBe(200);
    const mean = sum(input.rate) / input.rate.length;
    expect(mean).toBeGreaterThan(18);
    expect(mean).toBeLessThan(22);
    const rate = find(reports, 'izh-poisson-rate', 'rate');
    expect(rate.smoothed).toHaveLength(rate.rate.length);
    expect(find(reports, 'izh-poisson-spikes', 'spike').meanRate).toBeGreaterThan(1);
  });

  it('polychronization 2006: 10 s, a few spikes per neuron per second, and the excitatory weights spread', () => {
    const nodes = flowNamed('polychronization 2006');
    expect(nodes.find((n) => n.type === NODE_TYPES.clock)!.duration).toBe(10_000);
    const reports = monitorsOf(nodes);
    const raster = find(reports, 'izh-spnet-spikes', 'spike');
    expect(raster.window).toBe(2000);
    expect(Math.min(...raster.times)).toBeGreaterThanOrEqual(8000);
    const rate = find(reports, 'izh-spnet-rate', 'rate');
    expect(rate.t).toHaveLength(1000);
    const mean = sum(rate.rate) / rate.rate.length;
    expect(mean).toBeGreaterThan(2);
    expect(mean).toBeLessThan(15);
    const weights = find(reports, 'izh-spnet-weights', 'weight');
    expect(weights.synapses).toBe(80_000);
    expect(weights.t).toEqual(Array.from({ length: 11 }, (_, k) => 1000 * k));
    expect(weights.edges[0]).toBe(0);
    expect(weights.edges.at(-1)).toBe(10);
    for (const h of weights.histogram) expect(sum(h)).toBe(80_000);
    expect(weights.mean[0]).toBe(6);
    expect(weights.histogram[0][12]).toBe(80_000); // every weight starts at 6, in the bin [6, 6.5)
    expect(weights.min).toBeGreaterThanOrEqual(0);
    expect(weights.max).toBeLessThanOrEqual(10);
    expect(weights.max - weights.min).toBeGreaterThan(1);
  });

  it('stdp pair: the weight grows while pre comes before post, and shrinks afterwards', () => {
    const reports = monitorsOf(flowNamed('stdp pair'));
    expect(find(reports, 'izh-stdp-pair-spikesPre', 'spike').total).toBe(20);
    expect(find(reports, 'izh-stdp-pair-spikesPost', 'spike').total).toBe(20);
    const w = find(reports, 'izh-stdp-pair-weight', 'weight');
    const at = (t: number) => w.mean[w.t.indexOf(t)];
    expect(w.t).toHaveLength(1001);
    expect(at(0)).toBe(5);
    expect(at(500)).toBeGreaterThan(at(0));
    expect(at(1000)).toBeLessThan(at(500));
  });
});
