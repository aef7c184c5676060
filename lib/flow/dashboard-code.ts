/**
 * Code that runs outside this library: in the browser (Dashboard 2 `ui-template` widgets) and in
 * Node-RED function nodes of the dashboard examples. It is kept here as JavaScript text, written
 * once, so the generated flows do not depend on how this file is compiled; the tests evaluate it
 * and compare it with the TypeScript functions of lib/render/charts.ts it mirrors.
 *
 *  - HELPERS_JS: the ISI histogram, the nullclines and the run as CSV (isiBin, isiHistogram,
 *    isiBinLabel, nullclines, runCsv), the same as lib/render/charts.ts;
 *  - scopeTemplate(): a live "scope" drawn on canvases, for data faster than `ui-chart` takes:
 *    line panels and a spike raster over one sliding window of simulated time shared by all of
 *    them, and for a single neuron an ISI histogram, the v-u phase plane with its nullclines and
 *    a button that downloads the run as CSV;
 *  - csvTemplate(): a button that downloads a finished run as CSV;
 *  - pageStyle(): CSS for our pages (wider number boxes on sliders);
 *  - BATCH_ANALYSIS_JS: a function node that turns a finished run into the rate, ISI histogram,
 *    phase-plane and CSV messages of the explorer's batch page.
 * Dashboard 2 re-generates template scripts with acorn and escodegen before it runs them: the
 * code sticks to syntax both handle (test/dashboard.test.ts parses it the same way).
 */
import { ISI_EDGES } from '../render/charts';

/** The helpers, as JavaScript function declarations (the twins of lib/render/charts.ts). */
export const HELPERS_JS = `const ISI_EDGES = ${JSON.stringify(ISI_EDGES)};
function isiBin(isi, edges) {
  let k = edges.length - 1;
  while (k > 0 && isi < edges[k]) k--;
  return k;
}
function isiHistogram(times, edges) {
  const counts = edges.map(function () { return 0; });
  for (let i = 1; i < times.length; i++) counts[isiBin(times[i] - times[i - 1], edges)]++;
  return counts;
}
function isiBinLabel(k, edges) {
  return k === edges.length - 1 ? '>=' + edges[k] : edges[k] + '-' + edges[k + 1];
}
function nullclines(p, I, vRange, step, uRange) {
  const vs = [];
  for (let k = 0; vRange[0] + k * step <= vRange[1] + 1e-9; k++) vs.push(vRange[0] + k * step);
  return {
    v: vs.map(function (v) { return [v, p.k1 * v * v + p.k2 * v + p.k3 + I]; }),
    u: p.recovery === 'accommodation' ? [[-65, uRange[0]], [-65, uRange[1]]] : vs.map(function (v) { return [v, p.b * v]; })
  };
}
function runCsv(run) {
  const lines = ['t_ms,v_mV,u,I,spike'];
  let s = 0;
  for (let k = 0; k < run.t.length; k++) {
    const t = run.t[k];
    while (s < run.spikes.length && run.spikes[s] < t - 1e-9) s++;
    const spike = s < run.spikes.length && Math.abs(run.spikes[s] - t) <= 1e-9 ? 1 : 0;
    lines.push(t + ',' + run.v[k] + ',' + run.u[k] + ',' + run.I[k] + ',' + spike);
  }
  return lines.join('\\n') + '\\n';
}`;

/** Saves text as a file in the browser (a link to a Blob, clicked). */
const SAVE_TEXT_JS = `function saveText(name, text) {
  const url = URL.createObjectURL(new Blob([text], { type: 'text/csv' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
}`;

/** A panel of the scope: lines against time, or a spike raster. */
export interface ScopePanel {
  id: string;
  label: string;
  kind: 'line' | 'raster';
  /** height in CSS pixels, its title included */
  height: number;
  /** line panels: state variables (`v`, `u`, `I`) of neuron 0 of the state monitor, or `rates` (every rate monitor's series, by topic) */
  lines?: Array<'v' | 'u' | 'I' | 'rates'>;
  /** fixed y range (blank: the range of what is in the window) */
  yMin?: number;
  yMax?: number;
}

