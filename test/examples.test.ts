/**
 * Every example flow in flows/, run headless through the embedded Node-RED runtime (the path
 * the editor uses), must give exactly the spike times of the published scheme, computed here
 * by an independent implementation (test/reference.ts).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type RunReport } from '../bin/runner';
import type { FlowNode } from '../lib/flow/compiler';
import { REFERENCE, simulateReference } from './reference';

const FLOWS = join(__dirname, '..', 'flows');
const files = readdirSync(FLOWS, { recursive: true, encoding: 'utf8' })
  .filter((f) => f.endsWith('.json') && !f.includes('dashboard'))
  .map((f) => ({ file: f, code: f.split('/').at(-1)!.split(' ')[0], nodes: JSON.parse(readFileSync(join(FLOWS, f), 'utf8')) as FlowNode[] }));

let report: RunReport;
beforeAll(async () => {
  // one runtime for all examples: each flow keeps its own tab, clock and network
  report = await runFlow(files.flatMap((f) => f.nodes), { timeoutMs: 60_000 });
}, 120_000);

describe('example flows', () => {
  it('include every published pattern', () => {
    expect(files.map((f) => f.code).sort()).toEqual(Object.keys(REFERENCE).sort());
  });

  it.each(files.map((f) => [f.code, f] as const))('%s gives the published spike times', (code, flow) => {
    const tab = flow.nodes.find((n) => n.type === 'tab')!.id;
    const spikes = report.monitors.find((m) => m.z === tab && m.type === 'spike');
    const trace = report.monitors.find((m) => m.z === tab && m.type === 'state');
    const expected = simulateReference(REFERENCE[code]);
    if (spikes?.type !== 'spike' || trace?.type !== 'state') throw new Error(`${code}: monitors missing from the report`);
    expect(spikes.times).toHaveLength(expected.spikes.length);
    spikes.times.forEach((t, i) => expect(Math.abs(t - expected.spikes[i])).toBeLessThanOrEqual(1e-9));
    expect(trace.v![0]).toEqual(expected.v);
    const clock = flow.nodes.find((n) => n.type === 'izh-clock')!;
    expect(clock.dt).toBe(REFERENCE[code].dt);
    expect(clock.duration).toBe(REFERENCE[code].T);
  });
});
