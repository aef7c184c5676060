/**
 * Example flows for FlowFuse Dashboard 2 (@flowfuse/node-red-dashboard), built from the presets
 * and the network builders so they never drift from them (scripts/make-flows.mjs writes them into
 * flows/):
 *  - the explorer, three pages: a neuron in real time (pick a pattern or a custom neuron, move a,
 *    b, c, d, the input and the speed; v, I, the spikes and the firing rate over one sliding
 *    window, the ISI histogram, the v-u phase plane with its nullclines, a CSV download), a
 *    pattern run as a batch (the whole run on charts sharing the run's time axis, the same
 *    analysis) and a network (Izhikevich's 2003 network or his 2006 polychronization network,
 *    1000 neurons in real time: raster, population rate and, for the 2006 one, the weights);
 *  - one pattern wired to charts;
 *  - (iot-flow.ts) a sensor driving a neuron that drives an actuator.
 * Each example has its own ui-base and theme and gives its pages paths starting with /spiking-red-, so it
 * imports next to an existing dashboard and next to the others (dashboard-widgets.ts).
 */
import { NODE_TYPES, type FlowNode } from './compiler';
import { DEFAULT_INTERVAL } from '../engine/simulation';
import { asSaved, SOURCE_DEFAULTS } from './examples';
import { network2003Flow, polychronizationFlow } from './network-examples';
import { PRESETS, presetInputExpression, type Preset } from './presets';
import { compileExpression } from '../engine/expression';
import { timeAxisMessage } from '../render/charts';
import { BATCH_ANALYSIS_JS, csvTemplate, pageStyle, scopeTemplate } from './dashboard-code';
import { button, chart, comment, dashboardConfig, dropdown, functionNode, inject, numberInput, slider, template, text, type At } from './dashboard-widgets';

export { iotFlow, IOT_PATHS } from './iot-flow';

/** The sliding window (ms of simulated time) of the explorer's real-time page. */
export const LIVE_WINDOW = 1000;
/** The sliding window (ms) of the network page. */
export const NETWORK_WINDOW = 1000;

/** What the explorer's controls need to know of a pattern. */
interface PatternInfo {
  a: number; b: number; c: number; d: number;
  k1: number; k2: number; k3: number;
  recovery: 'standard' | 'accommodation';
  /** the real-time input: the published input until the published duration, then held at its last value */
  input: string;
  /** the value it is held at: what the I slider shows */
  hold: number;
  /** for people */
  describe: string;
}

const PATTERNS = PRESETS.filter((p) => p.group !== 'book');

function patternInfo(p: Preset): PatternInfo {
  const published = presetInputExpression(p);
  const T = p.clock.duration;
  const hold = compileExpression(published).evaluate(T);
  const n = p.neuron as Record<string, number | string | undefined>;
  return {
    a: Number(n.a), b: Number(n.b), c: Number(n.c), d: Number(n.d),
    k1: n.k1 === undefined ? 0.04 : Number(n.k1), k2: n.k2 === undefined ? 5 : Number(n.k2), k3: n.k3 === undefined ? 140 : Number(n.k3),
    recovery: n.recovery === 'accommodation' ? 'accommodation' : 'standard',
    input: `t <= ${T} ? (${published}) : ${hold}`,
    hold,
    describe: `I(t) = ${published} for t ≤ ${T} ms (published), then ${hold}`,
  };
}

const patternOptions = () => PATTERNS.map((p) => ({ label: `${p.code} ${p.name}`, value: p.code }));

