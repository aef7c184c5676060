/**
 * The Dashboard 2 examples without a browser: what they are made of (each its own ui-base and
 * theme, page paths of their own, no id shared with another example, the files in flows/ as the
 * builders make them now), the code they carry (the function nodes' and the templates' scripts,
 * parsed the way Dashboard 2 parses them, the helpers equal to lib/render/charts.ts), and their
 * flows run in Node-RED with the dashboard widgets replaced by helper nodes: the explorer's
 * controls show the values in force, its batch page gets one time axis for every chart and the
 * analysis of the run, the IoT example turns readings into currents.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import helper from 'node-red-node-test-helper';
import { parse } from 'acorn';
import { generate } from 'escodegen';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CHART_GRID, ISI_EDGES, isiBinLabel, isiHistogram, nullclines, runCsv, timeAxisMessage } from '../lib/render/charts';
import { dashboardPatternFlow, explorerFlow, iotFlow, IOT_PATHS } from '../lib/flow/dashboard-flows';
import { BATCH_ANALYSIS_JS, HELPERS_JS } from '../lib/flow/dashboard-code';
import { NETWORK_EXAMPLES } from '../lib/flow/network-examples';
import { exampleFlow } from '../lib/flow/examples';
import { findPreset, PRESETS } from '../lib/flow/presets';
import type { FlowNode } from '../lib/flow/compiler';
import { collect, NODES, until, type Msg } from './flow-helpers';
import { continueReference, REFERENCE } from './reference';

helper.init(require.resolve('node-red'));

const FOLDER = join(__dirname, '..', 'flows', 'dashboard (needs Dashboard 2)');
const EXAMPLES: Record<string, () => FlowNode[]> = {
  'explorer.json': explorerFlow,
  'C tonic bursting on a dashboard.json': () => dashboardPatternFlow(findPreset('C')!),
  'sensor drives a neuron (IoT).json': iotFlow,
};

describe('the dashboard examples', () => {
  it('are the files in flows/, as the builders make them now', () => {
    expect(readdirSync(FOLDER).sort()).toEqual(Object.keys(EXAMPLES).sort());
    for (const [file, build] of Object.entries(EXAMPLES)) {
      expect(JSON.parse(readFileSync(join(FOLDER, file), 'utf8')), file).toEqual(JSON.parse(JSON.stringify(build())));
    }
  });

  it('each bring a ui-base at /dashboard and a theme of their own, and pages at paths of their own', () => {
    const paths: string[] = [];
    for (const [file, build] of Object.entries(EXAMPLES)) {
      const nodes = build();
      const bases = nodes.filter((n) => n.type === 'ui-base');
      const themes = nodes.filter((n) => n.type === 'ui-theme');
      expect(bases, file).toHaveLength(1);
      expect(bases[0].path).toBe('/dashboard');
      expect(themes, file).toHaveLength(1);
      for (const page of nodes.filter((n) => n.type === 'ui-page')) {
        expect(page.ui).toBe(bases[0].id);
        expect(page.theme).toBe(themes[0].id);
        // one path segment: Dashboard 2 loads its scripts relative to the page's URL
        expect(page.path).toMatch(/^\/spiking-red-[a-z0-9-]+$/);
        paths.push(String(page.path));
      }
    }
    expect(new Set(paths).size).toBe(paths.length);
    expect(paths.sort()).toEqual(['/spiking-red-batch', '/spiking-red-explorer', '/spiking-red-iot', '/spiking-red-network', '/spiking-red-pattern-c']);
  });

  it('share no id with each other or with any other example, so importing one next to another asks nothing', () => {
    const owners = new Map<string, string>();
    const all: Array<[string, FlowNode[]]> = [
      ...Object.entries(EXAMPLES).map(([file, build]) => [file, build()] as [string, FlowNode[]]),
      ...NETWORK_EXAMPLES.map((e) => [e.file, e.flow()] as [string, FlowNode[]]),
      ...PRESETS.map((p) => [p.code, exampleFlow(p)] as [string, FlowNode[]]),
    ];
    for (const [file, nodes] of all) {
      for (const node of nodes) {
        expect(owners.get(node.id), `${node.id} of ${file}`).toBeUndefined();
        owners.set(node.id, file);
      }
    }
  });

  it('wire only to nodes of their own flow', () => {
    for (const [file, build] of Object.entries(EXAMPLES)) {
      const nodes = build();
      const ids = new Set(nodes.map((n) => n.id));
      for (const node of nodes) {
        for (const target of ((node.wires as string[][] | undefined) ?? []).flat()) expect(ids.has(target), `${file}: ${node.id} -> ${target}`).toBe(true);
        for (const key of ['group', 'page', 'ui', 'theme', 'z']) {
          if (typeof node[key] === 'string' && node[key] !== '') expect(ids.has(node[key] as string), `${file}: ${node.id}.${key}`).toBe(true);
        }
      }
    }
  });
});

/** The script of a ui-template, compiled the way Dashboard 2 does it (acorn, then escodegen per property). */
function compileTemplateScript(format: string): Record<string, unknown> {
  const script = /<script>([\s\S]*?)<\/script>/.exec(format)?.[1];
  if (!script) throw new Error('no script');
  const tree = parse(script, { ecmaVersion: 'latest', sourceType: 'module' }) as any;
  expect(tree.body).toHaveLength(1);
  expect(tree.body[0].type).toBe('ExportDefaultDeclaration');
  const component: Record<string, unknown> = {};
  for (const property of tree.body[0].declaration.properties) {
    const value = property.value;
    if (value.type === 'FunctionExpression' && !value.id) value.id = { type: 'Identifier', name: property.key.name };
    if (value.type === 'ObjectExpression') {
      component[property.key.name] = Object.fromEntries(value.properties.map((p: any) => {
        if (p.value.type === 'FunctionExpression' && !p.value.id) p.value.id = { type: 'Identifier', name: p.key.name };
        return [p.key.name, new Function(`return ${generate(p.value)}`)()];
      }));
    } else {
      component[property.key.name] = new Function(`return ${generate(value)}`)();
    }
  }
  return component;
}