export interface ScopeConfig {
  title: string;
  /** the sliding window of simulated time every panel shows (ms) */
  window: number;
  panels: ScopePanel[];
  /** rows of the raster (neurons) */
  neurons: number;
  /** spike monitors by topic: the index of their first neuron in the raster (e.g. the inhibitory population after 800 excitatory neurons) */
  spikeOffsets?: Record<string, number>;
  /** raster colours by neuron: from this index on, this colour */
  rasterColors?: Array<{ from: number; color: string }>;
  /** colours of rate series by topic (others: green, red, purple in turn) */
  rateColors?: Record<string, string>;
  /** for one neuron: an ISI histogram and the v-u phase plane (with the nullclines of the `params` message) under the panels */
  analysis?: boolean;
  /** for one neuron: a CSV button; the file name starts with this */
  csv?: string;
  /** rows the CSV keeps (the latest) */
  maxRows?: number;
}

/**
 * A ui-template that draws live data on canvases. Wire into it: the clock's run events (output 2;
 * "started" clears everything), the monitors' live chunks in the `arrays` format (state monitor:
 * v, u, I of neuron 0; spike monitors; rate monitors: the smoothed rate if there is one, else the
 * rate) and, for the phase plane, `{topic: "params", payload: {b, k1, k2, k3, recovery}}`.
 * End-of-run messages are ignored (the chunks brought every point already). When it is shown it
 * sends `{topic: "scope-ready"}` on its output, for the flow to send the parameters again.
 * Every panel shows the same window [t - window, t] of simulated time, t the end of the latest
 * chunk; the root element (data-izh-scope) carries `izhScope.drawn()`, what the last frame drew
 * (the window, every panel's points, where on the canvas each panel is), which the browser tests
 * read.
 */
