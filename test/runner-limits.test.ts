/** The izh-flow command refuses runs that would not fit their memory, naming the node (exit 2). */
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = join(__dirname, '..', 'dist', 'bin', 'izh-flow.js');

function izhFlow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 60_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

function writeFlow(nodes: object[]): string {
  const file = join(mkdtempSync(join(tmpdir(), 'izh-flow-limits-')), 'flow.json');
  writeFileSync(file, JSON.stringify(nodes));
  return file;
}

const clock = { id: 'c', type: 'izh-clock', name: 'clock', dt: 1, duration: 50, wires: [['s']] };
const source = { id: 's', type: 'izh-source', kind: 'constant', amplitude: 10, wires: [['n']] };
const neuron = (size: number, monitors: string[]) => ({ id: 'n', type: 'izh-neuron', name: 'cells', size, params: { a: 0.02, b: 0.2, c: -65, d: 8 }, wires: [monitors] });

describe('izh-flow and memory limits', () => {
  it('refuses a state monitor whose maxValues cannot hold the run (exit 2), naming it', async () => {
    const flow = writeFlow([clock, source, neuron(1, ['m']), { id: 'm', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0', maxValues: 100, wires: [] }]);
    const { code, stderr } = await izhFlow(flow);
    expect(code).toBe(2);
    expect(stderr).toMatch(/^izh-flow: state monitor "trace": maxValues is too small: a run of 50 ms records 102 values \(51 samples × 2 series\); record fewer neurons or variables, record every k-th step \(every\), or shorten the duration or the window, or raise maxValues \(got 100\)/);
  });

  it('refuses a network over the memory budget (exit 2), and runs it with --memory-budget', async () => {
    const flow = writeFlow([{ ...clock, duration: 5 }, source, neuron(2_000_000, [])]);
    const refused = await izhFlow(flow, '--memory-budget', '32');
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/neuron "cells": memory needs about 53\.4 MB for this network, more than the budget of 32 MB; .* use fewer neurons, or raise the budget \(Node-RED setting izhClockMemoryBudget in MB, izh-flow --memory-budget MB\)/);
    const ran = await izhFlow(flow, '--memory-budget', '100', '--quiet');
    expect(ran.code, ran.stderr).toBe(0);
    expect(JSON.parse(ran.stdout).clocks[0]).toMatchObject({ event: 'finished', steps: 6 });
    const bad = await izhFlow(flow, '--memory-budget', 'lots');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--memory-budget must be a positive number of MB \(got lots\)/);
  });
});