describe('the code the examples carry', () => {
  const templates = Object.values(EXAMPLES).flatMap((build) => build()).filter((n) => n.type === 'ui-template' && n.templateScope === 'local');
  const functions = Object.values(EXAMPLES).flatMap((build) => build()).filter((n) => n.type === 'function');

  it('templates: survive Dashboard 2\'s parser (acorn and escodegen) as Vue components', () => {
    expect(templates.length).toBeGreaterThanOrEqual(5);
    for (const t of templates) {
      const component = compileTemplateScript(String(t.format));
      expect(typeof component.data, String(t.name)).toBe('function');
      expect(typeof component.mounted === 'function' || typeof (component.methods as Record<string, unknown> | undefined)?.download === 'function', String(t.name)).toBe(true);
    }
  });

  it('function nodes: compile', () => {
    expect(functions.length).toBeGreaterThanOrEqual(8);
    for (const f of functions) expect(() => new Function('msg', 'node', 'context', 'flow', 'global', 'env', String(f.func)), String(f.name)).not.toThrow();
  });

  it('the helpers in JavaScript equal lib/render/charts.ts', () => {
    const js = new Function(`${HELPERS_JS}\nreturn { ISI_EDGES, isiBin, isiHistogram, isiBinLabel, nullclines, runCsv };`)();
    expect(js.ISI_EDGES).toEqual(ISI_EDGES);
    const times = [1, 1.5, 3, 6, 11, 60, 61, 400, 1500, 1500.25, 2700];
    expect(js.isiHistogram(times, ISI_EDGES)).toEqual(isiHistogram(times));
    expect(ISI_EDGES.map((_, k) => js.isiBinLabel(k, ISI_EDGES))).toEqual(ISI_EDGES.map((_, k) => isiBinLabel(k)));
    const params = { b: 0.2, k1: 0.04, k2: 5, k3: 140, recovery: 'standard' as const };
    expect(js.nullclines(params, 15, [-90, 40], 1, [-10, 10])).toEqual(nullclines(params, 15, [-90, 40], 1, [-10, 10]));
    expect(js.nullclines({ ...params, recovery: 'accommodation' }, 0, [-90, 40], 5, [-3, 4])).toEqual(nullclines({ ...params, recovery: 'accommodation' }, 0, [-90, 40], 5, [-3, 4]));
    const run = { t: [0, 0.25, 0.5, 0.75], v: [-70, -60.5, 30, -65], u: [-14, -13.9, -13.8, -7.8], I: [0, 15, 15, 15], spikes: [0.5] };
    expect(js.runCsv(run)).toBe(runCsv(run));
  });
});

