/**
 * Voltage traces as SVG, drawn the way Izhikevich's figures draw them: the membrane potential,
 * the input current as a thin line in a strip underneath, a title, a time scale bar and no
 * other axes. `renderTraces` draws one panel, `renderFigure` arranges panels in grids with
 * section headings. No dependencies; the output is a standalone, well-formed SVG document.
 *
 * Polylines are decimated per pixel column (first, lowest, highest and last sample of each
 * column, so spikes and steps survive) and runs of equal points are merged, which keeps a
 * panel at a few kB whatever the number of samples.
 */
import type { StateResult } from '../engine/monitors';

export interface Panel {
  title: string;
  /** sample times (ms) */
  t: readonly number[];
  /** membrane potential (mV), drawn large */
  v?: readonly number[];
  /** input current, drawn in a strip underneath (or alone when there is no v) */
  I?: readonly number[];
}

export interface PanelSize {
  width: number;
  height: number;
}

export interface FigureSection {
  heading?: string;
  panels: Panel[];
  /** panels per row */
  columns: number;
}

export interface FigureOptions extends Partial<PanelSize> {
  title?: string;
}

const DEFAULT_SIZE: PanelSize = { width: 260, height: 150 };
const FONT = 'Helvetica, Arial, sans-serif';
const MARGIN = 16;
const HEADING = 30;

/** Text made safe for SVG content and attribute values. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** One panel as a standalone SVG document. */
export function renderTraces(panel: Panel, size: Partial<PanelSize> = {}): string {
  const { width, height } = { ...DEFAULT_SIZE, ...size };
  return document(width, height, panel.title, panelGroup(panel, 0, 0, { width, height }));
}

/** Sections of panels, each a grid of `columns` panels under its heading, one below the other. */
export function renderFigure(sections: FigureSection[], options: FigureOptions = {}): string {
  const size: PanelSize = { width: options.width ?? DEFAULT_SIZE.width, height: options.height ?? DEFAULT_SIZE.height };
  const columns = Math.max(1, ...sections.map((s) => s.columns));
  const width = columns * size.width + 2 * MARGIN;
  const parts: string[] = [];
  let y = MARGIN;
  if (options.title) {
    parts.push(`<text x="${MARGIN}" y="${y + 18}" font-size="20" font-weight="bold">${escapeXml(options.title)}</text>`);
    y += HEADING + 6;
  }
  for (const section of sections) {
    if (section.heading) {
      parts.push(`<text x="${MARGIN}" y="${y + 18}" font-size="16" font-weight="bold">${escapeXml(section.heading)}</text>`);
      y += HEADING;
    }
    section.panels.forEach((panel, i) => {
      const x = MARGIN + (i % section.columns) * size.width;
      parts.push(panelGroup(panel, x, y + Math.floor(i / section.columns) * size.height, size));
    });
    y += Math.ceil(section.panels.length / section.columns) * size.height + MARGIN;
  }
  return document(width, y, options.title ?? sections.map((s) => s.heading ?? '').join(', '), parts.join('\n'));
}

function document(width: number, height: number, title: string, body: string): string {
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `<title>${escapeXml(title)}</title>`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    body,
    '</svg>',
    '',
  ].join('\n');
}

