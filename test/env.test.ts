/**
 * Typed fields: the clock's dt, duration and speed and the source's amplitude take a number or
 * an environment variable (typedInput type env), so one flow deploys with different settings.
 * In Node-RED (node-red-node-test-helper) the variable is read as Node-RED's own nodes read it,
 * the flow's env first, then the process's; the headless runner izh-flow reads the flow file's
 * tabs and its own environment. A bad value is refused like a bad number, and the error names
 * the node, the field, the variable and its value.
 */
import helper from 'node-red-node-test-helper';
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { compileNetwork, type FlowNode } from '../lib/flow/compiler';
import { flowEnv, resolveTyped } from '../lib/engine/schema';
import { ConfigError } from '../lib/engine/validate';
import { errorsOf, finished, lastStatus, next, nextCall, NODES, PATTERN_A, patternA, type Flow } from './flow-helpers';

helper.init(require.resolve('node-red'));

const VARS = ['IZH_TEST_AMPLITUDE', 'IZH_TEST_DURATION', 'IZH_TEST_DT', 'IZH_TEST_UNSET'];
/** Pattern A whose amplitude and duration come from environment variables. */
const fromEnv = (extra: { clock?: object; source?: object } = {}): Flow =>
  patternA({
    clock: { duration: 'IZH_TEST_DURATION', durationType: 'env', dtType: 'num', version: 2, ...extra.clock },
    source: { amplitude: 'IZH_TEST_AMPLITUDE', amplitudeType: 'env', version: 2, ...extra.source },
  });

function setEnv(values: Record<string, string | undefined>): void {
  for (const name of VARS) delete process.env[name];
  for (const [name, value] of Object.entries(values)) if (value !== undefined) process.env[name] = value;
}

/** Deploys `flow`, starts the clock, and resolves with the spike monitor's result and the run's end. */
async function run(flow: Flow): Promise<{ times: number[]; event: Record<string, unknown> }> {
  await helper.load(NODES, flow);
  const spikes = next('spikeOut');
  const done = next('events', finished);
  helper.getNode('clock').receive({ payload: 'start' });
  const [s, d] = await Promise.all([spikes, done]);
  await helper.unload();
  return { times: s.payload.times, event: d.payload };
}

describe('typed fields in Node-RED', () => {
  beforeAll(() => helper.startServer());
  afterAll(() => {
    setEnv({});
    return helper.stopServer();
  });
  afterEach(() => helper.unload());

  it('one flow, deployed with two environments, gives two runs', async () => {
    setEnv({ IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '100' });
    const first = await run(fromEnv());
    expect(first.times).toEqual(PATTERN_A.spikes);
    expect(first.event).toMatchObject({ t: 100, steps: 401 });

    setEnv({ IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '50' });
    const second = await run(fromEnv());
    expect(second.event).toMatchObject({ t: 50, steps: 201 });
    expect(second.times).toEqual(PATTERN_A.spikes.filter((t) => t <= 50));

    setEnv({ IZH_TEST_AMPLITUDE: '0', IZH_TEST_DURATION: '100' });
    expect((await run(fromEnv())).times).toEqual([]);
  });

  it("reads the flow's env before the process's, and ${NAME} as well as NAME", async () => {
    setEnv({ IZH_TEST_AMPLITUDE: '0', IZH_TEST_DURATION: '100' });
    const flow = fromEnv({ source: { amplitude: '${IZH_TEST_AMPLITUDE}' } }).map((n) =>
      n.type === 'tab' ? { ...n, env: [{ name: 'IZH_TEST_AMPLITUDE', value: '14', type: 'str' }] } : n);
    expect((await run(flow)).times).toEqual(PATTERN_A.spikes);
  });

  it('shows the value in the status, and a message still sets a number', async () => {
    setEnv({ IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '100', IZH_TEST_DT: '0.5' });
    await helper.load(NODES, fromEnv({ clock: { dt: 'IZH_TEST_DT', dtType: 'env' } }));
    expect(lastStatus('clock')).toMatchObject({ fill: 'grey', text: 'ready, dt 0.5 ms' });
    expect(lastStatus('source')).toMatchObject({ fill: 'grey', text: 'step to 14' });
    helper.getNode('source').receive({ payload: 5 });
    expect(lastStatus('source')).toMatchObject({ text: 'step to 5' });
    expect(errorsOf('source')).toEqual([]);
  });

  it('refuses a variable that is not set, or that holds no valid number, naming node, field, variable and value', async () => {
    setEnv({ IZH_TEST_DURATION: '100', IZH_TEST_DT: '-1', IZH_TEST_AMPLITUDE: 'abc' });
    await helper.load(NODES, fromEnv({ clock: { dt: 'IZH_TEST_DT', dtType: 'env' } }));
    expect(errorsOf('clock')).toEqual(['clock "clock": dt (env IZH_TEST_DT) must be greater than 0 (got "-1")']);
    expect(lastStatus('clock')).toMatchObject({ fill: 'red', shape: 'ring', text: 'dt (env IZH_TEST_DT) must be greater tha' });
    expect(errorsOf('source')).toEqual(['current source "step": amplitude (env IZH_TEST_AMPLITUDE) must be a number (got "abc")']);
    await helper.unload();

    setEnv({ IZH_TEST_DURATION: '100' });
    await helper.load(NODES, fromEnv({ source: { amplitude: 'IZH_TEST_UNSET' } }));
    expect(errorsOf('source')[0]).toBe('current source "step": amplitude (env IZH_TEST_UNSET) is not set; set the environment variable or give a number (got "IZH_TEST_UNSET")');
    // and the run is refused, naming the source
    const refused = nextCall('clock', 'error');
    helper.getNode('clock').receive({ payload: 'start' });
    expect(await refused).toBe('current source "step": amplitude (env IZH_TEST_UNSET) is not set; set the environment variable or give a number (got "IZH_TEST_UNSET")');
  });

  it('takes an empty variable as a blank field: a real-time run without end, a batch run refused', async () => {
    setEnv({ IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '' });
    await helper.load(NODES, fromEnv());
    expect(errorsOf('clock')).toEqual(['clock "clock": duration must be set for a batch run (only real-time runs may go on until stopped) (got "")']);
  });
});

