/**
 * The five nodes inside a real Node-RED runtime (node-red-node-test-helper): wiring, commands,
 * messages in and out, status, bad input and redeploys.
 */
import helper from 'node-red-node-test-helper';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { collect, eventNames, finished, lastStatus, next, nextCall, NODES, patternA, until, withPositions, type Msg } from './flow-helpers';
import { continueReference, REFERENCE, simulateReference } from './reference';
import { openTimerLedger } from './support/timer-ledger';

helper.init(require.resolve('node-red'));

beforeAll(() => helper.startServer());
afterEach(() => helper.unload());
afterAll(() => helper.stopServer());

describe('a flow of the five nodes', () => {
  it('reproduces pattern A when the clock starts', async () => {
    await helper.load(NODES, patternA());
    const spikes = next('spikeOut');
    const trace = next('traceOut');
    const done = next('events', finished);
    helper.getNode('clock').receive({ payload: 'start' });
    const expected = simulateReference(REFERENCE.A);
    const spikeMsg = await spikes;
    expect(spikeMsg.topic).toBe('spikes');
    expect(spikeMsg.event).toBe('finished');
    expect(spikeMsg.payload.times).toEqual(expected.spikes);
    expect(spikeMsg.payload.indices).toEqual(expected.spikes.map(() => 0));
    const traceMsg = await trace;
    expect(traceMsg.payload.v[0]).toEqual(expected.v);
    expect(traceMsg.payload.t).toHaveLength(401);
    const event = await done;
    expect(event.payload).toMatchObject({ event: 'finished', t: 100, steps: 401, mode: 'batch' });
    expect(lastStatus('clock')).toMatchObject({ fill: 'blue', text: expect.stringMatching(/^done 100 ms/) });
    // one rule for rates (spikes over the 401 steps of 0.25 ms) and one rounding: the neuron and its monitor agree
    expect(lastStatus('neuron').text).toBe(`${expected.spikes.length} spikes, ${Math.round((expected.spikes.length / 0.10025) * 100) / 100} Hz`);
    expect(lastStatus('neuron').text).toBe('5 spikes, 49.88 Hz');
    expect(lastStatus('spikes').text).toBe(lastStatus('neuron').text);
  });

  it('starts from the button on the node', async () => {
    await helper.load(NODES, patternA());
    const spikes = next('spikeOut');
    await helper.request().post('/izh-clock/clock/start').expect(200);
    expect((await spikes).payload.times).toEqual(simulateReference(REFERENCE.A).spikes);
    await helper.request().post('/izh-clock/nope/start').expect(404);
    await helper.request().post('/izh-clock/clock/explode').expect(400);
  });

  it('serves the presets to the edit dialog', async () => {
    await helper.load(NODES, patternA());
    const res = await helper.request().get('/izh-neuron/presets').expect(200);
    expect(res.body.map((p: { code: string }) => p.code)).toContain('RZ');
    expect(res.body.find((p: { code: string }) => p.code === 'R').neuron).toMatchObject({ recovery: 'accommodation', u0: -16 });
  });

  it('starts on deploy when asked to', async () => {
    const flow = patternA({ clock: { startOnDeploy: true } });
    const spikes = new Promise<Msg>((resolve) => {
      // the helper sink exists only after load, so listen as soon as it does
      helper.load(NODES, flow).then(() => next('spikeOut').then(resolve));
    });
    expect((await spikes).payload.times).toEqual(simulateReference(REFERENCE.A).spikes);
  });

  it('runs for N ms, pauses, continues and stops on command', async () => {
    await helper.load(NODES, patternA());
    const clock = helper.getNode('clock');
    let done = next('events', finished);
    clock.receive({ payload: 'run', ms: 50 });
    expect((await done).payload).toMatchObject({ t: 50, steps: 201 });
    done = next('events', finished);
    const spikes = next('spikeOut');
    clock.receive({ payload: { command: 'run', ms: 50 } });
    expect((await done).payload).toMatchObject({ t: 100, steps: 401 });
    // the second segment continues the grid, so the whole run equals one run of 100 ms
    expect((await spikes).payload.times).toEqual(simulateReference(REFERENCE.A).spikes);
    const stepped = next('events', (m) => m.payload.event === 'stopped');
    clock.receive({ payload: 'step', steps: 4 });
    clock.receive({ payload: 'stop' });
    expect((await stepped).payload.steps).toBe(405);
  });

  it('pauses and resumes a real-time run', async () => {
    // open-ended, so the run is still going when the pause arrives, however slow the machine is
    await helper.load(NODES, patternA({ clock: { mode: 'realtime', speed: 1, interval: 10, duration: '' }, state: { live: true } }));
    const clock = helper.getNode('clock');
    const events = collect('events');
    clock.receive({ payload: 'start' });
    // once a live chunk arrived, the run has computed some steps
    await next('traceOut', (m) => m.event === 'chunk');
    clock.receive({ payload: 'pause' });
    await until('events', () => events.some((m) => m.payload.event === 'paused'));
    const at = events.find((m) => m.payload.event === 'paused')!.payload.t;
    expect(at).toBeGreaterThan(0);
    // nothing runs while paused: it resumes at the time it paused at
    const traces = collect('traceOut');
    clock.receive({ payload: 'resume' });
    await until('events', () => events.some((m) => m.payload.event === 'resumed'));
    expect(events.find((m) => m.payload.event === 'resumed')!.payload.t).toBe(at);
    const spikes = next('spikeOut');
    const trace = next('traceOut', (m) => m.event === 'stopped');
    clock.receive({ payload: 'stop' });
    await until('events', () => events.some((m) => m.payload.event === 'stopped'));
    expect(eventNames(events)).toEqual(['started', 'paused', 'resumed', 'stopped']);
    expect(events.at(-1)!.payload.t).toBeGreaterThanOrEqual(at);
    expect((await spikes).event).toBe('stopped');
    // the run went on from where it paused: one run on one grid, the chunks after the pause start after it
    const { t } = (await trace).payload;
    expect(t).toEqual(t.map((_: number, k: number) => k * 0.25));
    for (const chunk of traces.filter((m) => m.event === 'chunk')) expect(chunk.payload.t[0]).toBeGreaterThan(at);
  });

  it('sends live chunks while running when asked to', async () => {
    await helper.load(NODES, patternA({ clock: { mode: 'realtime', speed: 2, interval: 10 }, spikes: { live: true }, state: { live: true } }));
    const spikes = collect('spikeOut');
    const traces = collect('traceOut');
    const done = next('traceOut', (m) => m.event === 'finished');
    const spikesDone = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    const trace = (await done).payload;
    const result = (await spikesDone).payload;
    // how many chunks depends on the machine's speed (one late chunk may take the whole run); what
    // holds on any machine: they come before the end, in order, and together they are the run
    const chunks = traces.filter((m) => m.event === 'chunk');
    expect(chunks.length).toBeGreaterThan(0);
    expect(traces.at(-1)!.event).toBe('finished');
    expect(chunks.flatMap((m) => m.payload.t)).toEqual(trace.t);
    expect(chunks.flatMap((m) => m.payload.v[0])).toEqual(simulateReference(REFERENCE.A).v);
    const spikeChunks = spikes.filter((m) => m.event === 'chunk');
    expect(spikes.at(-1)!.event).toBe('finished');
    expect(spikeChunks.flatMap((m) => m.payload.times)).toEqual(simulateReference(REFERENCE.A).spikes);
    expect(result.times).toEqual(simulateReference(REFERENCE.A).spikes);
  });

  it('sends spike events from the neuron', async () => {
    await helper.load(NODES, patternA({ neuron: { spikeEvents: 'each' } }));
    const events = collect('spikeEvents');
    // spike events are sent as the spikes happen, the monitor's result after the run: once the
    // result is here, so is every spike event (Node-RED delivers messages in the order they are sent)
    const done = next('spikeOut', (m) => m.event === 'finished');
    helper.getNode('clock').receive({ payload: 'start' });
    await done;
    expect(events.map((m) => m.payload.t)).toEqual(simulateReference(REFERENCE.A).spikes);
    expect(events[0]).toMatchObject({ topic: 'A', payload: { neuron: 0 } });
  });
});