export function scopeTemplate(config: ScopeConfig): string {
  const script = `export default {
  data() {
    return { status: 'waiting for a run', title: ${JSON.stringify(config.title)}, analysis: ${config.analysis === true}, csv: ${config.csv !== undefined} };
  },
  mounted() {
    const CONFIG = ${JSON.stringify({ maxRows: 200000, spikeOffsets: {}, rasterColors: [], rateColors: {}, ...config })};
    const vm = this;
    ${HELPERS_JS.replace(/\n/g, '\n    ')}
    ${SAVE_TEXT_JS.replace(/\n/g, '\n    ')}
    const COLORS = { v: '#b5651d', u: '#A347E1', I: '#0095FF' };
    const RATE_COLORS = ['#2CA02C', '#D62728', '#A347E1'];
    const W = CONFIG.window;
    const L = 56;
    const R = 12;
    const TITLE = 16;
    const GAP = 8;
    const AXIS = 26;
    const state = { t: [], v: [], u: [], I: [] };
    // one raster buffer per spike monitor, each in time order
    const rasters = {};
    const rates = {};
    const rec = { t: [], v: [], u: [], I: [], spikes: [] };
    let isiCounts = ISI_EDGES.map(function () { return 0; });
    let lastSpike = {};
    let t1 = 0;
    // the end of the latest spike chunk: the CSV stops there, so its spike column is complete
    let spikesUntil = 0;
    let stateUntil = 0;
    // how many runs have started while the page was open
    let runs = 0;
    let params = null;
    let runEvent = '';
    let frame = 0;
    let alive = true;
    let drawn = { main: null, isi: null, phase: null };

    function clear() {
      for (const a of [state.t, state.v, state.u, state.I, rec.t, rec.v, rec.u, rec.I, rec.spikes]) a.length = 0;
      for (const k of Object.keys(rates)) delete rates[k];
      for (const k of Object.keys(rasters)) delete rasters[k];
      isiCounts = ISI_EDGES.map(function () { return 0; });
      lastSpike = {};
      t1 = 0;
      spikesUntil = 0;
      stateUntil = 0;
    }
    function firstAtOrAfter(ts, t) {
      let lo = 0;
      let hi = ts.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (ts[mid] < t) lo = mid + 1; else hi = mid;
      }
      return lo;
    }
    function dropBefore(ts, others, t) {
      const n = firstAtOrAfter(ts, t);
      if (n === 0) return;
      ts.splice(0, n);
      for (const a of others) a.splice(0, n);
    }
    function addState(p) {
      const v = p.v ? p.v[0] : null;
      const u = p.u ? p.u[0] : null;
      const I = p.I ? p.I[0] : null;
      for (let k = 0; k < p.t.length; k++) {
        state.t.push(p.t[k]);
        state.v.push(v ? v[k] : NaN);
        state.u.push(u ? u[k] : NaN);
        state.I.push(I ? I[k] : NaN);
        if (CONFIG.csv) {
          rec.t.push(p.t[k]);
          rec.v.push(v ? v[k] : NaN);
          rec.u.push(u ? u[k] : NaN);
          rec.I.push(I ? I[k] : NaN);
        }
      }
      if (CONFIG.csv && rec.t.length > CONFIG.maxRows * 1.25) {
        const keepFrom = rec.t[rec.t.length - CONFIG.maxRows];
        dropBefore(rec.t, [rec.v, rec.u, rec.I], keepFrom);
        dropBefore(rec.spikes, [], keepFrom);
      }
    }
    function addSpikes(topic, times, indices) {
      const offset = CONFIG.spikeOffsets[topic] || 0;
      if (!rasters[topic]) rasters[topic] = { t: [], n: [] };
      const raster = rasters[topic];
      for (let k = 0; k < times.length; k++) {
        const n = indices[k] + offset;
        raster.t.push(times[k]);
        raster.n.push(n);
        if (CONFIG.analysis) {
          if (lastSpike[n] !== undefined) isiCounts[isiBin(times[k] - lastSpike[n], ISI_EDGES)]++;
          lastSpike[n] = times[k];
        }
        if (CONFIG.csv) rec.spikes.push(times[k]);
      }
    }
    function addRate(topic, t, y) {
      if (!rates[topic]) rates[topic] = { t: [], y: [] };
      for (let k = 0; k < t.length; k++) {
        rates[topic].t.push(t[k]);
        rates[topic].y.push(y[k]);
      }
    }
    function onMsg(msg) {
      if (!msg || typeof msg !== 'object') return;
      const p = msg.payload;
      if (msg.topic === 'params' && p && typeof p === 'object') {
        params = p;
        schedule();
        return;
      }
      if (p && typeof p === 'object' && typeof p.event === 'string' && msg.event === undefined) {
        if (p.event === 'started') {
          clear();
          runs++;
        }
        runEvent = p.event === 'progress' || p.event === 'resumed' || p.event === 'started' ? 'running' : p.event;
        schedule();
        return;
      }
      if (msg.event !== 'chunk' || !p || typeof p !== 'object') return;
      if (Array.isArray(p.times)) {
        addSpikes(msg.topic, p.times, p.indices);
        if (typeof msg.t === 'number' && msg.t > spikesUntil) spikesUntil = msg.t;
      }
      else if (Array.isArray(p.rate)) addRate(msg.topic, p.t, p.smoothed || p.rate);
      else if (Array.isArray(p.t)) {
        addState(p);
        if (typeof msg.t === 'number' && msg.t > stateUntil) stateUntil = msg.t;
      }
      if (typeof msg.t === 'number' && msg.t > t1) t1 = msg.t;
      const keep = t1 - W * 1.1;
      dropBefore(state.t, [state.v, state.u, state.I], keep);
      for (const k of Object.keys(rasters)) dropBefore(rasters[k].t, [rasters[k].n], keep);
      for (const k of Object.keys(rates)) dropBefore(rates[k].t, [rates[k].y], keep);
      schedule();
    }
    function schedule() {
      if (!frame && alive) frame = requestAnimationFrame(draw);
    }
    function canvas(c, height) {
      const dpr = window.devicePixelRatio || 1;
      const w = Math.max(100, c.clientWidth);
      c.style.height = height + 'px';
      if (c.width !== Math.round(w * dpr) || c.height !== Math.round(height * dpr)) {
        c.width = Math.round(w * dpr);
        c.height = Math.round(height * dpr);
      }
      const ctx = c.getContext('2d');
      ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
      ctx.clearRect(0, 0, w, height);
      ctx.font = '11px sans-serif';
      ctx.lineWidth = 1;
      return { ctx: ctx, w: w, h: height };
    }
    function ticks(a, b, count) {
      const raw = (b - a) / count;
      const mag = Math.pow(10, Math.floor(Math.log10(raw)));
      const step = [1, 2, 5, 10].map(function (m) { return m * mag; }).find(function (s) { return s >= raw; });
      const out = [];
      for (let t = Math.ceil(a / step) * step; t <= b + 1e-9; t += step) out.push(Math.round(t * 1e6) / 1e6);
      return out;
    }
    function fmt(x) {
      return Math.abs(x) >= 100 ? String(Math.round(x)) : String(Math.round(x * 100) / 100);
    }
    function window_() {
      const t0 = Math.max(0, t1 - W);
      return [t0, t0 + W];
    }
    function rasterColor(n) {
      let color = '#333333';
      for (const c of CONFIG.rasterColors) if (n >= c.from) color = c.color;
      return color;
    }
    function linesOf(panel) {
      const out = [];
      for (const name of panel.lines || []) {
        if (name === 'rates') {
          Object.keys(rates).sort().forEach(function (topic, i) { out.push({ name: topic, t: rates[topic].t, y: rates[topic].y, color: CONFIG.rateColors[topic] || RATE_COLORS[i % RATE_COLORS.length] }); });
        } else {
          out.push({ name: name, t: state.t, y: state[name], color: COLORS[name] });
        }
      }
      return out;
    }
    function drawMain() {
      const c = vm.$refs.main;
      if (!c) return null;
      const height = CONFIG.panels.reduce(function (s, p) { return s + p.height; }, 0) + AXIS;
      const g = canvas(c, height);
      const ctx = g.ctx;
      const range = window_();
      const t0 = range[0];
      const tEnd = range[1];
      const x = function (t) { return L + (t - t0) / W * (g.w - L - R); };
      const tks = ticks(t0, tEnd, Math.max(3, Math.floor((g.w - L - R) / 90)));
      const out = { runs: runs, t0: t0, t1: tEnd, t: t1, until: { spikes: spikesUntil, state: stateUntil }, window: W, event: runEvent, panels: {}, layout: { left: L, right: R, width: g.w, height: height, panels: {} } };
      let y = 0;
      for (const panel of CONFIG.panels) {
        const top = y + TITLE;
        const h = panel.height - TITLE - GAP;
        out.layout.panels[panel.id] = { top: top, height: h };
        ctx.strokeStyle = '#e5e5e5';
        for (const t of tks) {
          ctx.beginPath();
          ctx.moveTo(x(t) + 0.5, top);
          ctx.lineTo(x(t) + 0.5, top + h);
          ctx.stroke();
        }
        ctx.strokeStyle = '#bbbbbb';
        ctx.strokeRect(L + 0.5, top + 0.5, g.w - L - R, h);
        ctx.fillStyle = '#444444';
        ctx.textAlign = 'left';
        ctx.fillText(panel.label, L, y + 12);
        if (panel.kind === 'raster') {
          const times = [];
          const indices = [];
          const rows = CONFIG.neurons;
          const rowH = h / rows;
          for (const topic of Object.keys(rasters).sort()) {
            const raster = rasters[topic];
            for (let k = firstAtOrAfter(raster.t, t0); k < raster.t.length && raster.t[k] <= tEnd; k++) {
              const t = raster.t[k];
              const n = raster.n[k];
              times.push(t);
              indices.push(n);
              ctx.fillStyle = rasterColor(n);
              if (rows === 1) ctx.fillRect(x(t) - 0.75, top + 2, 1.5, h - 4);
              else ctx.fillRect(x(t) - 0.75, top + (rows - 1 - n) * rowH, 1.5, Math.max(1, rowH));
            }
          }
          ctx.fillStyle = '#666666';
          ctx.textAlign = 'right';
          if (rows > 1) {
            ctx.fillText(String(rows - 1), L - 4, top + 9);
            ctx.fillText('0', L - 4, top + h);
          }
          out.panels[panel.id] = { kind: 'raster', times: times, indices: indices };
        } else {
          const lines = linesOf(panel).map(function (line) {
            const from = firstAtOrAfter(line.t, t0);
            const points = [];
            for (let k = from; k < line.t.length && line.t[k] <= tEnd; k++) if (line.y[k] === line.y[k]) points.push([line.t[k], line.y[k]]);
            return { name: line.name, color: line.color, points: points };
          });
          let lo = panel.yMin;
          let hi = panel.yMax;
          if (lo === undefined || hi === undefined) {
            let min = Infinity;
            let max = -Infinity;
            for (const line of lines) for (const p of line.points) { if (p[1] < min) min = p[1]; if (p[1] > max) max = p[1]; }
            if (min > max) { min = 0; max = 1; }
            if (max - min < 1e-9) { min -= 1; max += 1; }
            const pad = (max - min) * 0.08;
            if (lo === undefined) lo = min - pad;
            if (hi === undefined) hi = max + pad;
          }
          const yOf = function (v) { return top + h - (v - lo) / (hi - lo) * h; };
          ctx.save();
          ctx.beginPath();
          ctx.rect(L, top, g.w - L - R, h);
          ctx.clip();
          const series = {};
          lines.forEach(function (line, i) {
            ctx.strokeStyle = line.color;
            ctx.lineWidth = 1.25;
            ctx.beginPath();
            line.points.forEach(function (p, k) { if (k === 0) ctx.moveTo(x(p[0]), yOf(p[1])); else ctx.lineTo(x(p[0]), yOf(p[1])); });
            ctx.stroke();
            series[line.name] = line.points;
          });
          ctx.restore();
          ctx.fillStyle = '#666666';
          ctx.textAlign = 'right';
          ctx.fillText(fmt(hi), L - 4, top + 9);
          ctx.fillText(fmt(lo), L - 4, top + h);
          if (lines.length > 1) {
            let right = g.w - R;
            for (let i = lines.length - 1; i >= 0; i--) {
              ctx.fillStyle = lines[i].color;
              ctx.fillText(lines[i].name, right, y + 12);
              right -= ctx.measureText(lines[i].name).width + 12;
            }
          }
          out.panels[panel.id] = { kind: 'line', yMin: lo, yMax: hi, series: series };
        }
        y += panel.height;
      }
      ctx.fillStyle = '#666666';
      ctx.textAlign = 'center';
      for (const t of tks) ctx.fillText(fmt(t), x(t), y + 10);
      ctx.fillText('t (ms)', L + (g.w - L - R) / 2, y + 23);
      return out;
    }
    function drawIsi() {
      const c = vm.$refs.isi;
      if (!c) return null;
      const g = canvas(c, 200);
      const ctx = g.ctx;
      const top = TITLE + 4;
      const h = g.h - top - 30;
      const left = 34;
      const width = g.w - left - 8;
      const max = Math.max.apply(null, isiCounts.concat([1]));
      const bw = width / isiCounts.length;
      ctx.fillStyle = '#444444';
      ctx.textAlign = 'left';
      ctx.fillText('ISI histogram (ms), since the run or the page started', left, 12);
      ctx.strokeStyle = '#bbbbbb';
      ctx.strokeRect(left + 0.5, top + 0.5, width, h);
      isiCounts.forEach(function (count, k) {
        const bh = count / max * h;
        ctx.fillStyle = '#0095FF';
        ctx.fillRect(left + k * bw + 1, top + h - bh, Math.max(1, bw - 2), bh);
      });
      ctx.fillStyle = '#666666';
      ctx.textAlign = 'right';
      ctx.fillText(String(max), left - 4, top + 9);
      ctx.fillText('0', left - 4, top + h);
      ctx.textAlign = 'center';
      for (let k = 0; k < ISI_EDGES.length; k += 3) ctx.fillText(String(ISI_EDGES[k]), left + k * bw, top + h + 12);
      ctx.fillText('interval (ms, edges)', left + width / 2, top + h + 25);
      return { edges: ISI_EDGES.slice(), labels: ISI_EDGES.map(function (e, k) { return isiBinLabel(k, ISI_EDGES); }), counts: isiCounts.slice() };
    }
    function drawPhase(main) {
      const c = vm.$refs.phase;
      if (!c || !main) return null;
      const g = canvas(c, 200);
      const ctx = g.ctx;
      const top = TITLE + 4;
      const left = 40;
      const h = g.h - top - 30;
      const width = g.w - left - 8;
      const vRange = [-90, 40];
      const from = firstAtOrAfter(state.t, main.t0);
      const trajectory = [];
      for (let k = from; k < state.t.length && state.t[k] <= main.t1; k++) if (state.u[k] === state.u[k]) trajectory.push([state.v[k], state.u[k]]);
      let uLo = Infinity;
      let uHi = -Infinity;
      for (const p of trajectory) { if (p[1] < uLo) uLo = p[1]; if (p[1] > uHi) uHi = p[1]; }
      if (uLo > uHi) { uLo = -20; uHi = 20; }
      const pad = Math.max(2, (uHi - uLo) * 0.25);
      uLo -= pad;
      uHi += pad;
      const I = state.I.length ? state.I[state.I.length - 1] : 0;
      const X = function (v) { return left + (v - vRange[0]) / (vRange[1] - vRange[0]) * width; };
      const Y = function (u) { return top + h - (u - uLo) / (uHi - uLo) * h; };
      ctx.fillStyle = '#444444';
      ctx.textAlign = 'left';
      ctx.fillText('phase plane: u against v, nullclines for I = ' + fmt(I), left, 12);
      ctx.strokeStyle = '#bbbbbb';
      ctx.strokeRect(left + 0.5, top + 0.5, width, h);
      ctx.save();
      ctx.beginPath();
      ctx.rect(left, top, width, h);
      ctx.clip();
      let curves = null;
      if (params) {
        curves = nullclines(params, I, vRange, 1, [uLo, uHi]);
        [[curves.v, '#FF7F0E'], [curves.u, '#2CA02C']].forEach(function (pair) {
          ctx.strokeStyle = pair[1];
          ctx.lineWidth = 1.5;
          ctx.beginPath();
          pair[0].forEach(function (p, k) { if (k === 0) ctx.moveTo(X(p[0]), Y(p[1])); else ctx.lineTo(X(p[0]), Y(p[1])); });
          ctx.stroke();
        });
      }
      ctx.strokeStyle = '#b5651d';
      ctx.lineWidth = 1;
      ctx.beginPath();
      trajectory.forEach(function (p, k) { if (k === 0) ctx.moveTo(X(p[0]), Y(p[1])); else ctx.lineTo(X(p[0]), Y(p[1])); });
      ctx.stroke();
      if (trajectory.length) {
        const last = trajectory[trajectory.length - 1];
        ctx.fillStyle = '#b5651d';
        ctx.beginPath();
        ctx.arc(X(last[0]), Y(last[1]), 3.5, 0, 2 * Math.PI);
        ctx.fill();
      }
      ctx.restore();
      ctx.fillStyle = '#666666';
      ctx.textAlign = 'right';
      ctx.fillText(fmt(uHi), left - 4, top + 9);
      ctx.fillText(fmt(uLo), left - 4, top + h);
      ctx.textAlign = 'center';
      for (const v of [-80, -60, -40, -20, 0, 20, 40]) ctx.fillText(String(v), X(v), top + h + 12);
      ctx.fillText('v (mV); orange: v-nullcline, green: u-nullcline', left + width / 2, top + h + 25);
      return { vRange: vRange, uRange: [uLo, uHi], I: I, trajectory: trajectory, vNullcline: curves ? curves.v : [], uNullcline: curves ? curves.u : [] };
    }
    function draw() {
      frame = 0;
      if (!alive) return;
      const main = drawMain();
      drawn = { main: main, isi: CONFIG.analysis ? drawIsi() : null, phase: CONFIG.analysis ? drawPhase(main) : null };
      vm.status = (runEvent ? runEvent + ', ' : '') + 't = ' + fmt(t1) + ' ms, window ' + W + ' ms';
    }
    const observer = new ResizeObserver(schedule);
    observer.observe(this.$refs.root);
    this.$socket.on('msg-input:' + this.id, onMsg);
    // ask the flow for what a page opened mid-run has missed (the parameters of the nullclines)
    this.send({ topic: 'scope-ready' });
    this.$refs.root.izhScope = {
      drawn: function () { return JSON.parse(JSON.stringify(drawn)); },
      params: function () { return params; }
    };
    this.izh = {
      download: function () {
        const n = firstAtOrAfter(rec.t, spikesUntil);
        if (!n) return;
        const run = { t: rec.t.slice(0, n), v: rec.v.slice(0, n), u: rec.u.slice(0, n), I: rec.I.slice(0, n), spikes: rec.spikes };
        saveText(CONFIG.csv + '-' + fmt(run.t[0]) + '-' + fmt(run.t[n - 1]) + 'ms.csv', runCsv(run));
      },
      stop: function () {
        alive = false;
        if (frame) cancelAnimationFrame(frame);
        observer.disconnect();
      }
    };
    schedule();
  },
  unmounted() {
    if (this.izh) this.izh.stop();
  },
  methods: {
    download() {
      if (this.izh) this.izh.download();
    }
  }
}`;
  return `<template>
  <div ref="root" class="izh-scope" data-izh-scope="1">
    <div class="izh-scope-head">
      <span class="izh-scope-title">{{ title }}</span>
      <span class="izh-scope-status">{{ status }}</span>
      <v-btn v-if="csv" size="small" variant="tonal" prepend-icon="mdi-download" class="izh-scope-csv" @click="download">CSV</v-btn>
    </div>
    <canvas ref="main" class="izh-scope-canvas"></canvas>
    <div v-if="analysis" class="izh-scope-analysis">
      <canvas ref="isi" class="izh-scope-isi"></canvas>
      <canvas ref="phase" class="izh-scope-phase"></canvas>
    </div>
  </div>
</template>
<script>
${script}
</script>
<style>
.izh-scope { width: 100%; }
.izh-scope canvas { display: block; width: 100%; }
.izh-scope-head { display: flex; align-items: center; gap: 12px; min-height: 32px; font-size: 13px; color: #555555; }
.izh-scope-title { font-weight: 600; }
.izh-scope-status { flex: 1; }
.izh-scope-analysis { display: flex; gap: 16px; margin-top: 8px; }
.izh-scope-analysis canvas { flex: 1 1 0; min-width: 0; }
</style>
`;
}