describe('typed fields in the compiler and izh-flow', () => {
  const CLI = join(__dirname, '..', 'dist', 'bin', 'izh-flow.js');
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'izh-env-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  function izhFlow(file: string, env: Record<string, string>): Promise<{ code: number; stderr: string; report: any }> {
    const out = join(dir, `out-${Math.random().toString(36).slice(2)}.json`);
    return new Promise((resolve) => {
      execFile(process.execPath, [CLI, file, '--json', out, '--quiet'], { timeout: 60_000, env: { PATH: process.env.PATH, ...env } }, (error, _stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, stderr, report: code === 0 ? JSON.parse(readFileSync(out, 'utf8')) : null });
      });
    });
  }

  /** The flow as a file izh-flow runs: without the test's helper nodes. */
  const fileFlow = () => fromEnv().filter((n) => n.type !== 'helper');

  it('izh-flow runs one flow file with two environments into two runs', async () => {
    const file = join(dir, 'flow.json');
    writeFileSync(file, JSON.stringify(fileFlow()));
    const [long, short] = await Promise.all([
      izhFlow(file, { IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '100' }),
      izhFlow(file, { IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '50' }),
    ]);
    expect(long.code, long.stderr).toBe(0);
    expect(short.code, short.stderr).toBe(0);
    expect(long.report.clocks[0]).toMatchObject({ duration: 100, steps: 401 });
    expect(short.report.clocks[0]).toMatchObject({ duration: 50, steps: 201 });
    const spikes = (r: any) => r.monitors.find((m: { type: string }) => m.type === 'spike').times;
    expect(spikes(long.report)).toEqual(PATTERN_A.spikes);
    expect(spikes(short.report)).toEqual(PATTERN_A.spikes.filter((t) => t <= 50));
  });

  it("izh-flow reads the flow file's tab env before its own, and names a variable that is not set", async () => {
    const file = join(dir, 'tab-env.json');
    writeFileSync(file, JSON.stringify(fileFlow().map((n) => (n.type === 'tab' ? { ...n, env: [{ name: 'IZH_TEST_DURATION', value: '20', type: 'num' }] } : n))));
    const tab = await izhFlow(file, { IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '100' });
    expect(tab.code, tab.stderr).toBe(0);
    expect(tab.report.clocks[0]).toMatchObject({ duration: 20, steps: 81 });
    const unset = await izhFlow(file, {});
    expect(unset.code).toBe(2);
    expect(unset.stderr).toContain('current source "step": amplitude (env IZH_TEST_AMPLITUDE) is not set');
  });

  it('compiles with the lookup it is given, and resolves nothing but typed fields of type env', () => {
    const flow = fromEnv() as FlowNode[];
    const lookup = flowEnv(flow);
    setEnv({ IZH_TEST_AMPLITUDE: '14', IZH_TEST_DURATION: '75' });
    expect(compileNetwork(flow, 'clock', undefined, { env: lookup }).clock.settings.duration).toBe(75);
    setEnv({});
    expect(resolveTyped('izh-source', { amplitude: '5', amplitudeType: 'num' }, () => '14')).toEqual({ amplitude: '5', amplitudeType: 'num' });
    expect(() => resolveTyped('izh-source', { amplitude: 'X', amplitudeType: 'str' }, () => '14')).toThrow(ConfigError);
    expect(() => resolveTyped('izh-source', { amplitude: 'X', amplitudeType: 'str' }, () => '14')).toThrow('amplitudeType must be one of num, env (got "str")');
    expect(() => resolveTyped('izh-clock', { dt: '', dtType: 'env' }, () => '1')).toThrow('dt must name an environment variable (its type is env) (got "")');
  });
});
