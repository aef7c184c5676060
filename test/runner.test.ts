/** The izh-flow command, as a user runs it (the compiled package, a child process). */
import { execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, watch, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE, simulateReference } from './reference';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'izh-flow.js');
const RS = join(ROOT, 'flows', 'cortical classes (2003)', 'RS regular spiking.json');

interface Result { code: number; stdout: string; stderr: string }

function izhFlowWith(options: { cwd?: string; env?: NodeJS.ProcessEnv }, ...args: string[]): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000, ...options }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const izhFlow = (...args: string[]) => izhFlowWith({}, ...args);

const tmp = () => mkdtempSync(join(tmpdir(), 'izh-flow-test-'));

/**
 * Runs izh-flow with a temporary directory of its own (TMPDIR) and checks that the run left
 * nothing in it: the runner's Node-RED user directory is removed on every way out.
 */
async function izhFlowClean(options: { cwd?: string }, ...args: string[]): Promise<Result> {
  const ownTmp = tmp();
  // Node.js 22 keeps a compile cache of its own in the temporary directory (Node-RED 5 turns it
  // on); it is Node's, not the runner's, so it is switched off here to see only what the runner leaves
  const env = { ...process.env, TMPDIR: ownTmp, TMP: ownTmp, TEMP: ownTmp, NODE_DISABLE_COMPILE_CACHE: '1' };
  const result = await izhFlowWith({ ...options, env }, ...args);
  expect(readdirSync(ownTmp), `left behind in TMPDIR (exit ${result.code}: ${result.stderr})`).toEqual([]);
  return result;
}

/** Every file under `dir` with its contents, to see that a run changed nothing there. */
function snapshotDir(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  for (const entry of readdirSync(dir, { recursive: true, withFileTypes: true })) {
    const path = join(entry.parentPath ?? entry.path, entry.name);
    files[relative(dir, path)] = entry.isDirectory() ? '<dir>' : readFileSync(path, 'utf8');
  }
  return files;
}

function writeFlow(nodes: object[]): string {
  const file = join(tmp(), 'flow.json');
  writeFileSync(file, JSON.stringify(nodes));
  return file;
}

const neuron = { id: 'n', type: 'izh-neuron', name: 'cell', params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [['m']] };
const monitor = { id: 'm', type: 'izh-spike-monitor', name: 'spikes', wires: [] };

