/**
 * Flows saved by release 0.1.0 (test/fixtures/0.1.0/, the example flows of commit 8f5c0cc as
 * they were published: no config `version`, dt, duration, speed and amplitude plain numbers)
 * load and run unchanged: every node migrates to this release's config (version 2, its typed
 * fields of type num) and means what it meant, and each pattern flow gives the same spikes and
 * traces as today's example flow of the pattern (and as the publication), run together through
 * izh-flow's runner, the path the editor's deploy takes. The explorer's real-time clock is run
 * in test/migrations-explorer.test.ts.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runFlow, type RunReport } from '../bin/runner';
import { normalizeGenerator } from '../lib/engine/generators';
import { normalizeSpikeMonitor, normalizeStateMonitor } from '../lib/engine/monitors';
import { normalizeClock } from '../lib/engine/simulation';
import { normalizeSource } from '../lib/engine/sources';
import { compileNetwork, neuronSpecOf, NODE_TYPES, type FlowNode } from '../lib/flow/compiler';
import { normalizeMonitorOutput } from '../lib/flow/monitor-output';
import { CONFIG_VERSION, migrate, MIGRATIONS, prepareConfig, processEnv, SCHEMAS, versionOf } from '../lib/engine/schema';
import { REFERENCE, simulateReference } from './reference';

const FIXTURES = join(__dirname, 'fixtures', '0.1.0');
const FLOWS = join(__dirname, '..', 'flows');
const read = (dir: string, file: string) => JSON.parse(readFileSync(join(dir, file), 'utf8')) as FlowNode[];
const files = readdirSync(FIXTURES, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.json')).sort();
const patterns = files.filter((f) => !f.startsWith('dashboard'));
const dashboards = files.filter((f) => f.startsWith('dashboard'));
const ours = (nodes: FlowNode[]) => nodes.filter((n) => n.type.startsWith('izh-'));
const codeOf = (file: string) => file.split('/').at(-1)!.split(' ')[0];

/** A flow with every id (and every reference to one) prefixed, so it can run beside the flow it was saved from. */
function prefixed(nodes: FlowNode[], prefix: string): FlowNode[] {
  const ids = new Set(nodes.map((n) => n.id));
  const map = (id: unknown) => (typeof id === 'string' && ids.has(id) ? prefix + id : id);
  return nodes.map((n) => ({
    ...n,
    id: prefix + n.id,
    ...(n.z !== undefined ? { z: map(n.z) } : {}),
    ...(Array.isArray(n.wires) ? { wires: n.wires.map((out) => out.map(map)) } : {}),
  })) as FlowNode[];
}

