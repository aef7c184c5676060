/**
 * Every example flow in flows/, run headless through the embedded Node-RED runtime (the path
 * the editor uses), must give exactly the spike times of its publication, computed here by
 * independent implementations: the published 2003/2004 scheme (test/reference.ts) for the 28
 * patterns, the book's loop (test/book-reference.ts) for the book cells.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type RunReport } from '../bin/runner';
import type { FlowNode } from '../lib/flow/compiler';
import { REFERENCE, simulateReference } from './reference';
import { BOOK_CELLS, BOOK_STIMULI, simulateBook } from './book-reference';

const FLOWS = join(__dirname, '..', 'flows');
const BOOK_FOLDER = 'book cell types (2007)';
const all = readdirSync(FLOWS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !f.includes('dashboard'))
  .map((f) => ({ file: f, code: f.split('/').at(-1)!.split(' ')[0], nodes: JSON.parse(readFileSync(join(FLOWS, f), 'utf8')) as FlowNode[] }));
const files = all.filter((f) => !f.file.startsWith(BOOK_FOLDER));
const bookFiles = all.filter((f) => f.file.startsWith(BOOK_FOLDER));

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
