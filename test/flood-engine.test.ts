/**
 * The engine's side of item 8 of issue 8 (floods and big runs): a step where a whole population
 * spikes at once is recorded a block at a time (its times as one run) with the same result as
 * one spike at a time, a
 * result can be built in typed arrays (allocated untouched, filled a slice at a time) with the
 * same numbers as the plain one, a monitor's reset reuses its counts, and a real-time chunk that
 * needs several slices yields to the event loop between them.
 */
import { describe, expect, it } from 'vitest';
import { Column, copyViews, copyViewsTyped, RowBlocks, RunColumn, type View } from '../lib/engine/column';
import { normalizeStateMonitor, SpikeMonitor } from '../lib/engine/monitors';
import { Network, type NetworkDescription } from '../lib/engine/network';
import { NeuronGroup, normalizeNeuron } from '../lib/engine/neuron';
import { normalizeClock, Simulation } from '../lib/engine/simulation';
import { finishNow } from '../lib/engine/slices';
import { normalizeSource } from '../lib/engine/sources';
import { FakeTimers } from './support/fake-timers';

/** `size` neurons of pattern A's parameters, all alike, fed a constant 10: they spike together. */
function synchronous(size: number, spikeSpec: { maxSpikes?: number; window?: number | null } = {}): NetworkDescription {
  return {
    dt: 1,
    populations: [{ id: 'n', name: 'A', spec: normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, size }) }],
    sources: [{ id: 's', name: 's', spec: normalizeSource({ kind: 'constant', amplitude: 10 }), targets: ['n'] }],
    spikeMonitors: [{ id: 'spikes', name: 'spikes', population: 'n', spec: { window: null, ...spikeSpec } }],
    stateMonitors: [{ id: 'trace', name: 'trace', population: 'n', spec: { ...normalizeStateMonitor({ variables: 'v,u,I', indices: '0, 2' }), window: null } }],
  };
}

describe('a column', () => {
  it('appends repeated values and runs of a typed array across block boundaries', () => {
    const column = Column.int32(4);
    column.push(7);
    column.pushRepeated(3, 6);
    column.pushFrom(Int32Array.from([10, 11, 12, 13, 14, 15, 16]), 5);
    column.pushFrom(new Int32Array(0), 0);
    column.pushRepeated(9, 0);
    expect(column.slice()).toEqual([7, 3, 3, 3, 3, 3, 3, 10, 11, 12, 13, 14]);
    column.dropBefore(5);
    column.pushRepeated(1, 2);
    expect(column.slice()).toEqual([3, 3, 10, 11, 12, 13, 14, 1, 1]);
    expect(column.start).toBe(5);
    expect(column.end).toBe(14);
  });

  it('copies views into typed arrays of its kind with the numbers of the plain copy, at most a budget per call', () => {
    const times = Column.float64(5);
    const indices = Column.int32(5);
    for (let i = 0; i < 23; i++) {
      times.push(i * 0.25);
      indices.push(i % 7);
    }
    times.dropBefore(3);
    indices.dropBefore(3);
    const views = () => [times.view(), indices.view(4, 20), Column.int32().view()];
    const plain = finishNow(copyViews(views(), (arrays) => arrays));
    const job = copyViewsTyped(views(), (arrays) => arrays);
    let calls = 0;
    while (!job.work(4)) calls++;
    // 20 + 16 + 0 numbers, at most 4 a call
    expect(calls).toBeGreaterThanOrEqual(8);
    const [t, i, empty] = job.value;
    expect(t).toBeInstanceOf(Float64Array);
    expect(i).toBeInstanceOf(Int32Array);
    expect(empty).toBeInstanceOf(Int32Array);
    expect(Array.from(t)).toEqual(plain[0]);
    expect(Array.from(i)).toEqual(plain[1]);
    expect(empty.length).toBe(0);
    expect(() => copyViewsTyped([times.view()], (a) => a).value).toThrow('the result is not complete yet');
  });
});

