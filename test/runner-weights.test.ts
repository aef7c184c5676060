/**
 * Learned weights as data: `izh-flow --weights DIR` writes every synapse node's weights at the
 * end of the run ({pre, post, weight, delay}, what its "save" message sends), and a synapse node
 * with the rule list starts from such a file, so a trained network can be reused.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stdpPairFlow } from '../lib/flow/network-examples';

const CLI = join(__dirname, '..', 'dist', 'bin', 'izh-flow.js');

function izhFlow(...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [CLI, ...args], { timeout: 120_000 }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

describe('izh-flow --weights', () => {
  it('writes the learned weights, and a list synapse starts from them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'izh-weights-'));
    const flowFile = join(dir, 'stdp.json');
    writeFileSync(flowFile, JSON.stringify(stdpPairFlow()));
    const first = await izhFlow(flowFile, '--weights', join(dir, 'weights'), '--json', join(dir, 'out.json'));
    expect(first.code, first.stderr).toBe(0);
    const files = readdirSync(join(dir, 'weights')).sort();
    // the two kick synapses and the plastic one, named after their nodes
    expect(files).toEqual(['plastic_pair_STDP-weights.json', 'strong_kick-2-weights.json', 'strong_kick-weights.json']);
    const learned = JSON.parse(readFileSync(join(dir, 'weights', 'plastic_pair_STDP-weights.json'), 'utf8'));
    expect(learned).toMatchObject({ pre: [0], post: [0], delay: [1] });
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const trace = report.monitors.find((m: { type: string }) => m.type === 'weight');
    // the file holds the weight in force at the end of the run, which learning moved away from 5
    expect(learned.weight[0]).toBe(trace.mean.at(-1));
    expect(learned.weight[0]).not.toBe(5);

    // the same pair, the plastic synapse starting from the saved weights and learning switched off
    const reuse = stdpPairFlow().map((n) => (n.name === 'plastic (pair STDP)' ? { ...n, rule: 'list', connections: JSON.stringify(learned), weight: '', delay: '', plasticity: 'none' } : n));
    const reuseFile = join(dir, 'reuse.json');
    writeFileSync(reuseFile, JSON.stringify(reuse));
    const second = await izhFlow(reuseFile, '--json', join(dir, 'reuse-out.json'));
    expect(second.code, second.stderr).toBe(0);
    const reused = JSON.parse(readFileSync(join(dir, 'reuse-out.json'), 'utf8')).monitors.find((m: { type: string }) => m.type === 'weight');
    expect(new Set(reused.mean)).toEqual(new Set([learned.weight[0]]));
  });

  it('refuses an output directory that cannot be created, before running', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'izh-weights-'));
    const file = join(dir, 'a-file');
    writeFileSync(file, 'x');
    const flowFile = join(dir, 'stdp.json');
    writeFileSync(flowFile, JSON.stringify(stdpPairFlow()));
    const result = await izhFlow(flowFile, '--weights', file);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/cannot create --weights .*a-file: it is a file, not a directory/);
  });
});
