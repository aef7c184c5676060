/**
 * Example flows for FlowFuse Dashboard 2 (@flowfuse/node-red-dashboard), built from the presets
 * so they never drift from them (scripts/make-flows.mjs writes them into flows/):
 *  - the explorer: pick a pattern or a custom neuron, move a, b, c, d, the input current and the
 *    speed, and watch v, I and the spike raster while the clock runs in real time; a second page
 *    runs a pattern as a batch and shows the finished trace;
 *  - one pattern wired to charts.
 * All dashboard flows share the same ui-base and ui-theme ids, so importing several keeps one
 * dashboard at /dashboard.
 */
import { NODE_TYPES, type FlowNode } from './compiler';
import { DEFAULT_INTERVAL } from '../engine/simulation';
import { SOURCE_DEFAULTS } from './examples';
import { PRESETS, presetInputExpression, type Preset } from './presets';

const BASE = 'izh-ui-base';
const THEME = 'izh-ui-theme';

/** Points a live chart keeps per line: 2000 samples are 500 ms of simulated time at dt = 0.25 ms. */
export const LIVE_CHART_POINTS = 2000;

function dashboardConfig(pages: Array<{ id: string; name: string; path: string; order: number }>, groups: Array<{ id: string; name: string; page: string; width: number; order: number }>): FlowNode[] {
  return [
    {
      id: BASE, type: 'ui-base', name: 'Spiking-RED', path: '/dashboard', includeClientData: true,
      acceptsClientConfig: ['ui-notification', 'ui-control'], showPathInSidebar: false, navigationStyle: 'default', titleBarStyle: 'default',
    },
    {
      id: THEME, type: 'ui-theme', name: 'Spiking-RED',
      colors: { surface: '#ffffff', primary: '#b5651d', bgPage: '#eeeeee', groupBg: '#ffffff', groupOutline: '#cccccc' },
      sizes: { pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '12px' },
    },
    ...pages.map((p) => ({
      id: p.id, type: 'ui-page', name: p.name, ui: BASE, path: p.path, icon: 'chart-line', layout: 'grid', theme: THEME,
      order: p.order, className: '', visible: 'true', disabled: 'false',
    })),
    ...groups.map((g) => ({
      id: g.id, type: 'ui-group', name: g.name, page: g.page, width: String(g.width), height: '1', order: g.order,
      showTitle: true, className: '', visible: 'true', disabled: 'false',
    })),
  ];
}

interface ChartOptions { id: string; z: string; group: string; label: string; order: number; y: 'v' | 'I' | 'neuron'; live: boolean; x: number; yPos: number }

function chart(o: ChartOptions): FlowNode {
  const raster = o.y === 'neuron';
  return {
    id: o.id, type: 'ui-chart', z: o.z, group: o.group, name: o.label, label: o.label, order: o.order,
    chartType: raster ? 'scatter' : 'line', category: 'topic', categoryType: 'msg',
    xAxisLabel: 't (ms)', xAxisProperty: 't', xAxisPropertyType: 'property', xAxisType: 'linear', xAxisFormat: '', xAxisFormatType: 'auto',
    xmin: '', xmax: '',
    yAxisLabel: raster ? 'neuron' : o.y === 'v' ? 'v (mV)' : 'I', yAxisProperty: o.y, yAxisPropertyType: 'property',
    ymin: o.y === 'v' ? '-90' : raster ? '-1' : '', ymax: o.y === 'v' ? '40' : raster ? '1' : '',
    action: 'append', stackSeries: false, pointShape: raster ? 'line' : 'false', pointRadius: raster ? 8 : 0, showLegend: false,
    removeOlder: 1, removeOlderUnit: '3600', removeOlderPoints: o.live ? String(raster ? 200 : LIVE_CHART_POINTS) : '',
    colors: ['#b5651d', '#0095FF', '#2CA02C', '#FF7F0E', '#A347E1'], textColor: ['#666666'], textColorDefault: true,
    gridColor: ['#e5e5e5'], gridColorDefault: true, width: 9, height: raster ? 2 : 4, className: '', interpolation: 'linear',
    x: o.x, y: o.yPos, wires: [[]],
  };
}