describe('live control', () => {
  it('changes a source from the next step', async () => {
    await helper.load(NODES, patternA({ source: { kind: 'constant', amplitude: 14 } }));
    const clock = helper.getNode('clock');
    clock.receive({ payload: 'step', steps: 10 });
    helper.getNode('source').receive({ payload: 2 });
    clock.receive({ payload: 'step', steps: 2 });
    helper.getNode('source').receive({ payload: '20 * (t >= 3)' });
    clock.receive({ payload: 'step', steps: 2 });
    helper.getNode('source').receive({ payload: { kind: 'constant', amplitude: 5 } });
    clock.receive({ payload: 'step', steps: 1 });
    const trace = next('traceOut');
    clock.receive({ payload: 'stop' });
    // steps at t = 0 .. 2.25 had 14, then 2 for t = 2.5, 2.75, then the expression, then 5
    expect((await trace).payload.I[0]).toEqual([...Array(10).fill(14), 2, 2, 20, 20, 5]);
  });

  it('changes neuron parameters, loads presets and resets the state', async () => {
    await helper.load(NODES, patternA({ state: { variables: 'v,u' } }));
    const clock = helper.getNode('clock');
    const neuron = helper.getNode('neuron');
    clock.receive({ payload: 'step', steps: 1 });
    neuron.receive({ payload: { d: 8, v0: -60 } });
    neuron.receive({ payload: 'reset' });
    clock.receive({ payload: 'step', steps: 199 });
    neuron.receive({ payload: { preset: 'C' } });
    clock.receive({ payload: 'step', steps: 200 });
    neuron.receive({ payload: 'reset' });
    clock.receive({ payload: 'step', steps: 1 });
    const trace = next('traceOut');
    clock.receive({ payload: 'stop' });
    const { v, u } = (await trace).payload;
    const A = REFERENCE.A;
    const C = REFERENCE.C;
    const withC = { ...A, a: C.a, b: C.b, c: C.c, d: C.d }; // C's parameters, still A's input
    // step 0 with the deployed parameters, from v0 = -70
    const deployed = continueReference(A, { v: A.v0, u: A.b * A.v0 }, 0, 1);
    // the reset goes to the new v0 = -60 (u0 = b v0); from step 1, every spike adds d = 8 to u
    const changed = continueReference({ ...A, d: 8 }, { v: -60, u: A.b * -60 }, 1, 200);
    // preset C applies from the next step, to the state the neuron is in: c = -50, d = 2
    const preset = continueReference(withC, changed.end, 200, 400);
    // and a reset now goes to C's v0 = -70, not to the -60 set before the preset
    const reset = continueReference(withC, { v: C.v0, u: C.b * C.v0 }, 400, 401);
    expect(v[0]).toEqual([...deployed.v, ...changed.v, ...preset.v, ...reset.v]);
    expect(u[0]).toEqual([...deployed.u, ...changed.u, ...preset.u, ...reset.u]);
    // each change shows in these steps: without it, the trace would differ
    expect(changed.spikes.length).toBeGreaterThan(1);
    expect(continueReference(A, { v: -60, u: A.b * -60 }, 1, 200).v).not.toEqual(changed.v);
    expect(preset.spikes.length).toBeGreaterThan(1);
    expect(continueReference({ ...A, d: 8 }, changed.end, 200, 400).v).not.toEqual(preset.v);
  });

  it('keeps the last good settings and reports bad messages', async () => {
    await helper.load(NODES, patternA());
    const source = helper.getNode('source');
    const neuron = helper.getNode('neuron');
    const clock = helper.getNode('clock');
    let error = nextCall('source', 'error');
    source.receive({ payload: { amplitude: 'lots' } });
    expect(await error).toBe('current source "step": amplitude must be a number (got "lots")');
    expect(lastStatus('source')).toMatchObject({ fill: 'red', shape: 'ring' });
    error = nextCall('source', 'error');
    source.receive({ payload: { volume: 3 } });
    expect(await error).toMatch(/msg\.payload\.volume is not a field of a current source/);
    error = nextCall('source', 'error');
    source.receive({ payload: 'import({a: 1})' });
    expect(await error).toMatch(/expression uses the function import, which is not allowed/);
    error = nextCall('neuron', 'error');
    neuron.receive({ payload: { a: NaN } });
    expect(await error).toBe('neuron "A": a must be a finite number (got NaN)');
    error = nextCall('neuron', 'error');
    neuron.receive({ payload: [1, 2] });
    expect(await error).toMatch(/msg\.payload must be "reset", an object of parameters/);
    error = nextCall('neuron', 'error');
    neuron.receive({ payload: { preset: 'ZZ' } });
    expect(await error).toMatch(/msg\.payload\.preset is not a preset/);
    error = nextCall('clock', 'error');
    clock.receive({ payload: 1764108000000 });
    expect(await error).toMatch(/msg\.payload is not a clock command/);
    error = nextCall('clock', 'error');
    clock.receive({ payload: 'run', ms: -3 });
    expect(await error).toMatch(/msg\.ms must be greater than 0 \(got -3\)/);
    // nothing of that changed the run: it still reproduces pattern A
    const spikes = next('spikeOut');
    clock.receive({ payload: 'start' });
    expect((await spikes).payload.times).toEqual(simulateReference(REFERENCE.A).spikes);
  });

  it('makes a bad message catchable by a catch node', async () => {
    const flow = withPositions([...patternA(), { id: 'catch', z: 'tab', type: 'catch', scope: null, uncaught: false, wires: [['caught']] }, { id: 'caught', z: 'tab', type: 'helper' }]);
    await helper.load(NODES, flow);
    const caught = next('caught');
    helper.getNode('clock').receive({ payload: 'explode' });
    const msg = await caught;
    expect(msg.error.message).toMatch(/^clock "clock": msg\.payload is not a clock command.*\(got "explode"\)$/);
    expect(msg.error.source.id).toBe('clock');
  });
});

