/**
 * The flood benchmark: Node-RED in a child process of its own (bench/flood-node-red.ts) runs a
 * flow  http in (POST /api/flood) -> function (routes the body by its `to`) -> one clock, its
 * source and its neuron (with spike and state monitors and debug sinks), and http response.
 * 10,000 random requests (seeded, so every run sends the same ones) of every kind go to it,
 * 50 in flight at once: start, stop, pause, resume, reset, run with tiny and huge `ms`, step
 * with huge `steps`, clock settings (dt, duration, mode, speed, interval, preset, good and bad),
 * neuron parameters, sizes and presets, source changes, and bodies of the wrong shape. Meanwhile
 * a third process (bench/flood-poller.ts) sends GET /admin/flows every 50 ms and times it, and
 * the child's RSS is read from /proc every 20 ms. Lines:
 *   flood_admin_p99_ms   99th percentile of the admin API's latency during the flood (< 250 ms)
 *   flood_rss_peak_mb    the child's peak RSS (under the memory budget, 256 MB, plus its idle RSS)
 * The 50 clients are connected before the flood starts (Node accepts one new connection per
 * turn of its event loop, so a burst of new connections delays every connection behind it).
 * Everything stays on 127.0.0.1; the flood stops by itself after its requests (or its time
 * limit) and kills the child. `node dist/bench/flood.js` runs it alone.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { DEFAULT_MEMORY_BUDGET_MB } from '../lib/engine/budget';
import { delay, runChild, userDirWith, type FlowJson } from './embedded';
import type { FloodChildReport } from './flood-node-red';
import type { PollerResult } from './flood-poller';
import { formatLine, median, percentile, type BenchLine } from './harness';

export const ADMIN_P99_TARGET_MS = 250;

export interface FloodOptions {
  requests: number;
  concurrency: number;
  seed: number;
  /** wall time after which no more requests are sent (ms) */
  timeLimitMs: number;
  /** every request is answered by the routing function alone (400, no target): Node-RED's own share */
  baseline: boolean;
}

const DEFAULTS: FloodOptions = { requests: 10_000, concurrency: 50, seed: 8, timeLimitMs: 240_000, baseline: false };

/** The routing function: {to, msg} -> the clock (output 1), the neuron (2) or the source (3); output 4 answers. */
const ROUTE = `
const body = msg.payload;
const answer = { _msgid: msg._msgid, req: msg.req, res: msg.res, statusCode: 200, payload: 'ok' };
const outputs = { clock: 0, neuron: 1, source: 2 };
if (body === null || typeof body !== 'object' || Array.isArray(body) || !(body.to in outputs)) {
  answer.statusCode = 400;
  answer.payload = 'no such target';
  return [null, null, null, answer];
}
const command = body.msg !== null && typeof body.msg === 'object' && !Array.isArray(body.msg) ? Object.assign({}, body.msg) : { payload: body.msg };
const out = [null, null, null, answer];
out[outputs[body.to]] = command;
return out;
`;

