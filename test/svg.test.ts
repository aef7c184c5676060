/**
 * The SVG renderer: well-formed documents (checked with a strict XML parser), escaped text,
 * decimation that keeps spikes and stays small, figure layout, and the state monitor's
 * `svg` option inside a real Node-RED runtime.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StateResult } from '../lib/engine/monitors';
import { recordPreset } from '../lib/flow/record';
import { escapeXml, MAX_STATE_PANELS, renderFigure, renderStateResult, renderTraces, type Panel } from '../lib/render/svg';
import clockNode from '../nodes/izh-clock';
import neuronNode from '../nodes/izh-neuron';
import sourceNode from '../nodes/izh-source';
import stateMonitorNode from '../nodes/izh-state-monitor';

// sax is the strict XML parser Node-RED's own XML node uses (through xml2js)
// eslint-disable-next-line @typescript-eslint/no-require-imports
const sax = require('sax');

/** Parses strictly; returns the element names in document order (throws on malformed XML). */
function parseXml(text: string): { elements: string[]; texts: string[] } {
  const parser = sax.parser(true);
  const elements: string[] = [];
  const texts: string[] = [];
  parser.onerror = (e: Error) => {
    throw e;
  };
  parser.onopentag = (node: { name: string }) => elements.push(node.name);
  parser.ontext = (t: string) => {
    if (t.trim()) texts.push(t);
  };
  parser.write(text).close();
  return { elements, texts };
}

const pointsOf = (svg: string) => [...svg.matchAll(/points="([^"]*)"/g)].map((m) => m[1].split(' ').map((p) => p.split(',').map(Number)));