describe('a run-length column (spike times)', () => {
  it('holds, drops, finds and copies what a plain column holds, through a long random sequence of operations', () => {
    // a small seeded generator: the same sequence every time
    let seed = 12345;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const runs = new RunColumn();
    const plain = Column.float64(7);
    let time = 0;
    const views: Array<{ run: ReturnType<RunColumn['view']>; plain: ReturnType<Column['view']> }> = [];
    for (let op = 0; op < 3000; op++) {
      const r = random();
      if (r < 0.45) {
        // a step: no spike, one, or many at the same time; sometimes the same time again
        if (random() < 0.8) time += random() < 0.5 ? 0.25 : 1;
        const count = Math.floor(random() * random() * 40);
        runs.pushRepeated(time, count);
        for (let i = 0; i < count; i++) plain.push(time);
      } else if (r < 0.55) {
        runs.push(time);
        plain.push(time);
      } else if (r < 0.65) {
        const p = plain.start + Math.floor(random() * (plain.length + 3));
        runs.dropBefore(p);
        plain.dropBefore(p);
      } else if (r < 0.67) {
        runs.clear();
        plain.clear();
      } else if (r < 0.8) {
        const bound = time - random() * 20;
        expect(runs.firstAbove(bound)).toBe(plain.firstAbove(bound));
      } else if (r < 0.9 && plain.length > 0) {
        const p = plain.start + Math.floor(random() * plain.length);
        expect(runs.at(p)).toBe(plain.at(p));
      } else {
        const from = plain.start + Math.floor(random() * (plain.length + 1));
        const to = from + Math.floor(random() * (plain.end - from + 1));
        views.push({ run: runs.view(from, to), plain: plain.view(from, to) });
      }
      expect([runs.start, runs.end, runs.length]).toEqual([plain.start, plain.end, plain.length]);
    }
    expect(runs.slice()).toEqual(plain.slice());
    // views taken along the way are frozen and copy (plainly, typed, a few at a time) what the plain ones copy
    expect(views.length).toBeGreaterThan(100);
    for (const view of views) {
      const expected = view.plain.toArray();
      expect(view.run.toArray()).toEqual(expected);
      const typed = copyViewsTyped([view.run], ([a]) => a);
      while (!typed.work(3)) { /* a few at a time */ }
      expect(typed.value).toBeInstanceOf(Float64Array);
      expect(Array.from(typed.value)).toEqual(expected);
      const pieces = copyViews([view.run], ([a]) => a);
      while (!pieces.work(5)) { /* a few at a time */ }
      expect(pieces.value).toEqual(expected);
    }
  });
});

describe('rows of a state monitor (one sample of every series per row)', () => {
  it('hold, drop and copy per series what a column per series holds, through a long random sequence of operations', () => {
    let seed = 777;
    const random = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    const width = 3;
    // 4 rows per block: blocks fill, are dropped and cleared many times over
    const rows = new RowBlocks(width, 4);
    const columns = Array.from({ length: width }, () => Column.float64(5));
    const views: Array<{ rows: View[]; columns: View[] }> = [];
    let value = 0;
    for (let op = 0; op < 3000; op++) {
      const r = random();
      if (r < 0.6) {
        const [block, at] = rows.appendRow();
        for (let k = 0; k < width; k++) {
          block[at + k] = ++value;
          columns[k].push(value);
        }
      } else if (r < 0.7) {
        const p = rows.start + Math.floor(random() * (rows.length + 3));
        rows.dropBefore(p);
        for (const column of columns) column.dropBefore(p);
      } else if (r < 0.72) {
        rows.clear();
        for (const column of columns) column.clear();
      } else {
        const from = rows.start + Math.floor(random() * (rows.length + 1));
        const to = from + Math.floor(random() * (rows.end - from + 1));
        views.push({ rows: columns.map((_, k) => rows.view(k, from, to)), columns: columns.map((c) => c.view(from, to)) });
      }
      expect([rows.start, rows.end, rows.length]).toEqual([columns[0].start, columns[0].end, columns[0].length]);
    }
    // views taken along the way are frozen and copy (plainly, typed, a few at a time) what the columns' views copy
    expect(views.filter((v) => v.columns[0].length > 8).length).toBeGreaterThan(20);
    for (const view of views) {
      const expected = finishNow(copyViews(view.columns, (arrays) => arrays));
      const plain = copyViews(view.rows, (arrays) => arrays);
      while (!plain.work(3)) { /* a few at a time */ }
      expect(plain.value).toEqual(expected);
      const typed = copyViewsTyped(view.rows, (arrays) => arrays);
      while (!typed.work(5)) { /* a few at a time */ }
      typed.value.forEach((array, k) => {
        expect(array).toBeInstanceOf(Float64Array);
        expect(Array.from(array)).toEqual(expected[k]);
      });
    }
  });
});