describe('chart helpers of the analysis', () => {
  it('bin intervals about three to a decade, the last bin open', () => {
    expect(isiBinLabel(0)).toBe('0-1');
    expect(isiBinLabel(3)).toBe('3-5');
    expect(isiBinLabel(ISI_EDGES.length - 1)).toBe('>=1000');
    // intervals 0.5, 1.5, 3, 5, 49, 339, 1100, 0.25: an edge belongs to the bin it starts
    const counts = isiHistogram([1, 1.5, 3, 6, 11, 60, 399, 1499, 1499.25]);
    expect(counts.reduce((s, c) => s + c, 0)).toBe(8);
    expect(counts[0]).toBe(2);
    expect(counts[ISI_EDGES.indexOf(1)]).toBe(1);
    expect(counts[ISI_EDGES.indexOf(3)]).toBe(1);
    expect(counts[ISI_EDGES.indexOf(5)]).toBe(1);
    expect(counts[ISI_EDGES.indexOf(30)]).toBe(1);
    expect(counts[ISI_EDGES.indexOf(300)]).toBe(1);
    expect(counts.at(-1)).toBe(1);
    expect(isiHistogram([5])).toEqual(ISI_EDGES.map(() => 0));
  });

  it('give the nullclines of the 2003 form: u = k1 v² + k2 v + k3 + I and u = b v (or v = -65 for accommodation)', () => {
    const { v, u } = nullclines({ b: 0.2, k1: 0.04, k2: 5, k3: 140, recovery: 'standard' }, 15, [-90, 40]);
    expect(v).toHaveLength(131);
    expect(v.find(([x]) => x === -60)).toEqual([-60, 0.04 * 3600 - 300 + 140 + 15]);
    expect(u.find(([x]) => x === -60)).toEqual([-60, -12]);
    const g = nullclines({ b: -0.1, k1: 0.04, k2: 4.1, k3: 108, recovery: 'standard' }, 20.25, [-90, 40], 10);
    expect(g.v[0][0]).toBe(-90);
    expect(g.v[0][1]).toBeCloseTo(0.04 * 8100 - 369 + 108 + 20.25, 9);
    expect(nullclines({ b: 1, k1: 0.04, k2: 5, k3: 140, recovery: 'accommodation' }, 0, [-90, 40], 1, [-20, 5]).u).toEqual([[-65, -20], [-65, 5]]);
  });

  it('write a run as CSV with a spike column', () => {
    expect(runCsv({ t: [0, 0.25, 0.5], v: [-70, 30, -50], u: [-14, -13.5, -11.5], I: [15, 15, 15], spikes: [0.25] }))
      .toBe('t_ms,v_mV,u,I,spike\n0,-70,-14,15,0\n0.25,30,-13.5,15,1\n0.5,-50,-11.5,15,0\n');
  });

  it('fix a chart\'s time axis and plot area', () => {
    expect(timeAxisMessage(0, 220)).toEqual({ ui_update: { chartOptions: { xAxis: { min: 0, max: 220 }, grid: CHART_GRID } } });
  });
});

// ---- the flows in Node-RED, dashboard widgets replaced by helper nodes ----------------------

const CORE = async () => [
  (await import('@node-red/nodes/core/function/10-function.js')).default,
  (await import('@node-red/nodes/core/function/15-change.js')).default,
];

/**
 * The nodes of `flow` whose ids start with one of `prefixes`, on one tab, with every dashboard
 * widget they send to replaced by a helper node of the same id.
 */
