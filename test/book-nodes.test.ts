/**
 * The neuron node inside a real Node-RED runtime runs the book cells with the book's scheme:
 * a 2007 neuron with a blank scheme uses euler, and a {preset: "book FS"} message loads the
 * scheme with the parameters (on a neuron configured for the 2003 scheme), unless the message
 * names another scheme.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { findPreset } from '../lib/flow/presets';
import { next, NODES, patternA } from './flow-helpers';
import { BOOK_CELLS, simulateBook } from './book-reference';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

/** The book's FS cell at 400 pA for 100 ms, dt 0.25 ms (izhi2007.m's strongest level). */
const FS_400 = simulateBook(BOOK_CELLS.FS, { dt: 0.25, T: 100, I: () => 400 });
const fsFlow = (neuron: object) => patternA({ source: { kind: 'constant', amplitude: 400 }, neuron });

async function run(message?: object): Promise<{ times: number[]; v: number[] }> {
  const spikes = next('spikeOut');
  const trace = next('traceOut');
  if (message) helper.getNode('neuron').receive({ payload: message });
  helper.getNode('clock').receive({ payload: 'start' });
  return { times: (await spikes).payload.times, v: (await trace).payload.v[0] };
}

describe('book cells in the neuron node', () => {
  it('a 2007 neuron with a blank scheme runs the book scheme', async () => {
    expect(FS_400.spikes).toHaveLength(13);
    await helper.load(NODES, fsFlow({ form: '2007', scheme: '', params: findPreset('book FS')!.neuron }));
    const got = await run();
    expect(got.times).toEqual(FS_400.spikes);
    expect(got.v).toEqual(FS_400.v);
  });

  it('a 2007 neuron without a scheme property too', async () => {
    const flow = fsFlow({ form: '2007', params: findPreset('book FS')!.neuron }).map((n) => {
      if (n.type !== 'izh-neuron') return n;
      const { scheme: _drop, ...rest } = n;
      return rest;
    });
    await helper.load(NODES, flow);
    expect((await run()).times).toEqual(FS_400.spikes);
  });

  it('{preset: "book FS"} brings the book scheme to a neuron set to the 2003 scheme', async () => {
    await helper.load(NODES, fsFlow({}));
    expect((await run({ preset: 'book FS' })).times).toEqual(FS_400.spikes);
  });

  it('{preset: "book FS", scheme: "izhikevich"} runs the 2003 scheme instead, with fewer spikes', async () => {
    await helper.load(NODES, fsFlow({}));
    const times = (await run({ preset: 'book FS', scheme: 'izhikevich' })).times;
    expect(times).not.toEqual(FS_400.spikes);
    expect(times.length).toBeLessThan(10);
  });
});