describe('a step where the whole population spikes', () => {
  it('is recorded as one spike at a time would be: times, neuron order, counts, the cap cutting the step', () => {
    const size = 1000;
    const network = new Network(synchronous(size, { maxSpikes: 2500 }));
    network.run(201);
    const monitor = network.spikeMonitors.get('spikes')!;
    const result = monitor.result();
    // the reference: the same population, each spike recorded one by one
    const group = new NeuronGroup(normalizeNeuron({ a: 0.02, b: 0.2, c: -65, d: 6, v0: -70, size }));
    const times: number[] = [];
    const indices: number[] = [];
    let total = 0;
    for (let k = 0; k <= 200; k++) {
      group.step(k, 1, 10, null);
      for (let s = 0; s < group.spikeCount; s++, total++) {
        if (times.length < 2500) {
          times.push(k);
          indices.push(group.spikeIndices[s]);
        }
      }
    }
    expect(total).toBeGreaterThan(2500); // the cap falls inside a step
    expect(total % size).toBe(0); // every step with spikes has all of them
    expect(result.times).toEqual(times);
    expect(result.indices).toEqual(indices);
    expect(result.total).toBe(total);
    expect(result.truncated).toBe(true);
    expect(result.counts).toEqual(Array(size).fill(total / size));
  });
});

describe('typed snapshots', () => {
  it('of a spike monitor hold the numbers of the plain result, with and without a window', () => {
    for (const window of [null, 60]) {
      const network = new Network(synchronous(300, { window }));
      network.run(301);
      const monitor = network.spikeMonitors.get('spikes')!;
      const plain = monitor.result();
      const typed = finishNow(monitor.typedSnapshot());
      expect(typed.times).toBeInstanceOf(Float64Array);
      expect(typed.indices).toBeInstanceOf(Int32Array);
      expect(monitor.resultLength).toBe(plain.times.length);
      expect({ ...typed, times: Array.from(typed.times), indices: Array.from(typed.indices) }).toEqual(plain);
      if (window !== null) expect(plain.times.length).toBeLessThan(plain.total);
    }
  });

  it('of a state monitor hold the numbers of the plain result', () => {
    const network = new Network(synchronous(3));
    network.run(120);
    const monitor = network.stateMonitors.get('trace')!;
    const plain = monitor.result();
    const typed = finishNow(monitor.typedSnapshot());
    expect(monitor.resultLength).toBe(120);
    expect(typed.t).toBeInstanceOf(Float64Array);
    for (const series of [...typed.v!, ...typed.u!, ...typed.I!]) expect(series).toBeInstanceOf(Float64Array);
    const asArrays = (x: Float64Array[] | undefined) => x!.map((a) => Array.from(a));
    expect({ ...typed, t: Array.from(typed.t), v: asArrays(typed.v), u: asArrays(typed.u), I: asArrays(typed.I) }).toEqual(plain);
  });

  it('taken before a reset keep their numbers and counts; the reset starts the counts from 0', () => {
    const network = new Network(synchronous(5));
    network.run(101);
    const monitor: SpikeMonitor = network.spikeMonitors.get('spikes')!;
    const before = monitor.typedSnapshot();
    const plainBefore = monitor.snapshot();
    const expected = monitor.result();
    network.reset();
    network.run(11);
    expect(finishNow(plainBefore)).toEqual(expected);
    const typed = finishNow(before);
    expect(Array.from(typed.times)).toEqual(expected.times);
    expect(typed.counts).toEqual(expected.counts);
    expect(monitor.result().counts).toEqual(Array(5).fill(monitor.total / 5));
    expect(monitor.total).toBeLessThan(expected.total);
  });
});

describe('a real-time chunk that needs several slices', () => {
  it('is computed a slice per turn of the event loop, and reported once', () => {
    const network = new Network({ ...synchronous(1000), dt: 0.25 });
    const timers = new FakeTimers();
    // every slice takes 8 ms of fake time, what a batch slice aims at
    const run = network.run.bind(network);
    network.run = (count: number) => {
      run(count);
      timers.time += 8;
    };
    const chunks: Array<{ step: number; turns: number }> = [];
    const simulation = new Simulation(network, normalizeClock({ dt: 0.25, duration: '', mode: 'realtime', speed: 1, interval: 10 }), {
      onChunk: () => chunks.push({ step: network.nextStep, turns: timers.turns }),
    }, timers);
    simulation.start();
    timers.advance(10);
    expect(chunks).toHaveLength(1);
    // the first chunk (t = 0 .. 10 ms) took 8 ms, so a slice is now that many steps
    const slice = chunks[0].step;
    expect(slice).toBe(41);
    // 10 s behind: the catch-up chunk is six slices, the first in the timer's turn, five more each in a turn of its own
    timers.time += 10_000;
    timers.advance(60);
    expect(chunks[1].step - chunks[0].step).toBe(6 * slice);
    expect(chunks[1].turns - chunks[0].turns).toBe(5);
    // stopping between the slices of a chunk leaves nothing scheduled
    timers.time += 10_000;
    timers.advance(20);
    expect(timers.scheduled).toBe(1);
    const before = network.nextStep;
    simulation.stop();
    expect(timers.scheduled).toBe(0);
    timers.advance(100);
    expect(network.nextStep).toBe(before);
  });
});