function withoutDashboard(flow: FlowNode[], prefixes: string[]): FlowNode[] {
  const kept = flow.filter((n) => n.type !== 'tab' && !n.type.startsWith('ui-') && prefixes.some((p) => n.id.startsWith(p)));
  const keptIds = new Set(kept.map((n) => n.id));
  const targets = new Set(kept.flatMap((n) => ((n.wires as string[][] | undefined) ?? []).flat()));
  const sinks = [...targets].filter((id) => !keptIds.has(id)).map((id) => ({ id, type: 'helper', z: 'tab', x: 1, y: 1, wires: [] }));
  return [{ id: 'tab', type: 'tab', label: 'test' }, ...kept.map((n) => ({ ...n, z: 'tab' })), ...sinks];
}

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('the explorer in Node-RED', () => {
  it('shows on every control the value in force after a pattern is picked, and the nullclines\' parameters', async () => {
    await helper.load([...NODES, ...(await CORE())], withoutDashboard(explorerFlow(), ['izh-explorer-logic', 'izh-explorer-rt-']));
    const got = Object.fromEntries(['a', 'b', 'c', 'd', 'I', 'input', 'scope'].map((k) => [k, collect(k === 'scope' ? 'izh-explorer-scope' : `izh-explorer-${k}`)]));
    const events = collect('izh-explorer-scope');
    const logic = helper.getNode('izh-explorer-logic');
    logic.receive({ topic: 'pattern', payload: 'G' });
    await until('izh-explorer-scope', () => events.some((m) => m.payload?.event === 'started'));
    expect([got.a, got.b, got.c, got.d].map((list) => list.at(-1)!.payload)).toEqual([0.02, -0.1, -55, 6]);
    // G's ramp reaches 0.075 (300 - 30) = 20.25 at its published end and is held there
    expect(got.I.at(-1)!.payload).toBe(20.25);
    expect(got.input.at(-1)!.payload).toBe('I(t) = (30 < t) ? 0 + 0.075 * (t - 30) : 0 for t ≤ 300 ms (published), then 20.25');
    expect(got.scope.find((m) => m.topic === 'params')!.payload).toEqual({ b: -0.1, k1: 0.04, k2: 4.1, k3: 108, recovery: 'standard' });

    logic.receive({ topic: 'pattern', payload: 'custom' });
    await until('izh-explorer-I', () => got.I.length === 2);
    expect(got.I.at(-1)!.payload).toBe(20.25);
    expect([got.a, got.b, got.c, got.d].map((list) => list.at(-1)!.payload)).toEqual([0.02, -0.1, -55, 6]);
    logic.receive({ topic: 'b', payload: 0.25 });
    await until('izh-explorer-scope', () => got.scope.filter((m) => m.topic === 'params').length === 3);
    expect(got.scope.filter((m) => m.topic === 'params').at(-1)!.payload).toMatchObject({ b: 0.25 });
    // a page opened later asks for them again
    logic.receive({ topic: 'scope-ready' });
    await until('izh-explorer-scope', () => got.scope.filter((m) => m.topic === 'params').length === 4);
    expect(got.scope.filter((m) => m.topic === 'params').at(-1)!.payload).toMatchObject({ b: 0.25 });
    helper.getNode('izh-explorer-rt-clock').receive({ payload: 'stop' });
    await until('izh-explorer-scope', () => events.some((m) => m.payload?.event === 'stopped'));
  });

  it('batch page: one time axis [0, duration] for every chart of the run, then the rate, ISI histogram, phase plane and CSV of the run', async () => {
    await helper.load([...NODES, ...(await CORE())], withoutDashboard(explorerFlow(), ['izh-batch-', 'izh-explorer-batch-']));
    const charts = ['v', 'I', 'raster', 'rate', 'isi', 'phase'].map((k) => collect(`izh-batch-chart-${k}`));
    const [v, I, raster, rate, isi, phase] = charts;
    const csv = collect('izh-batch-csv');
    helper.getNode('izh-batch-logic').receive({ topic: 'pattern', payload: 'C' });
    await until('izh-batch-csv', () => csv.length === 1);
    const axis = timeAxisMessage(0, 220);
    for (const chart of [v, I, raster, rate]) expect(chart[0]).toMatchObject(axis);
    const C = REFERENCE.C;
    const reference = continueReference(C, { v: C.v0, u: C.b * C.v0 }, 0, 881);
    expect(v.find((m) => m.topic === 'neuron v')!.payload.map((p: { v: number }) => p.v)).toEqual(reference.v);
    expect(raster.find((m) => m.event === 'finished')!.payload.map((p: { t: number }) => p.t)).toEqual(reference.spikes);
    expect(isi.at(-1)).toMatchObject({ topic: 'ISI', action: 'replace', payload: isiHistogram(reference.spikes).map((count, k) => ({ bin: isiBinLabel(k), count })) });
    // the phase plane: cleared (with its v range), then the trajectory and the nullclines for I = 15
    const [clear, trajectory, vNull, uNull] = phase;
    expect(clear).toMatchObject({ payload: [], ui_update: { chartOptions: { xAxis: { min: -90, max: 40 } } } });
    expect(trajectory.payload).toEqual(reference.v.map((x, k) => ({ v: x, u: reference.u[k] })));
    expect(vNull.topic).toBe('v-nullcline, I = 15');
    for (const p of vNull.payload) expect(p.u).toBeCloseTo(0.04 * p.v * p.v + 5 * p.v + 140 + 15, 9);
    for (const p of uNull.payload) expect(p.u).toBeCloseTo(0.2 * p.v, 12);
    // the rate: the monitor's running mean and 1000 / ISI at every spike after the first
    const [rateClear, mean, instantaneous] = rate.slice(1);
    expect(rateClear).toMatchObject({ payload: [] });
    expect(mean.topic).toBe('running mean (100 ms)');
    expect(mean.payload.map((p: { t: number }) => p.t)).toEqual(Array.from({ length: 22 }, (_, k) => k * 10));
    expect(instantaneous.payload).toEqual(reference.spikes.slice(1).map((t, k) => ({ t, rate: 1000 / (t - reference.spikes[k]) })));
    // the CSV button gets the whole run
    const run = csv[0].payload;
    expect(run).toMatchObject({ name: 'C tonic bursting', file: 'C-tonic-bursting', spikes: reference.spikes });
    expect(run.t).toEqual(reference.v.map((_, k) => k * 0.25));
    expect(run.v).toEqual(reference.v);
    expect(run.u).toEqual(reference.u);
    expect(run.I).toEqual(reference.v.map((_, k) => (k * 0.25 > 22 ? 15 : 0)));
  });
});