/**
 * A ui-template with one button that downloads a finished run as CSV. It takes `{payload: {name,
 * t, v, u, I, spikes}}` (the run of one neuron: times in ms, v, u and I at each, the spike
 * times) and keeps the latest, also for pages opened after the run.
 */
export function csvTemplate(): string {
  return `<template>
  <div class="izh-csv" data-izh-csv="1">
    <v-btn size="small" variant="tonal" prepend-icon="mdi-download" :disabled="!rows" @click="download">Download the run as CSV</v-btn>
    <span class="izh-csv-note">{{ rows ? name + ', ' + rows + ' steps' : 'no run yet' }}</span>
  </div>
</template>
<script>
export default {
  data() {
    return { rows: 0, name: '' };
  },
  watch: {
    msg: function () {
      this.take(this.msg);
    }
  },
  mounted() {
    this.take(this.msg);
  },
  methods: {
    take(msg) {
      const p = msg && msg.payload;
      if (!p || !Array.isArray(p.t)) return;
      this.run = p;
      this.rows = p.t.length;
      this.name = p.name;
    },
    download() {
      ${HELPERS_JS.replace(/\n/g, '\n      ')}
      ${SAVE_TEXT_JS.replace(/\n/g, '\n      ')}
      const run = this.run;
      if (!run) return;
      saveText('spiking-red-' + run.file + '.csv', runCsv(run));
    }
  }
}
</script>
<style>
.izh-csv { display: flex; align-items: center; gap: 12px; }
.izh-csv-note { font-size: 13px; color: #555555; }
</style>
`;
}