describe('bad configuration', () => {
  it('shows a red status naming the field, and the clock refuses to run', async () => {
    await helper.load(NODES, patternA({ neuron: { params: { a: 'x', b: 0.2, c: -65, d: 6 } } }));
    expect(lastStatus('neuron')).toMatchObject({ fill: 'red', text: 'a must be a number' });
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toBe('neuron "A": a must be a number (got "x")');
    expect(lastStatus('clock')).toMatchObject({ fill: 'red' });
  });

  it.each([
    [{ dt: 0 }, 'dt must be greater than 0'],
    [{ dt: 'abc' }, 'dt must be a number'],
    [{ dt: 10, duration: 5 }, 'dt must not be larger than the duration'],
    [{ duration: -1 }, 'duration must be greater than 0'],
    [{ mode: 'warp' }, 'mode must be one of batch, realtime'],
  ])('clock %j', async (clock, text) => {
    await helper.load(NODES, patternA({ clock }));
    expect(lastStatus('clock')).toMatchObject({ fill: 'red', shape: 'ring' });
    expect(lastStatus('clock').text).toContain(text.slice(0, 30));
  });

  it('reports sources, sizes and monitors that make no sense', async () => {
    await helper.load(NODES, patternA({ source: { kind: 'expression', expression: 'y + 1' }, neuron: { size: 0 }, state: { indices: '0, 5' } }));
    expect(lastStatus('source').text).toMatch(/expression uses the unknown symbol/);
    expect(lastStatus('neuron').text).toMatch(/size must be at least 1/);
    const error = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await error).toMatch(/^(current source "step": expression|neuron "A": size)/);
  });

  it('says when a node is not wired to a clock', async () => {
    const flow = patternA();
    (flow[1] as Record<string, unknown>).wires = [[], ['events']];
    await helper.load(NODES, flow);
    for (const id of ['source', 'neuron', 'spikes', 'trace']) expect(lastStatus(id)).toMatchObject({ fill: 'yellow', text: 'not wired to a clock' });
  });
});

describe('redeploy and close', () => {
  it('leaves no timer behind when a running flow is removed', async () => {
    const ledger = openTimerLedger();
    try {
      await helper.load(NODES, patternA({ clock: { mode: 'realtime', duration: '', speed: 1, interval: 10 }, state: { live: true } }));
      helper.getNode('clock').receive({ payload: 'start' });
      // the run is under way: it has computed a chunk and scheduled the next one
      await next('traceOut', (m) => m.event === 'chunk');
      expect(lastStatus('clock').text).toMatch(/^running/);
      expect(ledger.pending).toBe(1);
      await helper.unload();
      expect(ledger.pending).toBe(0);
    } finally {
      ledger.close();
    }
  });

  it('gives the same result after a redeploy', async () => {
    const run = async () => {
      await helper.load(NODES, patternA());
      const spikes = next('spikeOut');
      helper.getNode('clock').receive({ payload: 'start' });
      const times = (await spikes).payload.times;
      await helper.unload();
      return times;
    };
    const first = await run();
    expect(await run()).toEqual(first);
  });
});