function slider(id: string, z: string, group: string, label: string, topic: string, [min, max, step]: [number, number, number], order: number, y: number, wire: string): FlowNode {
  return {
    id, type: 'ui-slider', z, group, name: label, label, tooltip: '', order, width: 0, height: 0, passthru: false, outs: 'end',
    topic, topicType: 'str', thumbLabel: true, showTicks: 'never', min, max, step, className: '', iconPrepend: '', iconAppend: '',
    color: '', colorTrack: '', colorThumb: '', showTextField: true, x: 160, y, wires: [[wire]],
  };
}

function dropdown(id: string, z: string, group: string, topic: string, order: number, y: number, wires: string[], withCustom: boolean): FlowNode {
  const options = PRESETS.filter((p) => p.group !== 'book').map((p) => ({ label: `${p.code} ${p.name}`, value: p.code, type: 'str' }));
  return {
    id, type: 'ui-dropdown', z, group, name: 'pattern', label: 'Pattern', tooltip: '', order, width: 0, height: 0, passthru: false,
    multiple: false, chips: false, clearable: false,
    options: withCustom ? [{ label: 'custom neuron (sliders)', value: 'custom', type: 'str' }, ...options] : options,
    payload: '', topic, topicType: 'str', className: '', typeIsComboBox: true, msgTrigger: 'onChange', x: 160, y, wires: [wires],
  };
}

function simulation(prefix: string, z: string, mode: 'batch' | 'realtime', x: number, y: number, wires: { events: string[]; v: string[]; I: string[]; raster: string[] }, live: boolean): FlowNode[] {
  const id = (part: string) => `${prefix}-${part}`;
  const a = PRESETS.find((p) => p.code === 'A')!;
  return [
    {
      id: id('clock'), type: NODE_TYPES.clock, z, name: mode === 'realtime' ? 'real time' : 'batch', dt: 0.25,
      duration: mode === 'realtime' ? '' : 100, mode, speed: 0.25, interval: DEFAULT_INTERVAL, startOnDeploy: false,
      x, y, wires: [[id('source')], wires.events],
    },
    { id: id('source'), type: NODE_TYPES.source, z, name: 'input', ...SOURCE_DEFAULTS, ...a.inputs[0], x: x + 180, y, wires: [[id('neuron')]] },
    {
      id: id('neuron'), type: NODE_TYPES.neuron, z, name: 'neuron', preset: 'A', form: '2003', size: 1, scheme: 'izhikevich', spikeEvents: 'off',
      params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, x: x + 360, y, wires: [[id('v'), id('I'), id('spikes')], []],
    },
    stateMonitor(id('v'), z, 'v', live, x + 560, y - 50, wires.v),
    stateMonitor(id('I'), z, 'I', live, x + 560, y, wires.I),
    { id: id('spikes'), type: NODE_TYPES.spikeMonitor, z, name: 'spikes', live, format: 'chart', chartPoints: 500, x: x + 560, y: y + 50, wires: [wires.raster] },
  ];
}

function stateMonitor(id: string, z: string, variable: 'v' | 'I', live: boolean, x: number, y: number, wires: string[]): FlowNode {
  return {
    id, type: NODE_TYPES.stateMonitor, z, name: 'neuron', variables: variable, indices: '0', every: 1, maxValues: 8000000,
    live, format: 'chart', chartPoints: live ? 500 : 2000, x, y, wires: [wires],
  };
}