describe('izh-flow', () => {
  it('runs an example and writes JSON and CSV', async () => {
    const dir = tmp();
    const { code, stderr } = await izhFlow(RS, '--json', join(dir, 'out.json'), '--csv', join(dir, 'csv'));
    expect(code, stderr).toBe(0);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.clocks).toHaveLength(1);
    expect(report.clocks[0]).toMatchObject({ event: 'finished', t: 150, steps: 601, dt: 0.25 });
    const spikes = report.monitors.find((m: { type: string }) => m.type === 'spike');
    expect(spikes).toMatchObject({ id: 'izh-rs-spikes', name: 'spikes', type: 'spike', times: simulateReference(REFERENCE.RS).spikes });
    const state = report.monitors.find((m: { type: string }) => m.type === 'state');
    expect(state.t).toHaveLength(601);
    expect(state.v[0]).toEqual(simulateReference(REFERENCE.RS).v);
    expect(state.I[0][state.t.indexOf(15.25)]).toBe(14);
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['spikes-spikes.csv', 'v_and_I-state.csv']);
    const csv = readFileSync(join(dir, 'csv', 'spikes-spikes.csv'), 'utf8').trim().split('\n');
    expect(csv[0]).toBe('t_ms,neuron');
    expect(csv.slice(1).map((row) => Number(row.split(',')[0]))).toEqual(simulateReference(REFERENCE.RS).spikes);
    expect(readFileSync(join(dir, 'csv', 'v_and_I-state.csv'), 'utf8').split('\n')[0]).toBe('t_ms,v_0,I_0');
    expect(stderr).toMatch(/finished at 150 ms \(601 steps/);
  });

  it('prints the report when no output file is given, for hand-written flows too', async () => {
    const flow = writeFlow([{ id: 'c', type: 'izh-clock', dt: 1, duration: 50, wires: [['s']] }, { id: 's', type: 'izh-source', kind: 'constant', amplitude: 10, wires: [['n']] }, neuron, monitor]);
    const { code, stdout } = await izhFlow(flow, '--quiet');
    expect(code).toBe(0);
    expect(JSON.parse(stdout).monitors[0].total).toBeGreaterThan(0);
  });

  it.each([
    ['a bad parameter', [{ id: 'c', type: 'izh-clock', dt: 0, duration: 10, wires: [['n']] }, neuron], /clock c: dt must be greater than 0 \(got 0\)/],
    ['a bad neuron', [{ id: 'c', type: 'izh-clock', name: 'main', dt: 1, duration: 10, wires: [['n']] }, { ...neuron, params: { a: 'quick', b: 0.2, c: -65, d: 8 } }], /neuron "cell": a must be a number \(got "quick"\)/],
    ['no clock', [neuron], /no \(enabled\) izh-clock/],
    ['a clock that never ends', [{ id: 'c', type: 'izh-clock', dt: 1, mode: 'realtime', duration: '', wires: [['n']] }, neuron], /runs until stopped.*--timeout/],
    ['not an array', { nodes: [] }, /JSON array of nodes/],
  ])('refuses a flow with %s (exit 2)', async (_what, nodes, message) => {
    const { code, stderr } = await izhFlow(writeFlow(nodes as object[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('fails (exit 1) when a run fails, naming the node', async () => {
    const flow = writeFlow([
      { id: 'c', type: 'izh-clock', dt: 1, duration: 20, wires: [['s']] },
      { id: 's', type: 'izh-source', name: 'drive', kind: 'expression', expression: 't < 10 ? 5 : log(-t)', wires: [['n']] },
      neuron, monitor,
    ]);
    const { code, stderr } = await izhFlow(flow);
    expect(code).toBe(1);
    expect(stderr).toMatch(/expression .* fails|must give a finite number/);
    expect(stderr).toMatch(/at t = 10 ms/);
  });

  it('stops an open-ended real-time run at the time limit and writes what it recorded (exit 0)', async () => {
    const dir = tmp();
    const flow = writeFlow([
      { id: 'c', type: 'izh-clock', name: 'live', dt: 1, mode: 'realtime', duration: '', wires: [['s']] },
      { id: 's', type: 'izh-source', kind: 'constant', amplitude: 10, wires: [['n']] },
      { ...neuron, wires: [['m', 'v']] }, monitor,
      { id: 'v', type: 'izh-state-monitor', name: 'trace', variables: 'v', indices: '0', wires: [] },
    ]);
    const { code, stderr } = await izhFlowClean({}, flow, '--timeout', '300', '--json', join(dir, 'out.json'), '--csv', join(dir, 'csv'));
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/clock "live" runs until stopped: stopped by --timeout \(300 ms\) at t = \d+ ms/);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.clocks).toEqual([expect.objectContaining({ id: 'c', event: 'stopped', stoppedBy: 'timeout', duration: null })]);
    const t = report.clocks[0].t;
    expect(t).toBeGreaterThan(0);
    const trace = report.monitors.find((m: { id: string }) => m.id === 'v');
    expect(trace.t.length).toBe(t + 1); // every step from 0 to t at dt = 1 ms
    expect(trace.v[0]).toHaveLength(trace.t.length);
    expect(report.monitors.find((m: { id: string }) => m.id === 'm').type).toBe('spike');
    expect(readdirSync(join(dir, 'csv')).sort()).toEqual(['spikes-spikes.csv', 'trace-state.csv']);
  });

  it('writes the recording of a run with a duration that did not finish in time, and fails (exit 1)', async () => {
    const dir = tmp();
    const flow = writeFlow([
      { id: 'c', type: 'izh-clock', name: 'slow', dt: 1, mode: 'realtime', duration: 100_000, wires: [['s']] },
      { id: 's', type: 'izh-source', kind: 'constant', amplitude: 10, wires: [['n']] },
      { ...neuron, wires: [['m', 'v']] }, monitor,
      { id: 'v', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0', wires: [] },
    ]);
    const { code, stderr } = await izhFlowClean({}, flow, '--timeout', '300', '--json', join(dir, 'out.json'));
    expect(code).toBe(1);
    expect(stderr).toMatch(/clock "slow" did not finish within --timeout \(300 ms\): stopped at t = \d+ ms of 100000 ms; what it recorded so far is written/);
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    expect(report.clocks).toEqual([expect.objectContaining({ id: 'c', event: 'stopped', stoppedBy: 'timeout', duration: 100_000 })]);
    const trace = report.monitors.find((m: { id: string }) => m.id === 'v');
    expect(trace.t.length).toBe(report.clocks[0].t + 1);
    expect(trace.t.length).toBeGreaterThan(1);
  });

  it('explains its usage', async () => {
    expect((await izhFlow()).stderr).toMatch(/usage: izh-flow FLOW.json/);
    expect((await izhFlow(RS, '--frobnicate')).code).toBe(2);
    const missing = await izhFlow(join(tmp(), 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the flow/);
  });
});

describe('izh-flow on flows it cannot run as they are (issue 8)', () => {
  it('names node types that are not installed (exit 2), instead of waiting for them silently', async () => {
    const flow = writeFlow([
      { id: 'c', type: 'izh-clock', dt: 1, duration: 20, wires: [['n']] }, { ...neuron, wires: [['m', 'x']] }, monitor,
      { id: 'x', type: 'no-such-node', wires: [] }, { id: 'y', type: 'another-missing-node', wires: [] }, { id: 'z', type: 'no-such-node', wires: [] },
    ]);
    const { code, stdout, stderr } = await izhFlowClean({}, flow);
    expect(code, stderr).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(/^izh-flow: the flow uses node types that are not installed: no-such-node \(nodes x, z\), another-missing-node \(node y\); install the modules that provide them in Node-RED, or remove those nodes\n$/);
  });

  it.each([
    ['a null entry', (nodes: unknown[]) => nodes.splice(2, 0, null), /^izh-flow: entry 3 of the flow is null, not a node object\n$/],
    ['a number', (nodes: unknown[]) => nodes.splice(1, 0, 42), /^izh-flow: entry 2 of the flow is a number \(42\), not a node object\n$/],
    ['a string', (nodes: unknown[]) => nodes.push('izh-neuron'), /^izh-flow: entry 4 of the flow is a string \("izh-neuron"\), not a node object\n$/],
    ['an array', (nodes: unknown[]) => nodes.unshift([]), /^izh-flow: entry 1 of the flow is an array \(\[\]\), not a node object\n$/],
    ['a node without id', (nodes: unknown[]) => nodes.push({ type: 'debug', name: 'out' }), /^izh-flow: entry 4 of the flow \(a debug node "out"\) has no id \(got undefined\)\n$/],
    ['a node with an empty id', (nodes: unknown[]) => nodes.push({ id: '', type: 'debug' }), /^izh-flow: entry 4 of the flow \(a debug node\) has no id \(got ""\)\n$/],
    ['a node without type', (nodes: unknown[]) => nodes.push({ id: 'q', wires: [] }), /^izh-flow: entry 4 of the flow \(id "q"\) has no type \(got undefined\)\n$/],
    ['a node with a numeric type', (nodes: unknown[]) => nodes.push({ id: 'q', type: 7 }), /^izh-flow: entry 4 of the flow \(id "q"\) has no type \(got 7\)\n$/],
    ['two nodes with one id', (nodes: unknown[]) => nodes.push({ id: 'n', type: 'debug' }), /^izh-flow: entry 4 of the flow \(a debug node\) has the id "n" of entry 2 \(neuron "cell"\); ids must be unique\n$/],
  ])('refuses a flow with %s, naming the entry (exit 2)', async (_what, spoil, message) => {
    const nodes: unknown[] = [{ id: 'c', type: 'izh-clock', dt: 1, duration: 20, wires: [['n']] }, neuron, monitor];
    spoil(nodes);
    const { code, stderr } = await izhFlow(writeFlow(nodes as object[]));
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('names dt when a run would need more steps than a clock allows (exit 2)', async () => {
    const flow = writeFlow([
      { id: 'c', type: 'izh-clock', name: 'fine', dt: 1e-7, duration: 100, wires: [['n']] },
      { ...neuron, wires: [['v']] }, { id: 'v', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0', wires: [] },
    ]);
    const { code, stderr } = await izhFlow(flow);
    expect(code).toBe(2);
    expect(stderr).toBe('izh-flow: clock "fine": dt is too small for a duration of 100 ms: the run needs 1,000,000,001 steps, more than the limit of 1,000,000,000; raise dt or shorten the duration (got 1e-7)\n');
  });

  it('checks the output paths before it runs anything (exit 2)', async () => {
    const dir = tmp();
    const file = join(dir, 'a-file');
    writeFileSync(file, 'not a directory');
    const cases: Array<[string[], RegExp]> = [
      [['--json', '/nonexistent/dir/x.json'], /^izh-flow: cannot write --json \/nonexistent\/dir\/x\.json: the directory \/nonexistent\/dir does not exist\n$/],
      [['--json', join(file, 'x.json')], /^izh-flow: cannot write --json .*a-file\/x\.json: .*a-file is not a directory\n$/],
      [['--json', dir], /^izh-flow: cannot write --json .*: it is a directory\n$/],
      [['--csv', join(file, 'csv')], /^izh-flow: cannot create --csv .*a-file\/csv: .*a-file is not a directory\n$/],
      [['--csv', file], /^izh-flow: cannot create --csv .*a-file: it is a file, not a directory\n$/],
    ];
    for (const [args, message] of cases) {
      const { code, stdout, stderr } = await izhFlow(RS, ...args);
      expect(code, args.join(' ')).toBe(2);
      expect(stderr).toMatch(message); // and nothing else: no run was started
      expect(stdout).toBe('');
    }
    expect(readdirSync(dir)).toEqual(['a-file']);
  });

  it('runs the flow it is given from a Node-RED user directory, which it leaves as it was', async () => {
    // the caller's directory is a Node-RED user directory with flows of its own
    const cwd = tmp();
    const own = JSON.parse(readFileSync(RS, 'utf8')).map((n: { type: string; duration?: number; name?: string }) =>
      n.type === 'izh-clock' ? { ...n, duration: 20 } : n.type === 'izh-spike-monitor' ? { ...n, name: 'the caller\'s spikes' } : n,
    );
    writeFileSync(join(cwd, 'flows.json'), JSON.stringify(own));
    writeFileSync(join(cwd, 'flows_cred.json'), '{}');
    writeFileSync(join(cwd, '.config.nodes.json'), JSON.stringify({ 'node-red': { name: 'node-red', version: '4.1.0', local: false, nodes: {} } }));
    writeFileSync(join(cwd, '.config.runtime.json'), JSON.stringify({ instanceId: 'caller', runtimeFlowState: 'stop' }));
    writeFileSync(join(cwd, 'settings.js'), 'module.exports = { flowFile: "flows.json" };\n');
    mkdirSync(join(cwd, 'lib'));
    const flowDir = tmp();
    writeFileSync(join(flowDir, 'rs.json'), readFileSync(RS));
    const before = snapshotDir(cwd);

    const { code, stderr } = await izhFlowClean({ cwd }, relative(cwd, join(flowDir, 'rs.json')), '--json', 'out.json');
    expect(code, stderr).toBe(0);
    expect(stderr).toMatch(/finished at 150 ms \(601 steps/);
    const report = JSON.parse(readFileSync(join(cwd, 'out.json'), 'utf8'));
    expect(report.clocks[0]).toMatchObject({ event: 'finished', t: 150 });
    const spikes = report.monitors.find((m: { type: string }) => m.type === 'spike');
    expect(spikes).toMatchObject({ name: 'spikes', times: simulateReference(REFERENCE.RS).spikes });
    expect(report.monitors.find((m: { type: string }) => m.type === 'state').t).toHaveLength(601);
    const after = snapshotDir(cwd);
    delete after['out.json'];
    expect(after).toEqual(before);
  });

  it('removes its temporary directory when it is interrupted (Ctrl+C)', async () => {
    const ownTmp = tmp();
    const flow = writeFlow([{ id: 'c', type: 'izh-clock', dt: 1, mode: 'realtime', duration: '', wires: [['n']] }, neuron]);
    const child = spawn(process.execPath, [CLI, flow, '--timeout', '600000'], { env: { ...process.env, TMPDIR: ownTmp }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // interrupt once the runner has made its temporary directory
    const watcher = watch(ownTmp);
    await new Promise<void>((resolve) => {
      const check = () => readdirSync(ownTmp).length > 0 && resolve();
      watcher.on('change', check);
      check();
    });
    watcher.close();
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.kill('SIGINT');
    expect(await exited, stderr).toBe(130);
    expect(readdirSync(ownTmp)).toEqual([]);
  });

  it('leaves no temporary directory behind when a run fails', async () => {
    const failing = writeFlow([
      { id: 'c', type: 'izh-clock', dt: 1, duration: 20, wires: [['s']] },
      { id: 's', type: 'izh-source', name: 'drive', kind: 'expression', expression: 't < 10 ? 5 : log(-t)', wires: [['n']] },
      neuron, monitor,
    ]);
    expect((await izhFlowClean({}, failing)).code).toBe(1);
    expect((await izhFlowClean({}, RS, '--quiet')).code).toBe(0);
  });
});