/** The controls of the real-time page as messages for the neuron, the source, the clock, the sliders and the scope. */
function realtimeLogic(): string {
  const table = Object.fromEntries(PATTERNS.map((p) => [p.code, patternInfo(p)]));
  return [
    '// Turns the dashboard controls into messages for the neuron, the source and the clock, and',
    '// shows on every control the value in force: after a pattern is picked, a, b, c, d and I show',
    '// the pattern\'s (I: the level its published input ends at, which the run then holds).',
    '// Outputs: neuron, source, clock, sliders a b c d, slider I, input text, scope (nullclines).',
    `const patterns = ${JSON.stringify(table)};`,
    "const speed = flow.get('speed') ?? 0.25;",
    "const start = (extra) => ({ payload: 'start', mode: 'realtime', duration: '', speed, ...extra });",
    "const custom = () => flow.get('custom') ?? { a: 0.02, b: 0.2, c: -65, d: 8 };",
    "const params = (p) => ({ b: p.b, k1: p.k1 ?? 0.04, k2: p.k2 ?? 5, k3: p.k3 ?? 140, recovery: p.recovery ?? 'standard' });",
    'const send = (o) => [o.neuron, o.source, o.clock, o.a, o.b, o.c, o.d, o.I, o.text, o.scope].map((m) => m ?? null);',
    'const sliders = (p) => ({ a: { payload: p.a }, b: { payload: p.b }, c: { payload: p.c }, d: { payload: p.d } });',
    "const scope = (p) => { flow.set('params', params(p)); return { topic: 'params', payload: params(p) }; };",
    'switch (msg.topic) {',
    "  case 'pattern': {",
    "    if (msg.payload === 'custom') {",
    '      const p = custom();',
    "      const I = flow.get('I') ?? 10;",
    "      const neuron = { form: '2003', ...p, v0: -65, u0: '', k1: '', k2: '', k3: '', vpeak: '', recovery: 'standard' };",
    "      return send({ neuron: { payload: neuron }, source: { payload: I }, clock: start({ dt: 0.25 }), ...sliders(p), I: { payload: I },",
    "        text: { payload: `I(t) = ${I} (constant, from the slider)` }, scope: scope(p) });",
    '    }',
    '    const p = patterns[msg.payload];',
    "    if (!p) { node.warn('unknown pattern ' + msg.payload); return null; }",
    "    flow.set('custom', { a: p.a, b: p.b, c: p.c, d: p.d });",
    "    flow.set('I', p.hold);",
    '    return send({ neuron: { payload: { preset: msg.payload } }, source: { payload: p.input }, clock: start({ preset: msg.payload, duration: \'\' }),',
    '      ...sliders(p), I: { payload: p.hold }, text: { payload: p.describe }, scope: scope(p) });',
    '  }',
    "  case 'a': case 'b': case 'c': case 'd': {",
    '    const p = { ...custom(), [msg.topic]: msg.payload };',
    "    flow.set('custom', p);",
    "    const q = { ...(flow.get('params') ?? params(p)), ...(msg.topic === 'b' ? { b: msg.payload } : {}) };",
    "    flow.set('params', q);",
    "    return send({ neuron: { topic: msg.topic, payload: msg.payload }, scope: { topic: 'params', payload: q } });",
    '  }',
    "  case 'I':",
    "    flow.set('I', msg.payload);",
    '    return send({ source: { payload: msg.payload }, text: { payload: `I(t) = ${msg.payload} (constant, from the slider)` } });',
    "  case 'speed':",
    "    flow.set('speed', msg.payload);",
    '    return send({ clock: start({ speed: msg.payload }) });',
    "  case 'run':",
    '    return send({ clock: start({}) });',
    "  case 'scope-ready':",
    "    return send({ scope: { topic: 'params', payload: flow.get('params') ?? params(custom()) } });",
    '}',
    'return null;',
  ].join('\n');
}

/** The batch page's controls: the pattern's preset into neuron, source and clock, its time axis to every chart, its parameters to the analysis. */
function batchLogic(): string {
  const table = Object.fromEntries(PATTERNS.map((p) => {
    const info = patternInfo(p);
    return [p.code, { name: `${p.code} ${p.name}`, file: `${p.code}-${p.name.replace(/[^A-Za-z0-9]+/g, '-')}`, duration: p.clock.duration, b: info.b, k1: info.k1, k2: info.k2, k3: info.k3, recovery: info.recovery }];
  }));
  return [
    '// Runs the picked pattern for its published duration: its preset into the neuron and the',
    '// source, the start (with its dt and duration) to the clock, one time axis [0, duration] to',
    '// every chart of the run, its parameters to the analysis.',
    '// Outputs: neuron, source, clock, time axis of the charts, analysis.',
    `const patterns = ${JSON.stringify(table)};`,
    'const p = patterns[msg.payload];',
    "if (!p) { node.warn('unknown pattern ' + msg.payload); return null; }",
    `const axis = ${JSON.stringify(timeAxisMessage(0, 0))};`,
    'axis.ui_update.chartOptions.xAxis.max = p.duration;',
    "return [{ payload: { preset: msg.payload } }, { payload: { preset: msg.payload } }, { payload: 'start', preset: msg.payload }, axis, { topic: 'params', payload: p }];",
  ].join('\n');
}

