/**
 * The seven cell types of the 2007 book run the book's own scheme: the engine (2007 form, scheme
 * left blank) gives exactly the spike times and v traces of an independent transcription of the
 * book's loop (test/book-reference.ts) on every stimulus of the book and of izhi2007.m, and the
 * book presets carry those stimuli, dt and durations.
 */
import { describe, expect, it } from 'vitest';
import { Network } from '../lib/engine/network';
import { normalizeStateMonitor } from '../lib/engine/monitors';
import { normalizeNeuron } from '../lib/engine/neuron';
import { lastStepOf } from '../lib/engine/simulation';
import { normalizeSource } from '../lib/engine/sources';
import { findPreset, PRESETS } from '../lib/flow/presets';
import { BOOK_CELLS, BOOK_STIMULI, simulateBook, type BookStimulus } from './book-reference';

/** Runs a book cell's preset neuron through the engine on a stimulus; `scheme` blank: the form's default. */
function engineRun(cell: string, stimulus: Pick<BookStimulus, 'dt' | 'T' | 'inputs'>, scheme = '') {
  const preset = findPreset(`book ${cell}`)!;
  const network = new Network({
    dt: stimulus.dt,
    populations: [{ id: 'n', name: cell, spec: normalizeNeuron({ ...preset.neuron, scheme }) }],
    sources: stimulus.inputs.map((input, i) => ({ id: `s${i}`, name: `s${i}`, spec: normalizeSource(input), targets: ['n'] })),
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'n' }],
    stateMonitors: [{ id: 'trace', name: 'trace', population: 'n', spec: normalizeStateMonitor({ variables: 'v,I', indices: '0' }) }],
  });
  network.run(lastStepOf(stimulus.T, stimulus.dt) + 1);
  const trace = network.stateMonitors.get('trace')!.result();
  return { spikes: network.spikeMonitors.get('spikes')!.result().times, t: trace.t, v: trace.v![0], I: trace.I![0] };
}

/** The stimulus each book preset shows (docs/book-cells.md). */
const PRESET_STIMULUS: Record<string, string> = {
  'book RS': 'RS Fig. 8.5 listing: 70 pA from 100 ms, dt 1 ms',
  'book IB': 'IB 550 pA',
  'book CH': 'CH 600 pA',
  'book LTS': 'LTS 300 pA',
  'book FS': 'FS 400 pA',
  'book TC': 'TC 150 pA',
  'book TCB': 'TC -1200 pA for 120 ms, then 0 pA',
  'book RTN': 'RTN 70 pA',
  'book RTNB': 'RTN -350 pA for 120 ms, then 50 pA',
};
const stimulusNamed = (name: string) => BOOK_STIMULI.find((s) => `${s.cell} ${s.label}` === name)!;

describe('the book cells under the book scheme', () => {
  it('the 2007 form defaults to the book scheme, the 2003 form to the published 2003/2004 one', () => {
    expect(normalizeNeuron(findPreset('book FS')!.neuron).scheme).toBe('euler');
    expect(normalizeNeuron({ ...findPreset('book FS')!.neuron, scheme: '' }).scheme).toBe('euler');
    expect(normalizeNeuron(findPreset('A')!.neuron).scheme).toBe('izhikevich');
    expect(normalizeNeuron({ ...findPreset('book FS')!.neuron, scheme: 'rk4' }).scheme).toBe('rk4');
    for (const preset of PRESETS) expect(preset.scheme, preset.code).toBe(preset.group === 'book' ? 'euler' : 'izhikevich');
  });

  it.each(BOOK_STIMULI.map((s) => [`${s.cell} ${s.label}`, s] as const))('%s: spike for spike and step for step', (_name, stimulus) => {
    const expected = simulateBook(BOOK_CELLS[stimulus.cell], stimulus);
    const got = engineRun(stimulus.cell, stimulus);
    expect(got.I).toEqual(got.t.map(stimulus.I)); // the sources give the transcription's current
    expect(got.spikes).toEqual(expected.spikes);
    expect(got.v).toEqual(expected.v);
  });

  it('fires at the times the book scheme gives for the Fig. 8.5 listing, not those of the 2003 scheme', () => {
    const listing = stimulusNamed('RS Fig. 8.5 listing: 70 pA from 100 ms, dt 1 ms');
    expect(simulateBook(BOOK_CELLS.RS, listing).spikes).toEqual([202, 349, 498, 648, 795, 942]);
    expect(engineRun('RS', listing).spikes).toEqual([202, 349, 498, 648, 795, 942]);
    expect(engineRun('RS', listing, 'izhikevich').spikes).toEqual([201, 343, 489, 630, 774, 918]);
  });

  it('FS at 400 pA: 13 spikes in the book loop, far fewer when u is updated from the new v', () => {
    const fs = stimulusNamed('FS 400 pA');
    expect(engineRun('FS', fs).spikes).toHaveLength(13);
    expect(engineRun('FS', fs, 'izhikevich').spikes.length).toBeLessThanOrEqual(8);
  });

  it('every book preset shows one of those stimuli, with its dt and duration', () => {
    const book = PRESETS.filter((p) => p.group === 'book');
    expect(book.map((p) => p.code).sort()).toEqual(Object.keys(PRESET_STIMULUS).sort());
    for (const preset of book) {
      const stimulus = stimulusNamed(PRESET_STIMULUS[preset.code]);
      expect(stimulus, preset.code).toBeDefined();
      expect(preset.clock, preset.code).toEqual({ dt: stimulus.dt, duration: stimulus.T });
      const got = engineRun(stimulus.cell, { dt: stimulus.dt, T: stimulus.T, inputs: preset.inputs });
      expect(got.I, preset.code).toEqual(got.t.map(stimulus.I));
      expect(got.spikes, preset.code).toEqual(simulateBook(BOOK_CELLS[stimulus.cell], stimulus).spikes);
    }
  });
});

describe("TC's recovery b (v - vr) = b (v + 60)", () => {
  // burst mode of Fig. 8.31: the book draws rebound bursts of at least 6 (0 pA) and 8 (50 pA) spikes
  const burst = (pA: number, tcRecoveryAt?: number) => {
    const spikes = simulateBook(BOOK_CELLS.TC, stimulusNamed(`TC -1200 pA for 120 ms, then ${pA} pA`), { tcRecoveryAt }).spikes;
    // the burst: the spikes before the first interval longer than 60 ms
    const end = spikes.findIndex((t, i) => i > 0 && t - spikes[i - 1] > 60);
    return { total: spikes.length, burst: end < 0 ? spikes.length : end };
  };

  it('gives the rebound bursts of the book figure: 6 and 8 spikes at 0 and 50 pA', () => {
    expect([0, 50, 100].map((pA) => burst(pA).total)).toEqual([6, 11, 18]);
    expect(burst(0).burst).toBe(6);
    expect(burst(50).burst).toBe(8);
  });

  it('b (v + 65) would give shorter bursts than the figure shows', () => {
    expect([0, 50, 100].map((pA) => burst(pA, -65).total)).toEqual([4, 9, 16]);
    expect(burst(0, -65).burst).toBeLessThan(6);
    expect(burst(50, -65).burst).toBeLessThan(8);
  });

  it('the TC presets use it: b switches at -65 mV, the recovery is taken from vr = -60 mV', () => {
    for (const code of ['book TC', 'book TCB']) {
      expect(normalizeNeuron(findPreset(code)!.neuron).params).toMatchObject({ vr: -60, b: 15, bSwitchV: -65, bAbove: 0 });
      expect(findPreset(code)!.reference).toContain('b(v + 60)');
    }
  });
});