/**
 * CSS for our pages only (a `page:style` template): the number box next to a slider is 80 px
 * wide in Dashboard 2, too narrow for "0.02" beside its spin buttons; ours are wider.
 */
export function pageStyle(): string {
  return `.izh-slider .v-input__append .v-input { width: 112px !important; min-width: 112px !important; flex: 0 0 112px !important; }
.izh-slider .v-input__append input { padding-right: 2px; }`;
}

/**
 * The explorer's batch analysis (a function node with four outputs: the rate chart, the ISI
 * histogram, the phase plane, the run for the CSV button). It collects what one run sends in:
 * `params` (from the controls: name, file, b, k1, k2, k3, recovery), the spike monitor's chart
 * message (topic `spikes`), the state monitor's arrays of v, u and I (topic `trace`) and the rate
 * monitor's arrays (topic `rate`); once all have come, it sends the plots.
 */
export const BATCH_ANALYSIS_JS = `// One finished run of the batch page: rate over time (the rate monitor's running mean and the
// instantaneous rate 1000/ISI at each spike), the ISI histogram, the v-u phase plane with the
// nullclines for the input at the end of the run, and the run for the CSV button.
${HELPERS_JS}
const run = context.get('run') || {};
switch (msg.topic) {
  case 'params': context.set('run', { params: msg.payload }); return null;
  case 'spikes': if (msg.event === 'clear') return null; run.spikes = msg.payload.map(function (p) { return p.t; }); break;
  case 'trace': run.trace = msg.payload; break;
  case 'rate': run.rate = msg.payload; break;
  default: return null;
}
context.set('run', run);
if (!run.params || !run.spikes || !run.trace || !run.rate) return null;
context.set('run', { params: run.params });
const p = run.params;
const t = run.trace.t;
const v = run.trace.v[0];
const u = run.trace.u[0];
const I = run.trace.I[0];
const rate = [
  { payload: [] },
  { topic: 'running mean (' + run.rate.smoothing + ' ms)', payload: run.rate.t.map(function (x, k) { return { t: x, rate: run.rate.smoothed[k] }; }) },
  { topic: '1000 / ISI', payload: run.spikes.slice(1).map(function (x, k) { return { t: x, rate: 1000 / (x - run.spikes[k]) }; }) }
].filter(function (m) { return m.payload.length > 0 || m.topic === undefined; });
const isi = { topic: 'ISI', action: 'replace', payload: isiHistogram(run.spikes, ISI_EDGES).map(function (count, k) { return { bin: isiBinLabel(k, ISI_EDGES), count: count }; }) };
let uLo = Math.min.apply(null, u);
let uHi = Math.max.apply(null, u);
const pad = Math.max(2, (uHi - uLo) * 0.25);
uLo -= pad;
uHi += pad;
const lastI = I[I.length - 1];
const curves = nullclines(p, lastI, [-90, 40], 1, [uLo, uHi]);
const inside = function (q) { return q[1] >= uLo && q[1] <= uHi; };
const stride = Math.max(1, Math.ceil(t.length / 2000));
const trajectory = [];
for (let k = 0; k < t.length; k += stride) trajectory.push({ v: v[k], u: u[k] });
const phase = [
  { payload: [], ui_update: { chartOptions: { xAxis: { min: -90, max: 40 } } } },
  { topic: 'trajectory', payload: trajectory },
  { topic: 'v-nullcline, I = ' + lastI, payload: curves.v.filter(inside).map(function (q) { return { v: q[0], u: q[1] }; }) },
  { topic: 'u-nullcline', payload: curves.u.filter(inside).map(function (q) { return { v: q[0], u: q[1] }; }) }
];
const csv = { payload: { name: p.name, file: p.file, t: t, v: v, u: u, I: I, spikes: run.spikes } };
return [rate, isi, phase, csv];`;
