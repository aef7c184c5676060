/**
 * The nodes' side of "trust", inside a real Node-RED runtime: a bad monitor setting is refused
 * with the rest of the network instead of failing at the end of a run, an exception while a
 * monitor delivers its data is reported once on that node and goes no further, and the end of
 * a run waits for every result before it is announced.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { errorsOf, eventsBeforeReset, expectKnownGoodRun, lastStatus, next, nextCall, NODES, PATTERN_A, patternA, type Msg } from './flow-helpers';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('monitor display settings', () => {
  it.each([
    ['state', 'svg', 'yes', 'state monitor "trace": svg must be true or false (got "yes")'],
    ['state', 'live', 'maybe', 'state monitor "trace": live must be true or false (got "maybe")'],
    ['spikes', 'format', 'pie', 'spike monitor "spikes": format must be one of arrays, chart (got "pie")'],
    ['spikes', 'chartPoints', 3, 'spike monitor "spikes": chartPoints must be at least 10 (got 3)'],
  ] as const)('a bad %s %s is refused before the run, and the node stays red', async (monitor, field, value, message) => {
    await helper.load(NODES, patternA({ [monitor]: { [field]: value } }));
    const id = monitor === 'state' ? 'trace' : 'spikes';
    expect(lastStatus(id)).toMatchObject({ fill: 'red', shape: 'ring' });
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe(message);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red' });
    // the clock announced nothing before a reset sent afterwards: no run started
    expect(await eventsBeforeReset()).toEqual([]);
    await helper.unload();
    await expectKnownGoodRun();
  });

  it('a bad setting with start on deploy refuses the run at every deploy, and Node-RED stays up', async () => {
    for (let deploy = 0; deploy < 3; deploy++) {
      const flow = patternA({ clock: { startOnDeploy: true }, state: { svg: 'yes' } });
      const error = new Promise<string>((resolve) => {
        helper.load(NODES, flow).then(() => nextCall('clock', 'error').then(resolve));
      });
      expect(await error).toBe('state monitor "trace": svg must be true or false (got "yes")');
      await helper.unload();
    }
    await expectKnownGoodRun();
  });
});

describe('an exception while a monitor delivers', () => {
  it('at the end of a run is reported once on that monitor, the run still ends, and the other monitor delivers', async () => {
    await helper.load(NODES, patternA({ state: { svg: true } }));
    const trace = helper.getNode('trace');
    trace.send = () => {
      throw new Error('the wire is on fire');
    };
    const finished = next('events', (m) => m.payload.event === 'finished');
    const spikes = next('spikeOut');
    helper.getNode('clock').receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
    await finished;
    expect(errorsOf('trace')).toEqual(['state monitor "trace": the wire is on fire']);
    expect(lastStatus('trace')).toMatchObject({ fill: 'red', text: 'the wire is on fire' });
    expect(errorsOf('clock')).toEqual([]);
    await helper.unload();
    await expectKnownGoodRun();
  });

  it('of a live chunk is reported on that monitor and the run goes on to its end', async () => {
    await helper.load(NODES, patternA({ spikes: { live: true } }));
    const spikeMonitor = helper.getNode('spikes');
    const send = spikeMonitor.send.bind(spikeMonitor);
    spikeMonitor.send = (msg: Msg) => {
      if (msg.event === 'chunk') throw new Error('chunk refused');
      send(msg);
    };
    const spikes = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(PATTERN_A.spikes);
    expect(errorsOf('spikes').length).toBeGreaterThan(0);
    expect(new Set(errorsOf('spikes'))).toEqual(new Set(['spike monitor "spikes": chunk refused']));
  });
});

describe('the end of a run', () => {
  it('is announced after every monitor sent its result, and commands that arrive meanwhile wait for it', async () => {
    await helper.load(NODES, patternA());
    const order: string[] = [];
    helper.getNode('spikeOut').on('input', (m: Msg) => order.push(`spikes ${m.event}`));
    helper.getNode('traceOut').on('input', (m: Msg) => order.push(`trace ${m.event}`));
    helper.getNode('events').on('input', (m: Msg) => order.push(`clock ${m.payload.event}`));
    const clock = helper.getNode('clock');
    const second = next('events', (m) => m.payload.event === 'finished' && order.filter((x) => x === 'clock finished').length === 2);
    // while the first run's results are being sent (before the clock announces its end), ask for more
    const trace = helper.getNode('trace');
    const send = trace.send.bind(trace);
    let asked = false;
    trace.send = (msg: Msg) => {
      send(msg);
      if (!asked) clock.receive({ payload: 'run', ms: 50 });
      asked = true;
    };
    clock.receive({ payload: 'run', ms: 50 });
    await second;
    const firstEnd = order.indexOf('clock finished');
    expect(order.slice(0, firstEnd).sort()).toEqual(['clock started', 'spikes finished', 'trace finished']);
    expect(order.slice(firstEnd + 1).sort()).toEqual(['clock finished', 'clock resumed', 'spikes finished', 'trace finished']);
  });
});