/** The network page's controls: start, stop, seed and which network. */
function networkLogic(): string {
  return [
    '// Start, stop and seed of the network page. "net2003" is Izhikevich\'s 2003 network, "spnet" his',
    '// 2006 polychronization network; Start starts the chosen one with the seed (and stops the other).',
    '// Outputs: the 2003 clock, the 2006 clock, the weight histogram, the description.',
    "const chosen = () => flow.get('network') ?? 'net2003';",
    "const seed = () => flow.get('seed') ?? 1;",
    'const about = {',
    "  net2003: 'Izhikevich 2003: 800 excitatory (dark) and 200 inhibitory (red) neurons, all-to-all, thalamic noise, dt 1 ms. Rates: E and I.',",
    "  spnet: 'Izhikevich 2006: 1000 neurons, 100 synapses each, delays 1-20 ms, STDP on the excitatory ones (their histogram below), dt 1 ms; it runs for an hour.',",
    '};',
    'switch (msg.topic) {',
    "  case 'network':",
    "    flow.set('network', msg.payload);",
    '    return [null, null, null, { payload: about[msg.payload] }];',
    "  case 'seed':",
    "    flow.set('seed', msg.payload);",
    "    return [null, null, null, { payload: about[chosen()] + ' Seed ' + msg.payload + ' (press Start).' }];",
    "  case 'start': {",
    "    const run = { payload: 'start', seed: seed() };",
    "    const stop = { payload: 'stop' };",
    "    if (chosen() === 'spnet') return [stop, run, null, { payload: about.spnet + ' Seed ' + seed() + '.' }];",
    "    return [run, stop, { payload: [] }, { payload: about.net2003 + ' Seed ' + seed() + '.' }];",
    '  }',
    "  case 'stop':",
    "    return [{ payload: 'stop' }, { payload: 'stop' }, null, null];",
    '}',
    'return null;',
  ].join('\n');
}

function stateMonitor(id: string, name: string, variables: string, at: At, wires: string[], o: { live: boolean; format: 'arrays' | 'chart'; chartPoints?: number }): FlowNode {
  return {
    id, type: NODE_TYPES.stateMonitor, z: at.z, name, variables, indices: '0', every: 1, maxValues: 8000000, window: '',
    live: o.live, format: o.format, chartPoints: o.chartPoints ?? 500, x: at.x, y: at.y, wires: [wires],
  };
}

function spikeMonitor(id: string, name: string, at: At, wires: string[], o: { live: boolean; format: 'arrays' | 'chart'; chartPoints?: number }): FlowNode {
  return { id, type: NODE_TYPES.spikeMonitor, z: at.z, name, live: o.live, format: o.format, chartPoints: o.chartPoints ?? 500, window: '', x: at.x, y: at.y, wires: [wires] };
}

function rateMonitor(id: string, name: string, bin: number, smoothing: number | '', at: At, wires: string[], live: boolean): FlowNode {
  return { id, type: NODE_TYPES.rateMonitor, z: at.z, name, bin, smoothing, window: '', live, format: 'arrays', chartPoints: 500, x: at.x, y: at.y, wires: [wires] };
}

/** Clock, source and neuron of a single neuron (pattern A until a pattern is picked). */
function neuronNodes(prefix: string, mode: 'batch' | 'realtime', z: string, x: number, y: number, monitors: string[], events: string[]): FlowNode[] {
  const id = (part: string) => `${prefix}-${part}`;
  const a = PRESETS.find((p) => p.code === 'A')!;
  return [
    {
      id: id('clock'), type: NODE_TYPES.clock, z, name: mode === 'realtime' ? 'real time' : 'batch', dt: 0.25,
      duration: mode === 'realtime' ? '' : 100, mode, speed: 0.25, interval: DEFAULT_INTERVAL, startOnDeploy: false, seed: 1,
      x, y, wires: [[id('source')], events],
    },
    { id: id('source'), type: NODE_TYPES.source, z, name: 'input', ...SOURCE_DEFAULTS, ...a.inputs[0], x: x + 170, y, wires: [[id('neuron')]] },
    {
      id: id('neuron'), type: NODE_TYPES.neuron, z, name: 'neuron', preset: 'A', form: '2003', size: 1, scheme: 'izhikevich', spikeEvents: 'off', seed: '',
      params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, x: x + 330, y, wires: [monitors, []],
    },
  ];
}

const EXPLORER = { base: 'izh-explorer-base', theme: 'izh-explorer-theme', name: 'Spiking-RED' };

/**
 * A network example's simulation nodes (clock, sources, neurons, synapses) for the explorer: ids
 * and tab of the explorer's own, the clock in real time until stopped, the example's monitors
 * and debug nodes left out (the caller adds its own monitors with `extraWires`).
 */
function liveNetwork(nodes: FlowNode[], from: string, to: string, z: string, [dx, dy]: [number, number], extraWires: Record<string, string[]>, duration: number | '' = ''): FlowNode[] {
  const keep = nodes.filter((n) => [NODE_TYPES.clock, NODE_TYPES.source, NODE_TYPES.neuron, NODE_TYPES.synapse].includes(n.type as never));
  const ids = new Set(keep.map((n) => n.id));
  const rename = (id: string) => id.replace(from, to);
  return keep.map((n) => {
    const wires = (n.wires as string[][]).map((output, k) => [
      ...output.filter((target) => ids.has(target)).map(rename),
      ...(k === 0 ? extraWires[n.id] ?? [] : []),
    ]);
    const node: FlowNode = { ...n, id: rename(n.id), z, x: Number(n.x) + dx, y: Number(n.y) + dy, wires };
    if (n.type === NODE_TYPES.clock) {
      const name = duration === '' ? 'real time until stopped' : `real time, ${duration / 3_600_000} h`;
      Object.assign(node, { name, mode: 'realtime', duration, speed: 1, interval: DEFAULT_INTERVAL, startOnDeploy: false, seed: 1 });
    }
    return node;
  });
}