export function floodFlow(): FlowJson {
  const at = (x: number, y: number) => ({ x, y, z: 'flood' });
  const debug = (id: string, name: string, y: number) => ({
    id, type: 'debug', name, active: true, tosidebar: true, console: false, tostatus: false, complete: 'payload', targetType: 'msg', statusVal: '', statusType: 'auto', ...at(900, y), wires: [],
  });
  return [
    { id: 'flood', type: 'tab', label: 'flood' },
    { id: 'in', type: 'http in', name: 'POST /flood', url: '/flood', method: 'post', upload: false, swaggerDoc: '', ...at(100, 100), wires: [['route']] },
    { id: 'route', type: 'function', name: 'route', func: ROUTE, outputs: 4, noerr: 0, initialize: '', finalize: '', libs: [], ...at(250, 100), wires: [['clock'], ['neuron'], ['source'], ['out']] },
    { id: 'out', type: 'http response', name: 'answer', statusCode: '', headers: {}, ...at(400, 200), wires: [] },
    { id: 'clock', type: 'izh-clock', name: 'clock', dt: 0.25, duration: 1000, mode: 'batch', speed: 1, interval: 40, startOnDeploy: false, ...at(400, 60), wires: [['source'], ['events']] },
    { id: 'source', type: 'izh-source', name: 'step', kind: 'step', amplitude: 14, onset: 10, ...at(550, 60), wires: [['neuron']] },
    {
      id: 'neuron', type: 'izh-neuron', name: 'cells', form: '2003', size: 1000, scheme: 'izhikevich', spikeEvents: 'chunk',
      params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, ...at(700, 60), wires: [['spikes', 'trace'], ['spikeEvents']],
    },
    { id: 'spikes', type: 'izh-spike-monitor', name: 'spikes', ...at(850, 20), wires: [['spikesOut']] },
    { id: 'trace', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0, 1, 2', every: 1, ...at(850, 100), wires: [['traceOut']] },
    debug('events', 'run events', 140),
    debug('spikesOut', 'spikes', 20),
    debug('traceOut', 'trace', 100),
    debug('spikeEvents', 'spike events', 180),
  ];
}

/** mulberry32: a small seeded generator, so the flood is the same every time. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** One request: a JSON body (or, for bad shapes, raw text sent as JSON). */
export interface FloodRequest {
  body: string;
}

/** The seeded list of requests: every command and setting, good and bad, tiny and huge. */
export function floodRequests(count: number, seed: number): FloodRequest[] {
  const random = generator(seed);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const chance = (p: number) => random() < p;
  const presets = ['A', 'B', 'C', 'F', 'G', 'R', 'T', 'RS', 'FS', 'TC', 'book RS', 'book TCB', 'zzz', '', 7, null, { code: 'A' }];
  const huge = [1e6, 1e8, 1e9, 1e12, 1e300, -1, 0, 'abc', '1e9', null, true, [5]];
  const clockSettings = (): Record<string, unknown> => {
    const settings: Record<string, unknown> = {};
    if (chance(0.4)) settings.dt = pick([0.001, 0.01, 0.1, 0.25, 0.5, 1, 1000, 0, -1, 'x', 1e-9]);
    if (chance(0.4)) settings.duration = pick([1, 10, 100, 1000, 1e4, 1e5, 1e7, 1e9, '', null, 0, 'forever']);
    if (chance(0.3)) settings.mode = pick(['batch', 'realtime', 'realtime', 'warp', '']);
    if (chance(0.3)) settings.speed = pick([0.001, 0.1, 1, 10, 100, 10_000, 1e6, 0, -5]);
    if (chance(0.3)) settings.interval = pick([1, 5, 10, 20, 40, 1000, 1e5, 0]);
    if (chance(0.2)) settings.preset = pick(presets);
    return settings;
  };
  const clock = (): unknown => {
    const r = random();
    if (r < 0.3) return { payload: pick(['start', 'stop', 'pause', 'resume', 'reset', 'start', 'stop']) };
    if (r < 0.45) return { payload: 'run', ms: pick([0.001, 0.25, 1, 10, 100, 1000, 1e4, ...huge]) };
    if (r < 0.6) return { payload: 'step', steps: pick([1, 2, 10, 100, 1000, 1e4, 1e5, 1e6, 1e7, 2.5, ...huge]) };
    if (r < 0.75) return { payload: 'start', ...clockSettings() };
    if (r < 0.85) return { payload: 'run', ms: pick([1, 100, 1000, 1e6, 1e9]), ...clockSettings() };
    return pick<unknown>([
      { payload: { command: 'start' } },
      { command: 'stop' },
      { payload: ' RUN ', ms: 50 },
      { payload: 'explode' },
      { payload: 42 },
      { payload: { command: 'step', steps: 1e9 } },
      { payload: null },
      'start',
    ]);
  };
  const neuron = (): unknown => {
    const r = random();
    if (r < 0.3) return { payload: { [pick(['a', 'b', 'c', 'd', 'v0', 'u0', 'vpeak', 'k1'])]: pick([0.02, 0.2, -65, 6, 30, 1e300, -1e300, 'abc', null, '']) } };
    if (r < 0.45) return { payload: { preset: pick(presets) } };
    if (r < 0.6) return { payload: { size: pick([1, 10, 100, 1000, 10_000, 1e5, 1e6, 3e6, 5e6, 1e7, 1e8, 0, -1, 1.5]) } };
    if (r < 0.7) return { payload: 'reset' };
    if (r < 0.8) return { payload: { [pick(['scheme', 'form', 'recovery'])]: pick(['rk4', 'euler', 'izhikevich', '2007', '2003', 'accommodation', 'bogus']) } };
    if (r < 0.9) return { topic: pick(['a', 'd', 'size', 'nope']), payload: pick([0.02, 8, 1e6, NaN]) };
    return { payload: pick<unknown>([[1, 2], null, {}, { nope: 1 }, 'explode', 17]) };
  };
  const source = (): unknown => {
    const r = random();
    if (r < 0.25) return { payload: pick([0, 5, 10, 14, 30, 1e6, -1e300]) };
    if (r < 0.45) {
      return {
        payload: pick([
          '10 + 5 * sin(2 * pi * t / 100)',
          't < 500 ? 14 : 0',
          'bad((',
          'import("fs")',
          `${'1+'.repeat(900)}1`,
          `${'('.repeat(300)}1${')'.repeat(300)}`,
          '',
        ]),
      };
    }
    if (r < 0.75) {
      return {
        payload: pick<unknown>([
          { kind: 'noise', mean: 5, std: 3, seed: 1 },
          { kind: 'pulses', amplitude: 20, start: 10, period: 50, count: 1e6, width: 2 },
          { kind: 'sine', amplitude: 10, frequency: 1e6 },
          { kind: 'ramp', slope: 0.1 },
          { kind: 'table', table: [[0, 0], [100, 10]] },
          { kind: 'step', amplitude: 14, onset: 10 },
          { kind: 'warp' },
          { amplitude: 'loud' },
          { std: -1, kind: 'noise' },
        ]),
      };
    }
    if (r < 0.9) return { payload: { preset: pick(presets) } };
    return { payload: pick<unknown>([[1], null, { nope: 1 }, true]) };
  };
  const requests: FloodRequest[] = [];
  for (let i = 0; i < count; i++) {
    const r = random();
    if (r < 0.5) requests.push({ body: JSON.stringify({ to: 'clock', msg: clock() }) });
    else if (r < 0.7) requests.push({ body: JSON.stringify({ to: 'neuron', msg: neuron() }) });
    else if (r < 0.9) requests.push({ body: JSON.stringify({ to: 'source', msg: source() }) });
    else {
      requests.push({
        body: pick([
          '{"to": "clock", "msg": ',
          '[1, 2, 3]',
          '42',
          '"start"',
          JSON.stringify({ to: 'nowhere', msg: { payload: 'start' } }),
          JSON.stringify({ to: 'clock' }),
          JSON.stringify({ to: 'clock', msg: [{ payload: 'start' }] }),
          JSON.stringify({ to: 'neuron', msg: JSON.parse(`${'{"a":'.repeat(60)}1${'}'.repeat(60)}`) }),
          JSON.stringify({ to: 'source', msg: { payload: 'x'.repeat(10_000) } }),
        ]),
      });
    }
  }
  return requests;
}

interface Reply {
  /** the HTTP status, or the error code when there was no answer (e.g. ECONNRESET) */
  status: number | string;
  ms: number;
}

/** POSTs `body` as JSON and times the answer. */
function send(agent: Agent, port: number, path: string, body: string, timeoutMs: number): Promise<Reply> {
  const began = performance.now();
  return new Promise((resolve) => {
    const req = request(
      { host: '127.0.0.1', port, method: 'POST', path, agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - began }));
        res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: performance.now() - began }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: performance.now() - began }));
    req.end(body);
  });
}