describe('flows saved by release 0.1.0', () => {
  it('are the 28 pattern flows and the two dashboard flows of that release, as it saved them', () => {
    expect(patterns.map(codeOf).sort()).toEqual(Object.keys(REFERENCE).sort());
    expect(dashboards.map((f) => f.split('/').at(-1))).toEqual(['C tonic bursting on a dashboard.json', 'explorer.json']);
    for (const file of files) {
      for (const n of ours(read(FIXTURES, file))) {
        expect(n.version, `${file}: ${n.id}`).toBeUndefined();
        expect(n).not.toHaveProperty('dtType');
        expect(n).not.toHaveProperty('amplitudeType');
        expect(versionOf(n)).toBe(1);
      }
    }
  });

  it("migrate to this release's config: its version, typed fields of type num, every other field as it was", () => {
    for (const file of files) {
      for (const n of ours(read(FIXTURES, file))) {
        const m = migrate(n.type, n);
        const typed = Object.fromEntries(SCHEMAS[n.type].fields.filter((f) => f.kind === 'typed').map((f) => [`${f.name}Type`, 'num']));
        expect(m, `${file}: ${n.id}`).toEqual({ ...n, ...typed, version: CONFIG_VERSION });
        // once is enough
        expect(migrate(n.type, m)).toEqual(m);
      }
    }
    // the one step of this release, as data the editor applies too
    expect(MIGRATIONS['izh-clock']).toEqual([{ to: 2, add: { dtType: 'num', durationType: 'num', speedType: 'num' } }]);
    expect(MIGRATIONS['izh-source']).toEqual([{ to: 2, add: { amplitudeType: 'num' } }]);
  });

  it('mean what they meant: each node validates to the same settings as it did unmigrated', () => {
    const same = (n: FlowNode, normalize: (c: Record<string, unknown>) => unknown) => expect(normalize(prepareConfig(n, processEnv)), n.id).toEqual(normalize(n));
    for (const file of files) {
      for (const n of ours(read(FIXTURES, file))) {
        switch (n.type) {
          case NODE_TYPES.clock: same(n, normalizeClock); break;
          case NODE_TYPES.source: same(n, normalizeSource); break;
          case NODE_TYPES.neuron: expect(neuronSpecOf(prepareConfig(n))).toEqual(neuronSpecOf(n)); break;
          case NODE_TYPES.spikeMonitor: same(n, normalizeSpikeMonitor); same(n, normalizeMonitorOutput); break;
          case NODE_TYPES.stateMonitor: same(n, normalizeStateMonitor); same(n, normalizeMonitorOutput); break;
          case NODE_TYPES.generator: same(n, normalizeGenerator); break;
          default: throw new Error(`${file}: a ${n.type} in a 0.1.0 flow`);
        }
      }
      // and every network compiles
      const nodes = read(FIXTURES, file);
      for (const clock of nodes.filter((n) => n.type === NODE_TYPES.clock)) expect(() => compileNetwork(nodes, clock.id)).not.toThrow();
    }
  });

  describe('run beside the example flows of today', () => {
    let report: RunReport;
    const PREFIX = 'v010-';
    const todays = (file: string) => read(FLOWS, file);
    beforeAll(async () => {
      // one runtime for all: the 0.1.0 flows with their ids prefixed, and today's flows of the same patterns
      const old = [...patterns, dashboards.find((f) => f.includes('C tonic'))!].flatMap((f) => prefixed(read(FIXTURES, f), PREFIX));
      report = await runFlow([...old, ...patterns.flatMap(todays)], { timeoutMs: 120_000 });
    }, 180_000);

    const monitors = (nodes: FlowNode[], prefix = '') => {
      const tab = prefix + nodes.find((n) => n.type === 'tab')!.id;
      const spikes = report.monitors.find((m) => m.z === tab && m.type === 'spike');
      const trace = report.monitors.find((m) => m.z === tab && m.type === 'state');
      if (spikes?.type !== 'spike' || trace?.type !== 'state') throw new Error(`${tab}: monitors missing from the report`);
      return { spikes, trace };
    };

    it.each(patterns.map((f) => [codeOf(f), f] as const))('%s gives the same spikes and trace as today, the published ones', (code, file) => {
      const old = monitors(read(FIXTURES, file), PREFIX);
      const now = monitors(todays(file));
      expect(old.spikes.times).toEqual(now.spikes.times);
      expect(old.trace.v).toEqual(now.trace.v);
      expect(old.trace.I).toEqual(now.trace.I);
      const expected = simulateReference(REFERENCE[code]);
      expect(old.spikes.times).toHaveLength(expected.spikes.length);
      old.spikes.times.forEach((t, i) => expect(Math.abs(t - expected.spikes[i])).toBeLessThanOrEqual(1e-9));
      const clock = report.clocks.find((c) => c.id === PREFIX + read(FIXTURES, file).find((n) => n.type === NODE_TYPES.clock)!.id)!;
      expect(clock).toMatchObject({ event: 'finished', dt: REFERENCE[code].dt, duration: REFERENCE[code].T });
    });

    it('the dashboard flow of pattern C runs its batch clock to the spikes of today\'s C', () => {
      const file = dashboards.find((f) => f.includes('C tonic'))!;
      const nodes = read(FIXTURES, file);
      const tab = PREFIX + nodes.find((n) => n.type === 'tab')!.id;
      const spikes = report.monitors.find((m) => m.z === tab && m.type === 'spike');
      expect(spikes?.type).toBe('spike');
      const now = monitors(todays(patterns.find((f) => codeOf(f) === 'C')!));
      expect(spikes!.type === 'spike' && spikes!.times).toEqual(now.spikes.times);
    });
  });
});