/** The explorer: a real-time page driven by a dropdown and sliders, a batch page and a network page. */
export function explorerFlow(): FlowNode[] {
  return asSaved(buildExplorerFlow());
}

function buildExplorerFlow(): FlowNode[] {
  const z = 'izh-explorer-tab';
  const at = (x: number, y: number): At => ({ z, x, y });
  const rt = 'izh-explorer-rt';
  const batch = 'izh-explorer-batch';
  const pages = { live: 'izh-page-explorer', batch: 'izh-page-batch', network: 'izh-page-network' };
  const g = {
    controls: 'izh-group-controls', live: 'izh-group-live',
    batchControls: 'izh-group-batch-controls', batchRun: 'izh-group-batch-run', batchAnalysis: 'izh-group-batch-analysis',
    netControls: 'izh-group-net-controls', netLive: 'izh-group-net-live', netWeights: 'izh-group-net-weights',
  };
  const logic = 'izh-explorer-logic';
  const scope = 'izh-explorer-scope';
  const sliders: Array<[string, string, [number, number, number]]> = [
    ['a', 'a (recovery rate)', [-0.05, 1, 0.005]],
    ['b', 'b (sensitivity of u)', [-1, 1, 0.01]],
    ['c', 'c (reset of v, mV)', [-80, -40, 0.5]],
    ['d', 'd (reset jump of u)', [-25, 10, 0.5]],
    ['I', 'I (constant input)', [-30, 100, 0.05]],
    ['speed', 'speed (× real time)', [0.05, 2, 0.05]],
  ];

  // ---- page 1: one neuron in real time ----
  const live: FlowNode[] = [
    comment('izh-explorer-comment', 'Open /dashboard on this Node-RED: pick a pattern, move the sliders', [
      'The dashboard is at /dashboard on this Node-RED (http://127.0.0.1:1880/dashboard for a Node-RED on port 1880, as `npm start` runs it); its pages are /dashboard/spiking-red-explorer, -batch and -network.',
      '',
      '**Explorer** (real time): the chosen pattern runs without end at the chosen speed, with its published parameters and dt and its published input, held at its last value after the published duration. The sliders change a, b, c, d from the next step; I replaces the input by a constant. Every control shows the value in force. "Run again" restarts from t = 0. The canvas shows v, I, the spikes and the firing rate over the same sliding window of simulated time, the ISI histogram of the run and the v-u phase plane with the nullclines for the current input; CSV downloads the run so far (t, v, u, I, spike).',
      '',
      '**Batch run**: a pattern for its published duration; every chart of the run spans [0, duration].',
      '',
      '**Network**: Izhikevich\'s 2003 network or his 2006 polychronization network (1000 neurons each) in real time, with a seed; raster and population rate over one sliding window, and for the 2006 network the histogram of the learning weights.',
      '',
      'The flow brings its own ui-base (/dashboard). Imported into a Node-RED that already has a Dashboard 2, the editor keeps the dashboard there and these pages join it.',
    ].join('\n'), at(330, 40)),
    inject('izh-explorer-first', 'show C on deploy', 'pattern', 'C', 'str', at(150, 80), ['izh-explorer-pattern', logic, 'izh-batch-pattern', 'izh-batch-logic']),
    inject('izh-explorer-speed-first', 'speed 0.25 on deploy', '', '0.25', 'num', at(150, 440), ['izh-explorer-speed']),
    dropdown('izh-explorer-pattern', g.controls, 'Pattern', 'pattern', [{ label: 'custom neuron (sliders)', value: 'custom' }, ...patternOptions()], 1, at(150, 120), [logic]),
    ...sliders.map(([topic, label, range], i) => slider(`izh-explorer-${topic}`, g.controls, label, topic, range, i + 2, at(150, 160 + i * 40), logic)),
    text('izh-explorer-input', g.controls, 'Input', 8, at(890, 300)),
    button('izh-explorer-run', g.controls, 'Run again from t = 0', 'replay', 'run', 'run', 9, at(150, 400), [logic]),
    template('izh-explorer-style', 'wider number boxes', pageStyle(), { page: pages.live }, at(890, 340)),
    functionNode(logic, 'controls to simulation', realtimeLogic(), 10, at(400, 240), [
      [`${rt}-neuron`], [`${rt}-source`], [`${rt}-clock`], ['izh-explorer-a'], ['izh-explorer-b'], ['izh-explorer-c'], ['izh-explorer-d'], ['izh-explorer-I'], ['izh-explorer-input'], [scope],
    ]),
    ...neuronNodes(rt, 'realtime', z, 590, 240, [`${rt}-trace`, `${rt}-spikes`, `${rt}-rate`], [scope]),
    stateMonitor(`${rt}-trace`, 'trace', 'v,u,I', at(1130, 200), [scope], { live: true, format: 'arrays' }),
    spikeMonitor(`${rt}-spikes`, 'spikes', at(1130, 240), [scope], { live: true, format: 'arrays' }),
    rateMonitor(`${rt}-rate`, 'rate', 10, 100, at(1130, 280), [scope], true),
    template(scope, 'live scope', scopeTemplate({
      title: 'Real time', window: LIVE_WINDOW, neurons: 1, analysis: true, csv: 'spiking-red-explorer',
      panels: [
        { id: 'v', label: 'v (mV)', kind: 'line', height: 180, lines: ['v'], yMin: -90, yMax: 40 },
        { id: 'I', label: 'I (input)', kind: 'line', height: 90, lines: ['I'] },
        { id: 'spikes', label: 'spikes', kind: 'raster', height: 48 },
        { id: 'rate', label: 'firing rate (Hz, running mean over 100 ms)', kind: 'line', height: 100, lines: ['rates'], yMin: 0 },
      ],
    }), { group: g.live, order: 1, width: 8 }, at(1380, 240), [logic]),
  ];

  // ---- page 2: a pattern as a batch run ----
  const chartAt = (y: number) => at(1380, y);
  const batchCharts = ['izh-batch-chart-v', 'izh-batch-chart-I', 'izh-batch-chart-raster', 'izh-batch-chart-rate'];
  const analysis = 'izh-batch-analysis';
  const batchNodes: FlowNode[] = [
    comment('izh-explorer-comment-batch', 'Batch run page: a pattern for its published duration', 'The pattern\'s preset goes into the neuron, the source and the clock; every chart of the run gets the time axis [0, duration] first (msg.ui_update.chartOptions), so they line up. The analysis function makes the rate (running mean and 1000 / ISI), the ISI histogram, the phase plane with the nullclines for the input at the end, and the run for the CSV button.', at(760, 470)),
    dropdown('izh-batch-pattern', g.batchControls, 'Pattern', 'pattern', patternOptions(), 1, at(150, 540), ['izh-batch-logic']),
    template('izh-batch-csv', 'CSV download', csvTemplate(), { group: g.batchControls, order: 2, width: 3 }, at(1380, 780)),
    functionNode('izh-batch-logic', 'pattern to batch run', batchLogic(), 5, at(400, 560), [
      [`${batch}-neuron`], [`${batch}-source`], [`${batch}-clock`], batchCharts, [analysis],
    ]),
    ...neuronNodes(batch, 'batch', z, 590, 600, [`${batch}-v`, `${batch}-I`, `${batch}-spikes`, `${batch}-trace`, `${batch}-rate`], []),
    stateMonitor(`${batch}-v`, 'neuron', 'v', at(1130, 520), ['izh-batch-chart-v'], { live: false, format: 'chart', chartPoints: 2000 }),
    stateMonitor(`${batch}-I`, 'neuron', 'I', at(1130, 560), ['izh-batch-chart-I'], { live: false, format: 'chart', chartPoints: 2000 }),
    spikeMonitor(`${batch}-spikes`, 'spikes', at(1130, 600), ['izh-batch-chart-raster', analysis], { live: false, format: 'chart', chartPoints: 5000 }),
    stateMonitor(`${batch}-trace`, 'trace', 'v,u,I', at(1130, 640), [analysis], { live: false, format: 'arrays' }),
    rateMonitor(`${batch}-rate`, 'rate', 10, 100, at(1130, 680), [analysis], false),
    functionNode(analysis, 'rate, ISI, phase plane, CSV', BATCH_ANALYSIS_JS, 4, at(1170, 740), [['izh-batch-chart-rate'], ['izh-batch-chart-isi'], ['izh-batch-chart-phase'], ['izh-batch-csv']]),
    chart({ id: 'izh-batch-chart-v', group: g.batchRun, label: 'v (mV)', order: 1, type: 'line', xKey: 't', yKey: 'v', xLabel: 't (ms)', yLabel: 'v (mV)', ymin: -90, ymax: 40, height: 4 }, chartAt(520)),
    chart({ id: 'izh-batch-chart-I', group: g.batchRun, label: 'I', order: 2, type: 'line', xKey: 't', yKey: 'I', xLabel: 't (ms)', yLabel: 'I', height: 3, colors: ['#0095FF'] }, chartAt(560)),
    chart({ id: 'izh-batch-chart-raster', group: g.batchRun, label: 'spikes', order: 3, type: 'scatter', xKey: 't', yKey: 'neuron', xLabel: 't (ms)', yLabel: 'neuron', ymin: -1, ymax: 1, height: 3, colors: ['#333333'] }, chartAt(600)),
    chart({ id: 'izh-batch-chart-rate', group: g.batchRun, label: 'firing rate (Hz)', order: 4, type: 'line', xKey: 't', yKey: 'rate', xLabel: 't (ms)', yLabel: 'Hz', ymin: 0, height: 4, legend: true, colors: ['#2CA02C', '#A347E1'] }, chartAt(640)),
    chart({ id: 'izh-batch-chart-isi', group: g.batchAnalysis, label: 'ISI histogram (ms)', order: 1, type: 'bar', xKey: 'bin', yKey: 'count', xLabel: 'interval (ms)', yLabel: 'count', categories: true, width: 6, height: 4, colors: ['#0095FF'] }, chartAt(700)),
    chart({ id: 'izh-batch-chart-phase', group: g.batchAnalysis, label: 'phase plane: u against v, with the nullclines', order: 2, type: 'line', xKey: 'v', yKey: 'u', xLabel: 'v (mV)', yLabel: 'u', width: 6, height: 4, legend: true, colors: ['#b5651d', '#FF7F0E', '#2CA02C'] }, chartAt(740)),
  ];

  // ---- page 3: a network in real time ----
  const netLogic = 'izh-net-logic';
  const netScope = 'izh-net-scope';
  const n2003 = 'izh-explorer-net2003';
  const spnet = 'izh-explorer-spnet';
  const networkNodes: FlowNode[] = [
    comment('izh-explorer-comment-network', 'Network page: net 2003 or spnet in real time (Start, Stop, seed)', 'The simulation nodes of the network examples (network 2003, polychronization 2006) with clocks in real time; live spike and rate monitors feed a canvas (a ui-template) that draws all 1000 neurons and the rates over the last second; spnet\'s weight monitor (format chart) sends the histogram of its excitatory weights every second to a bar chart and the mean to a text.', at(760, 800)),
    dropdown('izh-net-choice', g.netControls, 'Network', 'network', [
      { label: 'net 2003 (1000 neurons, Izhikevich 2003)', value: 'net2003' },
      { label: 'spnet (polychronization, Izhikevich 2006)', value: 'spnet' },
    ], 1, at(150, 880), [netLogic]),
    numberInput('izh-net-seed', g.netControls, 'Seed', 'seed', [0, 4294967295, 1], 2, at(150, 920), [netLogic]),
    button('izh-net-start', g.netControls, 'Start', 'play', 'start', 'start', 3, at(150, 960), [netLogic]),
    button('izh-net-stop', g.netControls, 'Stop', 'stop', 'stop', 'stop', 4, at(150, 1000), [netLogic]),
    text('izh-net-about', g.netControls, '', 5, at(380, 1010)),
    text('izh-net-mean', g.netWeights, 'mean weight', 2, at(1900, 1280)),
    inject('izh-net-first', 'net 2003, seed 1 on deploy', '', '', 'str', at(150, 840), ['izh-net-first-choice', 'izh-net-first-seed']),
    { id: 'izh-net-first-choice', type: 'change', z, name: 'net2003', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'network', tot: 'str' }, { t: 'set', p: 'payload', pt: 'msg', to: 'net2003', tot: 'str' }], action: '', property: '', from: '', to: '', reg: false, x: 380, y: 820, wires: [['izh-net-choice', netLogic]] },
    { id: 'izh-net-first-seed', type: 'change', z, name: 'seed 1', rules: [{ t: 'set', p: 'topic', pt: 'msg', to: 'seed', tot: 'str' }, { t: 'set', p: 'payload', pt: 'msg', to: '1', tot: 'num' }], action: '', property: '', from: '', to: '', reg: false, x: 380, y: 860, wires: [['izh-net-seed', netLogic]] },
    functionNode(netLogic, 'start, stop, seed', networkLogic(), 4, at(380, 940), [[`${n2003}-clock`], [`${spnet}-clock`], ['izh-net-weights'], ['izh-net-about']]),
    ...liveNetwork(network2003Flow(), 'izh-net2003', n2003, z, [460, 800], {
      'izh-net2003-E': [`${n2003}-spikesE`, `${n2003}-rateE`], 'izh-net2003-I': [`${n2003}-spikesI`, `${n2003}-rateI`],
    }),
    ...liveNetwork(polychronizationFlow(), 'izh-spnet', spnet, z, [460, 1060], { 'izh-spnet-cells': [`${spnet}-spikes`, `${spnet}-rate`], 'izh-spnet-excitatory': [`${spnet}-weights`] },
      // a weight monitor records the whole run (it has no window), so this run has an end: an hour
      3_600_000),
    spikeMonitor(`${n2003}-spikesE`, 'spikes E', at(1440, 900), [netScope], { live: true, format: 'arrays' }),
    spikeMonitor(`${n2003}-spikesI`, 'spikes I', at(1440, 940), [netScope], { live: true, format: 'arrays' }),
    rateMonitor(`${n2003}-rateE`, 'rate E', 5, '', at(1440, 980), [netScope], true),
    rateMonitor(`${n2003}-rateI`, 'rate I', 5, '', at(1440, 1020), [netScope], true),
    spikeMonitor(`${spnet}-spikes`, 'spikes', at(1440, 1200), [netScope], { live: true, format: 'arrays' }),
    rateMonitor(`${spnet}-rate`, 'rate', 5, '', at(1440, 1240), [netScope], true),
    {
      id: `${spnet}-weights`, type: NODE_TYPES.weightMonitor, z, name: 'excitatory weights', every: 1000, bins: 20, low: 0, high: 10, live: true, format: 'chart', chartPoints: 500,
      x: 1440, y: 1320, wires: [['izh-net-mean-text'], ['izh-net-weights']],
    },
    functionNode('izh-net-mean-text', 'latest mean', "const last = msg.payload[msg.payload.length - 1];\nif (!last) return null;\nreturn { payload: `${last.mean.toFixed(3)} at t = ${last.t / 1000} s` };", 1, at(1680, 1280), [['izh-net-mean']]),
    chart({ id: 'izh-net-weights', group: g.netWeights, label: 'spnet: excitatory weights (count per bin, every second)', order: 1, type: 'bar', xKey: 'weight', yKey: 'count', xLabel: 'weight', yLabel: 'synapses', categories: true, width: 9, height: 4, colors: ['#b5651d'] }, at(1680, 1340)),
    template(netScope, 'network scope', scopeTemplate({
      title: 'Network', window: NETWORK_WINDOW, neurons: 1000, spikeOffsets: { 'spikes I': 800 }, rasterColors: [{ from: 800, color: '#D62728' }], rateColors: { 'rate E': '#333333', 'rate I': '#D62728', rate: '#2CA02C' },
      panels: [
        { id: 'raster', label: 'spikes (neuron 0 at the bottom; 800-999 inhibitory, red)', kind: 'raster', height: 340 },
        { id: 'rate', label: 'population rate (Hz per neuron, 5 ms bins)', kind: 'line', height: 120, lines: ['rates'], yMin: 0 },
      ],
    }), { group: g.netLive, order: 1, width: 9 }, at(1680, 960)),
  ];
  // the clocks' run events clear the network scope
  for (const node of networkNodes) if (node.type === NODE_TYPES.clock) (node.wires as string[][])[1] = [netScope];

  return [
    { id: z, type: 'tab', label: 'Spiking-RED explorer', disabled: false, info: 'The explorer dashboard: open /dashboard (pages /dashboard/spiking-red-explorer, -batch, -network).' },
    ...dashboardConfig(EXPLORER,
      [
        { id: pages.live, name: 'Explorer', path: 'explorer', order: 1 },
        { id: pages.batch, name: 'Batch run', path: 'batch', order: 2 },
        { id: pages.network, name: 'Network', path: 'network', order: 3, icon: 'graph' },
      ],
      [
        { id: g.controls, name: 'Neuron', page: pages.live, width: 4, order: 1 },
        { id: g.live, name: 'Membrane potential, input, spikes and rate (real time), ISI histogram, phase plane', page: pages.live, width: 8, order: 2 },
        { id: g.batchControls, name: 'Pattern', page: pages.batch, width: 3, order: 1 },
        { id: g.batchRun, name: 'The whole run', page: pages.batch, width: 9, order: 2 },
        { id: g.batchAnalysis, name: 'Intervals and phase plane', page: pages.batch, width: 12, order: 3 },
        { id: g.netControls, name: 'Network', page: pages.network, width: 3, order: 1 },
        { id: g.netLive, name: 'Raster and population rate (real time)', page: pages.network, width: 9, order: 2 },
        { id: g.netWeights, name: 'Learning (spnet)', page: pages.network, width: 9, order: 3 },
      ]),
    ...live,
    ...batchNodes,
    ...networkNodes,
  ];
}