describe('renderTraces', () => {
  const a = recordPreset('A');
  const panel: Panel = { title: 'A tonic spiking <&> "quoted"', t: a.t, v: a.v, I: a.I };

  it('gives a well-formed SVG document with the title escaped', () => {
    const svg = renderTraces(panel);
    const { elements, texts } = parseXml(svg);
    expect(elements[0]).toBe('svg');
    expect(elements.filter((e) => e === 'polyline')).toHaveLength(2);
    expect(texts).toContain('A tonic spiking <&> "quoted"');
    expect(texts).toContain('20 ms');
    expect(escapeXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('draws every spike up to the top of the v area', () => {
    const [v] = pointsOf(renderTraces(panel));
    const top = Math.min(...v.map(([, y]) => y));
    const peaks = v.filter(([, y]) => y === top);
    expect(peaks).toHaveLength(a.times.length);
  });

  it('decimates long traces to a few points per pixel', () => {
    const n = 200_000;
    const t = Array.from({ length: n }, (_, i) => i * 0.01);
    const v = t.map((x) => (Math.floor(x) % 50 === 0 && x % 1 < 0.01 ? 30 : -65 + 5 * Math.sin(x)));
    const svg = renderTraces({ title: 'long', t, v, I: t.map((x) => (x > 100 ? 10 : 0)) }, { width: 300, height: 150 });
    expect(svg.length).toBeLessThan(30_000);
    const [trace, input] = pointsOf(svg);
    expect(trace.length).toBeLessThanOrEqual(4 * 300);
    expect(Math.min(...trace.map(([, y]) => y))).toBeLessThan(30); // the peaks survive
    expect(input.length).toBeLessThanOrEqual(6); // a step is four corners, give or take a column
    parseXml(svg);
  });

  it('copes with a panel without samples, with I only, and with a constant trace', () => {
    parseXml(renderTraces({ title: 'empty', t: [] }));
    const onlyI = renderTraces({ title: 'I', t: [0, 1, 2], I: [0, 1, 0] });
    expect(pointsOf(onlyI)).toHaveLength(1);
    const flat = pointsOf(renderTraces({ title: 'flat', t: [0, 1, 2, 3], v: [-65, -65, -65, -65] }))[0];
    expect(flat).toHaveLength(2);
  });
});

describe('renderFigure', () => {
  it('arranges sections of panels in grids under their headings', () => {
    const panels = (k: number): Panel[] => Array.from({ length: k }, (_, i) => ({ title: `P${i}`, t: [0, 1, 2], v: [-65, 30, -65], I: [0, 1, 0] }));
    const svg = renderFigure(
      [
        { heading: 'first & foremost', panels: panels(8), columns: 4 },
        { heading: 'second', panels: panels(20), columns: 4 },
      ],
      { title: 'figure', width: 200, height: 100 },
    );
    const { elements, texts } = parseXml(svg);
    expect(elements.filter((e) => e === 'g')).toHaveLength(28);
    expect(texts).toEqual(expect.arrayContaining(['figure', 'first & foremost', 'second']));
    const [, width, height] = svg.match(/width="(\d+)" height="(\d+)"/)!.map(Number);
    expect(width).toBe(4 * 200 + 32);
    expect(height).toBeGreaterThan(7 * 100);
    const translations = [...svg.matchAll(/translate\(([\d.]+),([\d.]+)\)/g)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(new Set(translations.map(([x]) => x)).size).toBe(4);
    expect(new Set(translations.map(([, y]) => y)).size).toBe(7);
  });
});

describe('renderStateResult', () => {
  const result = (neurons: number, vars: Array<'v' | 'u' | 'I'>): StateResult => {
    const series = () => Array.from({ length: neurons }, () => [-65, -60, 30, -65]);
    return { population: 'n', dt: 1, t: [0, 1, 2, 3], indices: Array.from({ length: neurons }, (_, i) => i), truncated: false, ...Object.fromEntries(vars.map((v) => [v, series()])) };
  };

  it('draws one panel per neuron, at most MAX_STATE_PANELS, and nothing without v or I', () => {
    expect(renderStateResult(result(1, ['u']), 'x')).toBeNull();
    expect(parseXml(renderStateResult(result(1, ['v', 'I']), 'one')!).elements.filter((e) => e === 'polyline')).toHaveLength(2);
    const many = renderStateResult(result(30, ['v']), 'many')!;
    expect(parseXml(many).elements.filter((e) => e === 'g')).toHaveLength(MAX_STATE_PANELS);
    expect(many).toContain(`first ${MAX_STATE_PANELS} of 30 neurons`);
  });
});

describe('the state monitor node', () => {
  helper.init(require.resolve('node-red'));
  beforeAll(() => helper.startServer());
  afterEach(() => helper.unload());
  afterAll(() => helper.stopServer());

  const flow = (svg: boolean) =>
    [
      { id: 'tab', type: 'tab', label: 'test' },
      { id: 'clock', z: 'tab', type: 'izh-clock', dt: 0.25, duration: 100, mode: 'batch', wires: [['source'], []] },
      { id: 'source', z: 'tab', type: 'izh-source', kind: 'step', amplitude: 14, onset: 10, wires: [['neuron']] },
      { id: 'neuron', z: 'tab', type: 'izh-neuron', form: '2003', size: 1, params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, wires: [['trace'], []] },
      { id: 'trace', z: 'tab', type: 'izh-state-monitor', name: 'A <trace>', variables: 'v,I', indices: '0', svg, wires: [['out']] },
      { id: 'out', z: 'tab', type: 'helper' },
    ].map((n) => (n.type === 'tab' ? n : { x: 100, y: 100, ...n }));

  async function runAndReceive(svg: boolean): Promise<Record<string, any>> {
    await helper.load([clockNode, sourceNode, neuronNode, stateMonitorNode], flow(svg));
    const received = new Promise<Record<string, any>>((resolve) => helper.getNode('out').on('input', resolve));
    helper.getNode('clock').receive({ payload: 'start' });
    return received;
  }

  it('adds msg.svg to the end-of-run message when svg is checked', async () => {
    const msg = await runAndReceive(true);
    expect(msg.event).toBe('finished');
    expect(msg.payload.v[0]).toHaveLength(401);
    const { elements, texts } = parseXml(msg.svg);
    expect(elements.filter((e) => e === 'polyline')).toHaveLength(2);
    expect(texts).toContain('A <trace>');
  });

  it('sends no svg by default', async () => {
    const msg = await runAndReceive(false);
    expect(msg.event).toBe('finished');
    expect(msg.svg).toBeUndefined();
  });
});