/** A panel at (x, y): title, v, the input strip and a time scale bar. */
function panelGroup(panel: Panel, x: number, y: number, { width, height }: PanelSize): string {
  const pad = 8;
  const left = pad, right = width - pad;
  const titleH = 18, barH = 16;
  const top = titleH + 4, bottom = height - barH - 2;
  const hasV = panel.v !== undefined && panel.v.length > 0;
  const hasI = panel.I !== undefined && panel.I.length > 0;
  // v takes the upper part, the input a strip of a fifth underneath
  const stripH = hasV ? Math.round((bottom - top) * 0.2) : bottom - top;
  const vBox = { top, bottom: hasI ? bottom - stripH - 6 : bottom };
  const iBox = { top: bottom - stripH, bottom };
  const parts = [`<g transform="translate(${x},${y})">`, `<text x="${left}" y="${titleH - 4}" font-size="13">${escapeXml(panel.title)}</text>`];
  const t = panel.t;
  if (t.length > 0) {
    const t0 = t[0], t1 = t[t.length - 1];
    const xOf = (s: number) => left + ((t[s] - t0) / (t1 - t0 || 1)) * (right - left);
    if (hasV) parts.push(polyline(t.length, xOf, panel.v!, vBox, '#000', 1));
    if (hasI) parts.push(polyline(t.length, xOf, panel.I!, iBox, '#555', 0.8));
    parts.push(scaleBar(t1 - t0, (right - left) / (t1 - t0 || 1), right, height - 6));
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** A polyline of values scaled into the box [top, bottom] (a constant sits in its middle). */
function polyline(n: number, xOf: (s: number) => number, values: readonly number[], box: { top: number; bottom: number }, stroke: string, widthPx: number): string {
  let lo = Infinity, hi = -Infinity;
  for (let s = 0; s < n; s++) {
    if (values[s] < lo) lo = values[s];
    if (values[s] > hi) hi = values[s];
  }
  const span = hi - lo;
  const yOf = (value: number) => (span > 0 ? box.bottom - ((value - lo) / span) * (box.bottom - box.top) : (box.top + box.bottom) / 2);
  const points = decimate(n, xOf, (s) => yOf(values[s]));
  return `<polyline points="${points}" fill="none" stroke="${stroke}" stroke-width="${widthPx}" stroke-linejoin="round"/>`;
}

/**
 * The samples worth drawing: in each pixel column the first, lowest, highest and last one (in
 * time order), coordinates to 0.1 px, repeated points dropped and horizontal runs reduced to
 * their ends.
 */
function decimate(n: number, xOf: (s: number) => number, yOf: (s: number) => number): string {
  const keep: number[] = [];
  let s = 0;
  while (s < n) {
    const column = Math.floor(xOf(s));
    const first = s;
    let low = s, high = s, lastIndex = s;
    for (s = s + 1; s < n && Math.floor(xOf(s)) === column; s++) {
      if (yOf(s) > yOf(low)) low = s; // SVG y grows downwards
      if (yOf(s) < yOf(high)) high = s;
      lastIndex = s;
    }
    keep.push(...[...new Set([first, low, high, lastIndex])].sort((a, b) => a - b));
  }
  const points: Array<[string, string]> = [];
  for (const k of keep) {
    const p: [string, string] = [xOf(k).toFixed(1), yOf(k).toFixed(1)];
    const prev = points[points.length - 1];
    if (prev && prev[0] === p[0] && prev[1] === p[1]) continue;
    const before = points[points.length - 2];
    // a horizontal run: move its end instead of adding a point
    if (prev && before && prev[1] === p[1] && before[1] === p[1]) points[points.length - 1] = p;
    else points.push(p);
  }
  return points.map(([px, py]) => `${px},${py}`).join(' ');
}

/** A horizontal bar of a round number of ms, ending at `right`, labelled. */
function scaleBar(duration: number, pxPerMs: number, right: number, y: number): string {
  if (!(duration > 0)) return '';
  const target = duration / 5;
  const power = 10 ** Math.floor(Math.log10(target));
  const ms = [5, 2, 1].map((m) => m * power).find((m) => m <= target) ?? power;
  const length = ms * pxPerMs;
  const label = `${Number(ms.toPrecision(6))} ms`;
  return [
    `<line x1="${(right - length).toFixed(1)}" y1="${y}" x2="${right}" y2="${y}" stroke="#000" stroke-width="1.5"/>`,
    `<text x="${(right - length - 4).toFixed(1)}" y="${y + 3}" font-size="10" text-anchor="end">${escapeXml(label)}</text>`,
  ].join('\n');
}

/** Most panels (recorded neurons) drawn for one state monitor result. */
export const MAX_STATE_PANELS = 20;

/**
 * A state monitor's record as SVG: one panel per recorded neuron (the first MAX_STATE_PANELS),
 * v with I underneath, as far as they were recorded. Null when neither v nor I was recorded.
 */
export function renderStateResult(result: StateResult, title: string): string | null {
  if (!result.v && !result.I) return null;
  const shown = result.indices.slice(0, MAX_STATE_PANELS);
  const panels: Panel[] = shown.map((index, j) => ({
    title: result.indices.length === 1 ? title : `${title} #${index}`,
    t: result.t,
    v: result.v?.[j],
    I: result.I?.[j],
  }));
  if (panels.length === 1) return renderTraces(panels[0]);
  const more = result.indices.length - shown.length;
  return renderFigure([{ panels, columns: 1 }], { title: more > 0 ? `${title} (first ${shown.length} of ${result.indices.length} neurons)` : title });
}