/** The explorer: a real-time page driven by a dropdown and sliders, and a batch page. */
export function explorerFlow(): FlowNode[] {
  const z = 'izh-explorer-tab';
  const rt = 'izh-explorer-rt';
  const batch = 'izh-explorer-batch';
  const controls = 'izh-group-controls';
  const traces = 'izh-group-traces';
  const batchControls = 'izh-group-batch-controls';
  const batchTraces = 'izh-group-batch-traces';
  const logic = 'izh-explorer-logic';
  const table = Object.fromEntries(PRESETS.filter((p) => p.group !== 'book').map((p) => [p.code, { a: p.neuron.a, b: p.neuron.b, c: p.neuron.c, d: p.neuron.d }]));
  const sliders: Array<[string, string, [number, number, number]]> = [
    ['a', 'a (recovery rate)', [-0.05, 1, 0.005]],
    ['b', 'b (sensitivity of u)', [-1, 1, 0.01]],
    ['c', 'c (reset of v, mV)', [-80, -40, 0.5]],
    ['d', 'd (reset jump of u)', [-25, 10, 0.5]],
    ['I', 'I (constant input)', [-30, 100, 0.5]],
    ['speed', 'speed (× real time)', [0.05, 2, 0.05]],
  ];
  const func = [
    '// Turns the dashboard controls into messages for the neuron, the source and the clock.',
    `const patterns = ${JSON.stringify(table)};`,
    "const speed = flow.get('speed') ?? 0.25;",
    "const start = (extra) => ({ payload: 'start', mode: 'realtime', duration: '', speed, ...extra });",
    'const none = [null, null, null, null, null, null, null];',
    'switch (msg.topic) {',
    "  case 'pattern': {",
    '    if (msg.payload === \'custom\') {',
    "      const p = flow.get('custom') ?? { a: 0.02, b: 0.2, c: -65, d: 8 };",
    "      const neuron = { form: '2003', ...p, v0: -65, u0: '', k1: '', k2: '', k3: '', vpeak: '', recovery: 'standard' };",
    "      return [{ payload: neuron }, { payload: flow.get('I') ?? 10 }, start({ dt: 0.25 }), ...['a', 'b', 'c', 'd'].map((k) => ({ payload: p[k] }))];",
    '    }',
    '    const p = patterns[msg.payload];',
    "    if (!p) { node.warn('unknown pattern ' + msg.payload); return null; }",
    "    flow.set('custom', p);",
    '    return [{ payload: { preset: msg.payload } }, { payload: { preset: msg.payload } }, start({ preset: msg.payload, duration: \'\' }),',
    "      ...['a', 'b', 'c', 'd'].map((k) => ({ payload: p[k] }))];",
    '  }',
    "  case 'a': case 'b': case 'c': case 'd':",
    "    flow.set('custom', { ...(flow.get('custom') ?? { a: 0.02, b: 0.2, c: -65, d: 8 }), [msg.topic]: msg.payload });",
    '    return [{ topic: msg.topic, payload: msg.payload }, ...none];',
    "  case 'I':",
    "    flow.set('I', msg.payload);",
    '    return [null, { payload: msg.payload }, null, null, null, null, null];',
    "  case 'speed':",
    "    flow.set('speed', msg.payload);",
    '    return [null, null, start({ speed: msg.payload }), null, null, null, null];',
    "  case 'run':",
    '    return [null, null, start({}), null, null, null, null];',
    '}',
    'return null;',
  ].join('\n');
  const nodes: FlowNode[] = [
    { id: z, type: 'tab', label: 'Spiking-RED explorer', disabled: false, info: 'The explorer dashboard: open /dashboard.' },
    ...dashboardConfig(
      [
        { id: 'izh-page-explorer', name: 'Explorer', path: '/explorer', order: 1 },
        { id: 'izh-page-batch', name: 'Batch run', path: '/batch', order: 2 },
      ],
      [
        { id: controls, name: 'Neuron', page: 'izh-page-explorer', width: 3, order: 1 },
        { id: traces, name: 'Membrane potential, input and spikes (real time)', page: 'izh-page-explorer', width: 9, order: 2 },
        { id: batchControls, name: 'Pattern', page: 'izh-page-batch', width: 3, order: 1 },
        { id: batchTraces, name: 'The whole run', page: 'izh-page-batch', width: 9, order: 2 },
      ],
    ),
    {
      id: 'izh-explorer-comment', type: 'comment', z, name: 'Open /dashboard on this Node-RED: pick a pattern, move the sliders', x: 330, y: 40, wires: [],
      info: 'The dashboard is at /dashboard on this Node-RED (http://127.0.0.1:1880/dashboard for a Node-RED on port 1880, as `npm start` runs it). The real-time page runs the chosen pattern (its published input, dt and parameters) without end at the chosen speed; the sliders change a, b, c, d from the next step and I replaces the input by a constant. "Run again" restarts from t = 0. The batch page runs a pattern for its published duration and shows the whole trace.',
    },
    {
      id: 'izh-explorer-first', type: 'inject', z, name: 'show C on deploy', props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat: '', crontab: '',
      once: true, onceDelay: 0.5, topic: 'pattern', payload: 'C', payloadType: 'str', x: 160, y: 80, wires: [['izh-explorer-pattern', logic, 'izh-batch-pattern', 'izh-batch-logic']],
    },
    {
      id: 'izh-explorer-speed-first', type: 'inject', z, name: 'speed 0.25 on deploy', props: [{ p: 'payload' }], repeat: '', crontab: '',
      once: true, onceDelay: 0.5, topic: '', payload: '0.25', payloadType: 'num', x: 160, y: 460, wires: [['izh-explorer-speed']],
    },
    dropdown('izh-explorer-pattern', z, controls, 'pattern', 1, 120, [logic], true),
    ...sliders.map(([topic, label, range], i) => slider(`izh-explorer-${topic}`, z, controls, label, topic, range, i + 2, 160 + i * 40, logic)),
    {
      id: 'izh-explorer-run', type: 'ui-button', z, group: controls, name: 'run again', label: 'Run again from t = 0', order: 9, width: 0, height: 0,
      emulateClick: false, tooltip: '', color: '', bgcolor: '', className: '', icon: 'replay', iconPosition: 'left', payload: 'run', payloadType: 'str',
      topic: 'run', topicType: 'str', buttonColor: '', textColor: '', iconColor: '', enableClick: true, enablePointerdown: false,
      pointerdownPayload: '', pointerdownPayloadType: 'str', enablePointerup: false, pointerupPayload: '', pointerupPayloadType: 'str', x: 160, y: 420, wires: [[logic]],
    },
    {
      id: logic, type: 'function', z, name: 'controls to simulation', func, outputs: 7, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [],
      x: 420, y: 240, wires: [[`${rt}-neuron`], [`${rt}-source`], [`${rt}-clock`], ['izh-explorer-a'], ['izh-explorer-b'], ['izh-explorer-c'], ['izh-explorer-d']],
    },
    ...simulation(rt, z, 'realtime', 640, 240, { events: [], v: ['izh-explorer-chart-v'], I: ['izh-explorer-chart-I'], raster: ['izh-explorer-chart-raster'] }, true),
    chart({ id: 'izh-explorer-chart-v', z, group: traces, label: 'v (mV)', order: 1, y: 'v', live: true, x: 1400, yPos: 190 }),
    chart({ id: 'izh-explorer-chart-I', z, group: traces, label: 'I', order: 2, y: 'I', live: true, x: 1400, yPos: 240 }),
    chart({ id: 'izh-explorer-chart-raster', z, group: traces, label: 'spikes', order: 3, y: 'neuron', live: true, x: 1400, yPos: 290 }),

    dropdown('izh-batch-pattern', z, batchControls, 'pattern', 1, 520, ['izh-batch-logic'], false),
    {
      id: 'izh-batch-logic', type: 'change', z, name: 'pattern to simulation', rules: [{ t: 'set', p: 'payload', pt: 'msg', to: '{"preset": payload}', tot: 'jsonata' }],
      action: '', property: '', from: '', to: '', reg: false, x: 420, y: 520, wires: [[`${batch}-neuron`, `${batch}-source`, 'izh-batch-start']],
    },
    {
      id: 'izh-batch-start', type: 'change', z, name: 'start with its dt and duration',
      rules: [{ t: 'set', p: 'preset', pt: 'msg', to: 'payload.preset', tot: 'msg' }, { t: 'set', p: 'payload', pt: 'msg', to: 'start', tot: 'str' }],
      action: '', property: '', from: '', to: '', reg: false, x: 440, y: 580, wires: [[`${batch}-clock`]],
    },
    ...simulation(batch, z, 'batch', 640, 560, { events: [], v: ['izh-batch-chart-v'], I: ['izh-batch-chart-I'], raster: ['izh-batch-chart-raster'] }, false),
    chart({ id: 'izh-batch-chart-v', z, group: batchTraces, label: 'v (mV)', order: 1, y: 'v', live: false, x: 1400, yPos: 510 }),
    chart({ id: 'izh-batch-chart-I', z, group: batchTraces, label: 'I', order: 2, y: 'I', live: false, x: 1400, yPos: 560 }),
    chart({ id: 'izh-batch-chart-raster', z, group: batchTraces, label: 'spikes', order: 3, y: 'neuron', live: false, x: 1400, yPos: 610 }),
  ];
  return nodes;
}