describe('the IoT example in Node-RED', () => {
  it('turns readings into currents (I = 0.2 × reading, 0 to 100) and answers HTTP with what it applied, or 400', async () => {
    await helper.load([...NODES, ...(await CORE())], withoutDashboard(iotFlow(), ['izh-iot-reading']));
    const source = collect('izh-iot-source');
    const reply = collect('izh-iot-sensor-reply');
    const board = collect('izh-iot-indicator');
    const node = helper.getNode('izh-iot-reading');
    const res = {};
    node.receive({ payload: { value: 70 }, res });
    node.receive({ payload: '35', res });
    node.receive({ payload: 150 });
    node.receive({ payload: 'seventy', res });
    node.receive({ payload: { temperature: 3 }, res });
    await until('izh-iot-sensor-reply', () => reply.length === 4);
    expect(source.map((m: Msg) => m.payload)).toEqual([14, 7, 20]);
    expect(reply.map((m: Msg) => [m.statusCode, m.payload])).toEqual([
      [200, { reading: 70, current: 14 }],
      [200, { reading: 35, current: 7 }],
      [400, { error: 'send a number from 0 to 100, or {"value": <number>}' }],
      [400, { error: 'send a number from 0 to 100, or {"value": <number>}' }],
    ]);
    expect(board.map((m: Msg) => m.payload.source)).toEqual(['http', 'http', 'simulated']);
    expect(IOT_PATHS.sensor).toBe('/spiking-red/sensor');
  });
});
