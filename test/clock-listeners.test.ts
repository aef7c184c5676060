/**
 * Many clocks in one runtime: they share one flows:started listener instead of adding one each
 * (Node warned "MaxListenersExceededWarning" beyond 10 clocks), and still start on deploy and
 * stop when a deploy changes their network (issue 8, item 10).
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { NODES, next, PATTERN_A, patternA, type Flow } from './flow-helpers';

helper.init(require.resolve('node-red'));

const runtimeEvents = () => (helper as unknown as { _events: NodeJS.EventEmitter })._events;
const CLOCKS = 20;

/** `CLOCKS` copies of pattern A, each on its own tab with its own clock. */
function copies(clock: object = {}): Flow {
  return Array.from({ length: CLOCKS }, (_, i) => patternA({ clock }, `c${i}-`, `tab${i}`)).flat();
}

describe('many clocks in one runtime', () => {
  const warnings: Error[] = [];
  const onWarning = (w: Error) => warnings.push(w);
  beforeAll(async () => {
    process.on('warning', onWarning);
    await helper.startServer();
  });
  afterEach(() => helper.unload());
  afterAll(async () => {
    process.removeListener('warning', onWarning);
    await helper.stopServer();
  });

  it(`${CLOCKS} clocks that start on deploy: one listener, no MaxListenersExceededWarning, every run right`, async () => {
    const listenersBefore = runtimeEvents().listenerCount('flows:started');
    // every clock starts by itself once the flows have started; in real time, a run of 100 ms
    // ends well after the load has returned and the test listens
    await helper.load(NODES, copies({ startOnDeploy: true, mode: 'realtime', speed: 1, interval: 10 }));
    const results = Array.from({ length: CLOCKS }, (_, i) => next(`c${i}-spikeOut`));
    for (const spikes of await Promise.all(results)) expect(spikes.payload.times).toEqual(PATTERN_A.spikes);
    // a warning is emitted on the next tick after the listener that exceeds the limit is added
    await new Promise((resolve) => setImmediate(resolve));
    expect(warnings.filter((w) => w.name === 'MaxListenersExceededWarning').map((w) => w.message)).toEqual([]);
    // the clocks added no flows:started listener of their own (the one shared listener is added once per runtime)
    expect(runtimeEvents().listenerCount('flows:started')).toBeLessThanOrEqual(Math.max(listenersBefore, 1) + 1);
  });

  it('a load of the same clocks again adds no listener either', async () => {
    await helper.load(NODES, copies());
    const listeners = runtimeEvents().listenerCount('flows:started');
    await helper.unload();
    await helper.load(NODES, copies());
    await helper.unload();
    await helper.load(NODES, copies());
    expect(runtimeEvents().listenerCount('flows:started')).toBe(listeners);
    const spikes = next('c7-spikeOut');
    helper.getNode('c7-clock').receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
  });
});