/** One published pattern wired to three charts on its own dashboard page. */
export function dashboardPatternFlow(preset: Preset): FlowNode[] {
  const slug = preset.code.toLowerCase();
  const z = `izh-dash-${slug}-tab`;
  const prefix = `izh-dash-${slug}`;
  const group = `${prefix}-group`;
  const nodes = simulation(prefix, z, 'batch', 200, 160, { events: [], v: [`${prefix}-chart-v`], I: [`${prefix}-chart-I`], raster: [`${prefix}-chart-raster`] }, false);
  const [clock, source, neuron] = nodes;
  Object.assign(clock, { name: `dt ${preset.clock.dt} ms, ${preset.clock.duration} ms`, dt: preset.clock.dt, duration: preset.clock.duration });
  Object.assign(source, { kind: 'expression', expression: presetInputExpression(preset), name: 'published input' });
  const { form, ...params } = preset.neuron;
  Object.assign(neuron, { name: `${preset.code} ${preset.name}`, preset: preset.code, form: form ?? '2003', params });
  return [
    { id: z, type: 'tab', label: `${preset.code} ${preset.name} on a dashboard`, disabled: false, info: preset.reference },
    ...dashboardConfig([{ id: `${prefix}-page`, name: `${preset.code} ${preset.name}`, path: `/pattern-${slug}`, order: 3 }], [{ id: group, name: `${preset.code} ${preset.name}`, page: `${prefix}-page`, width: 12, order: 1 }]),
    {
      id: `${prefix}-comment`, type: 'comment', z, name: `${preset.code} ${preset.name}: press the clock's button, open /dashboard`, x: 300, y: 60, wires: [],
      info: `${preset.signature}\n\nThe monitors send Dashboard 2 chart messages (format "chart"): each run first clears the charts, then sends v, I and the spikes.`,
    },
    {
      id: `${prefix}-button`, type: 'ui-button', z, group, name: 'run', label: 'Run', order: 1, width: 0, height: 0, emulateClick: false, tooltip: '',
      color: '', bgcolor: '', className: '', icon: 'play', iconPosition: 'left', payload: 'start', payloadType: 'str', topic: 'run', topicType: 'str',
      buttonColor: '', textColor: '', iconColor: '', enableClick: true, enablePointerdown: false, pointerdownPayload: '', pointerdownPayloadType: 'str',
      enablePointerup: false, pointerupPayload: '', pointerupPayloadType: 'str', x: 120, y: 100, wires: [[clock.id]],
    },
    ...nodes,
    chart({ id: `${prefix}-chart-v`, z, group, label: 'v (mV)', order: 2, y: 'v', live: false, x: 1000, yPos: 110 }),
    chart({ id: `${prefix}-chart-I`, z, group, label: 'I', order: 3, y: 'I', live: false, x: 1000, yPos: 160 }),
    chart({ id: `${prefix}-chart-raster`, z, group, label: 'spikes', order: 4, y: 'neuron', live: false, x: 1000, yPos: 210 }),
  ];
}