/** VmRSS of a process in MB, from /proc (null once it is gone). */
function rssOf(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : null;
  } catch {
    return null;
  }
}

export interface FloodFigures {
  adminP99: number;
  adminMax: number;
  adminPolls: number;
  /** polls that got no 200, by status or error code */
  adminFailures: Record<string, number>;
  rssPeak: number;
  rssIdle: number;
  statuses: Record<string, number>;
  requestP99: number;
  sent: number;
  wallMs: number;
  /** the largest event-loop delay of the process sending the flood (ms) */
  clientLoopMaxMs: number;
  child: FloodChildReport;
}

export async function flood(options: Partial<FloodOptions> = {}): Promise<FloodFigures> {
  const { requests: count, concurrency, seed, timeLimitMs, baseline } = { ...DEFAULTS, ...options };
  const requests = baseline ? Array.from({ length: count }, () => ({ body: JSON.stringify({ to: 'nowhere' }) })) : floodRequests(count, seed);
  const { userDir, remove } = userDirWith(floodFlow(), 'izh-flood-');
  // IZH_FLOOD_PROFILE=dir writes a CPU profile of the Node-RED process there
  const profile = process.env.IZH_FLOOD_PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${process.env.IZH_FLOOD_PROFILE}`] : [];
  const { child, result: failed } = runChild<never>('flood-node-red.js', { IZH_FLOOD_USER_DIR: userDir }, profile);
  failed.catch(() => undefined);
  const message = <T>(from: ChildProcess, type: string, exited: Promise<unknown>) =>
    Promise.race([
      new Promise<T>((resolve) => {
        const handler = (m: { type: string } & T) => {
          if (m.type !== type) return;
          from.off('message', handler);
          resolve(m);
        };
        from.on('message', handler);
      }),
      exited as Promise<never>,
    ]);
  let poller: { child: ChildProcess; result: Promise<PollerResult> } | null = null;
  let sampler: ReturnType<typeof setInterval> | null = null;
  try {
    const { port } = await message<{ port: number }>(child, 'ready', failed);
    const pid = child.pid!;
    // idle: the runtime started, the flow deployed, nothing asked yet
    await delay(1000);
    const idleSamples: number[] = [];
    for (let i = 0; i < 20; i++) {
      idleSamples.push(rssOf(pid) ?? NaN);
      await delay(50);
    }
    const rssIdle = median(idleSamples);
    let rssPeak = rssIdle;
    sampler = setInterval(() => {
      const rss = rssOf(pid);
      if (rss !== null) rssPeak = Math.max(rssPeak, rss);
    }, 20);

    // the flood's clients connect first, each with a request that reaches no node: Node (libuv
    // 1.46) accepts one new connection per turn of its event loop, so 50 connections opened at
    // the moment the flood starts would hold up the admin API's connections behind them
    const floodAgent = new Agent({ keepAlive: true, maxSockets: concurrency });
    const warmUp = JSON.stringify({ to: 'nowhere' });
    await Promise.all(Array.from({ length: concurrency }, () => send(floodAgent, port, '/api/flood', warmUp, 60_000)));

    // the admin API is polled from a process of its own (bench/flood-poller.ts), so a busy flood
    // process does not add its own delays to the latencies
    const polling = runChild<PollerResult>('flood-poller.js', { IZH_FLOOD_PORT: String(port) });
    poller = polling;
    await message(polling.child, 'ready', polling.result);
    child.send({ type: 'measure' });
    const clientLoop = monitorEventLoopDelay({ resolution: 1 });
    clientLoop.enable();
    const statuses: Record<string, number> = {};
    const requestLatencies: number[] = [];
    let next = 0;
    const began = performance.now();
    const worker = async () => {
      while (next < requests.length && performance.now() - began < timeLimitMs) {
        const r = requests[next++];
        const reply = await send(floodAgent, port, '/api/flood', r.body, 60_000);
        statuses[reply.status] = (statuses[reply.status] ?? 0) + 1;
        requestLatencies.push(reply.ms);
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));
    const wallMs = performance.now() - began;
    clientLoop.disable();
    floodAgent.destroy();
    polling.child.send({ type: 'stop' });
    const polled = await polling.result;
    clearInterval(sampler);
    const report = message<{ value: FloodChildReport }>(child, 'report', failed);
    child.send({ type: 'report' });
    const childReport = (await report).value;
    // IZH_FLOOD_TIMELINE=file writes the admin latencies, in the order they were sent
    if (process.env.IZH_FLOOD_TIMELINE) writeFileSync(process.env.IZH_FLOOD_TIMELINE, JSON.stringify(polled.latencies));
    return {
      adminP99: percentile(polled.latencies, 99),
      adminMax: Math.max(...polled.latencies),
      adminPolls: polled.latencies.length,
      adminFailures: polled.failures,
      rssPeak,
      rssIdle,
      statuses,
      requestP99: percentile(requestLatencies, 99),
      sent: requestLatencies.length,
      wallMs,
      clientLoopMaxMs: clientLoop.max / 1e6,
      child: childReport,
    };
  } finally {
    if (sampler) clearInterval(sampler);
    if (poller && poller.child.exitCode === null && poller.child.signalCode === null) {
      poller.result.catch(() => undefined);
      poller.child.kill('SIGKILL');
    }
    // a clean exit writes the CPU profile; a child that does not exit within 5 s is killed
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      child.send({ type: 'exit' }, () => undefined);
      await Promise.race([exited, delay(5000)]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
    remove();
  }
}

export async function floodBench(): Promise<BenchLine[]> {
  // IZH_FLOOD_BASELINE=1: the same flood without commands, for comparison (not a bench figure)
  const f = await flood({ baseline: process.env.IZH_FLOOD_BASELINE === '1' });
  process.stderr.write(
    `flood: ${f.sent} requests in ${(f.wallMs / 1000).toFixed(1)} s (status ${JSON.stringify(f.statuses)}, request p99 ${f.requestP99.toFixed(0)} ms); ` +
      `admin polls ${f.adminPolls} (failed ${JSON.stringify(f.adminFailures)}), p99 ${f.adminP99.toFixed(0)} ms, max ${f.adminMax.toFixed(0)} ms; RSS idle ${f.rssIdle.toFixed(0)} MB, peak ${f.rssPeak.toFixed(0)} MB; ` +
      `Node-RED heap peak ${f.child.heapPeakMB.toFixed(0)} MB, external peak ${f.child.externalPeakMB.toFixed(0)} MB, event loop max ${f.child.eventLoopMaxMs.toFixed(0)} ms ` +
      `(the flood's own ${f.clientLoopMaxMs.toFixed(0)} ms), logged ${f.child.errors} errors and ${f.child.warnings} warnings\n`,
  );
  if (f.sent < DEFAULTS.requests) process.stderr.write(`flood: only ${f.sent} of ${DEFAULTS.requests} requests were answered within the time limit of ${DEFAULTS.timeLimitMs / 1000} s\n`);
  return [
    { name: 'flood_admin_p99_ms', value: f.adminP99, unit: 'ms', target: { max: ADMIN_P99_TARGET_MS } },
    { name: 'flood_rss_peak_mb', value: f.rssPeak, unit: 'MB', target: { max: DEFAULT_MEMORY_BUDGET_MB + f.rssIdle } },
  ];
}

if (require.main === module) {
  floodBench().then(
    (lines) => {
      for (const line of lines) process.stdout.write(`${formatLine(line)} (target under ${Number(line.target!.max.toFixed(0))})\n`);
      process.exit(0);
    },
    (e) => {
      process.stderr.write(`flood failed: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exit(1);
    },
  );
}