/** One published pattern wired to three charts on its own dashboard page; the charts span the run. */
export function dashboardPatternFlow(preset: Preset): FlowNode[] {
  return asSaved(buildDashboardPatternFlow(preset));
}

function buildDashboardPatternFlow(preset: Preset): FlowNode[] {
  const slug = preset.code.toLowerCase();
  const z = `izh-dash-${slug}-tab`;
  const prefix = `izh-dash-${slug}`;
  const group = `${prefix}-group`;
  const at = (x: number, y: number): At => ({ z, x, y });
  const charts = [`${prefix}-chart-v`, `${prefix}-chart-I`, `${prefix}-chart-raster`];
  const nodes = neuronNodes(prefix, 'batch', z, 360, 160, [`${prefix}-v`, `${prefix}-I`, `${prefix}-spikes`], []);
  const [clock, source, neuron] = nodes;
  Object.assign(clock, { name: `dt ${preset.clock.dt} ms, ${preset.clock.duration} ms`, dt: preset.clock.dt, duration: preset.clock.duration });
  Object.assign(source, { kind: 'expression', expression: presetInputExpression(preset), name: 'published input' });
  const { form, ...params } = preset.neuron;
  Object.assign(neuron, { name: `${preset.code} ${preset.name}`, preset: preset.code, form: form ?? '2003', params });
  const axis = timeAxisMessage(0, preset.clock.duration);
  return [
    { id: z, type: 'tab', label: `${preset.code} ${preset.name} on a dashboard`, disabled: false, info: preset.reference },
    ...dashboardConfig({ base: `${prefix}-base`, theme: `${prefix}-theme`, name: 'Spiking-RED' },
      [{ id: `${prefix}-page`, name: `${preset.code} ${preset.name}`, path: `pattern-${slug}`, order: 4 }],
      [{ id: group, name: `${preset.code} ${preset.name}`, page: `${prefix}-page`, width: 12, order: 1 }]),
    comment(`${prefix}-comment`, `${preset.code} ${preset.name}: press Run on the dashboard page`, [
      preset.signature,
      '',
      `The page is /dashboard/spiking-red-pattern-${slug}. The monitors send Dashboard 2 chart messages (format "chart"): each run first clears the charts, then sends v, I and the spikes; the time axis of every chart is fixed to the run, [0, ${preset.clock.duration}] ms (msg.ui_update.chartOptions), so the charts line up.`,
      '',
      'The flow brings its own ui-base (/dashboard); imported into a Node-RED that already has a Dashboard 2, the editor keeps the dashboard there and this page joins it.',
    ].join('\n'), at(300, 60)),
    button(`${prefix}-button`, group, 'Run', 'play', 'run', 'start', 1, at(120, 120), [`${prefix}-axis`, `${prefix}-start`]),
    inject(`${prefix}-first`, 'time axis on deploy', '', '', 'str', at(130, 200), [`${prefix}-axis`]),
    {
      id: `${prefix}-axis`, type: 'change', z, name: `time axis [0, ${preset.clock.duration}] ms`,
      rules: [{ t: 'delete', p: 'payload', pt: 'msg' }, { t: 'set', p: 'ui_update', pt: 'msg', to: JSON.stringify(axis.ui_update), tot: 'json' }],
      action: '', property: '', from: '', to: '', reg: false, x: 330, y: 120, wires: [charts],
    },
    {
      id: `${prefix}-start`, type: 'change', z, name: 'start', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: 'start', tot: 'str' }],
      action: '', property: '', from: '', to: '', reg: false, x: 330, y: 160, wires: [[clock.id]],
    },
    ...nodes,
    stateMonitor(`${prefix}-v`, 'neuron', 'v', at(800, 120), [charts[0]], { live: false, format: 'chart', chartPoints: 2000 }),
    stateMonitor(`${prefix}-I`, 'neuron', 'I', at(800, 160), [charts[1]], { live: false, format: 'chart', chartPoints: 2000 }),
    spikeMonitor(`${prefix}-spikes`, 'spikes', at(800, 200), [charts[2]], { live: false, format: 'chart', chartPoints: 5000 }),
    chart({ id: charts[0], group, label: 'v (mV)', order: 2, type: 'line', xKey: 't', yKey: 'v', xLabel: 't (ms)', yLabel: 'v (mV)', ymin: -90, ymax: 40, width: 12, height: 4 }, at(1040, 120)),
    chart({ id: charts[1], group, label: 'I', order: 3, type: 'line', xKey: 't', yKey: 'I', xLabel: 't (ms)', yLabel: 'I', width: 12, height: 3, colors: ['#0095FF'] }, at(1040, 160)),
    chart({ id: charts[2], group, label: 'spikes', order: 4, type: 'scatter', xKey: 't', yKey: 'neuron', xLabel: 't (ms)', yLabel: 'neuron', ymin: -1, ymax: 1, width: 12, height: 3, colors: ['#333333'] }, at(1040, 200)),
  ];
}
