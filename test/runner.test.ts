/** The izh-flow command, as a user runs it (the compiled package, a child process). */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REFERENCE, simulateReference } from './reference';

const ROOT = join(__dirname, '..');
const CLI = join(ROOT, 'dist', 'bin', 'izh-flow.js');
const RS = join(ROOT, 'flows', 'cortical classes (2003)', 'RS regular spiking.json');

function izhFlow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

const tmp = () => mkdtempSync(join(tmpdir(), 'izh-flow-test-'));

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

  it('stops at the time limit (exit 1)', async () => {
    const flow = writeFlow([{ id: 'c', type: 'izh-clock', dt: 1, mode: 'realtime', duration: '', wires: [['n']] }, neuron]);
    const { code, stderr } = await izhFlow(flow, '--timeout', '200');
    expect(code).toBe(1);
    expect(stderr).toMatch(/did not end within 200 ms/);
  });

  it('explains its usage', async () => {
    expect((await izhFlow()).stderr).toMatch(/usage: izh-flow FLOW.json/);
    expect((await izhFlow(RS, '--frobnicate')).code).toBe(2);
    const missing = await izhFlow(join(tmp(), 'nope.json'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read the flow/);
  });
});
