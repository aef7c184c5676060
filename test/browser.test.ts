/**
 * End to end in a real browser: Node-RED (started here on a free port, with this package and
 * Dashboard 2 from node_modules) driven by Debian's Chromium through playwright-core.
 *  - the editor: our palette; an example imported through Import > Examples deploys and runs from
 *    the clock's button; a miswired flow shows its warning; two dashboard examples imported through
 *    Import > Examples next to an existing dashboard join it, and every page renders;
 *  - the explorer's dashboard: the batch page's charts hold the published run on one time axis,
 *    with its ISI histogram, phase plane and CSV; the real-time page's canvas draws v, I, spikes
 *    and rate over one sliding window, the ISI histogram and the phase plane with its nullclines,
 *    all equal to an independent simulation, its controls show the values in force and its CSV
 *    button downloads the run; the network page draws the raster of net 2003 (equal to a batch
 *    run of the same network and seed) and the weights of spnet.
 * Set UPDATE_SCREENSHOTS=1 to refresh the README's pictures in docs/.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { explorerFlow, LIVE_WINDOW, NETWORK_WINDOW } from '../lib/flow/dashboard-flows';
import { isiHistogram, runCsv } from '../lib/render/charts';
import type { FlowNode } from '../lib/flow/compiler';
import { charts, click, ROOT, scopes, setUp, STEP_MS, TEST_MS, type ChartData, type ScopeDrawn, type Setup } from './support/browser';
import { continueReference, REFERENCE, simulateReference } from './reference';

const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'izh-shots-'));
const TYPES = ['izh-clock', 'izh-source', 'izh-neuron', 'izh-spike-monitor', 'izh-state-monitor', 'izh-spike-generator', 'izh-synapse', 'izh-rate-monitor', 'izh-weight-monitor'];
const DASHBOARD_FOLDER = 'dashboard (needs Dashboard 2)';

let s: Setup;

beforeAll(async () => {
  s = await setUp();
  mkdirSync(SHOTS, { recursive: true });
}, TEST_MS);

afterAll(async () => {
  await s?.close();
}, STEP_MS);

/** Opens the editor and waits for our palette. */
async function editor(): Promise<Page> {
  const page = await s.page({ width: 1400, height: 800 });
  await page.goto(s.base);
  for (const type of TYPES) await page.waitForSelector(`.red-ui-palette-node[data-palette-type="${type}"]`);
  return page;
}

/** Import > Examples > @spiking-red/node-red-izhikevich > folder > example, then Import. */
async function importExample(page: Page, folder: string, example: string): Promise<void> {
  await page.click('#red-ui-header-button-sidemenu');
  await page.click('#menu-item-import');
  await page.click('a[href="#red-ui-clipboard-dialog-import-tab-examples"]');
  const pick = async (label: string) => {
    const item = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label', { hasText: label }).first();
    await item.scrollIntoViewIfNeeded();
    await item.click();
  };
  await pick('@spiking-red/node-red-izhikevich');
  await pick(folder);
  await pick(example);
  await click(page.locator('#red-ui-clipboard-dialog-ok'));
}

async function deployFromEditor(page: Page): Promise<void> {
  await page.click('#red-ui-header-button-deploy');
  await page.waitForFunction(() => !(window as any).RED.nodes.dirty());
}

/** Hides Dashboard 2's "App is offline ready" note before a picture. */
const hideNotes = (page: Page) => page.addStyleTag({ content: '.pwa-toast { display: none !important; }' });

describe('in the editor', () => {
  it('shows the nine nodes in the palette, imports an example from the menu, deploys it and runs it from the button', async () => {
    const page = await editor();
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await importExample(page, 'neuro-computational features (2004)', 'A tonic spiking');
    // the example brings its own flow tab
    await page.locator('#red-ui-workspace-tabs .red-ui-tab', { hasText: 'A tonic spiking' }).click();
    const clock = page.locator('g.red-ui-flow-node-group', { hasText: 'dt 0.25 ms, 100 ms' });
    await clock.waitFor();

    await deployFromEditor(page);
    await page.click('#red-ui-tab-debug-link-button');
    await clock.locator('.red-ui-flow-node-button').click();
    const debug = page.locator('.red-ui-debug-msg');
    await debug.nth(1).waitFor();
    const text = (await debug.allInnerTexts()).join(' ').replace(/\s+/g, ' ');
    // the spike monitor's times reach the debug sidebar
    expect(text).toContain('spike times');
    expect(text).toContain(`array[${simulateReference(REFERENCE.A).spikes.length}]`);
    expect(errors).toEqual([]);
    // let the notifications fade before the picture
    if (process.env.UPDATE_SCREENSHOTS) await page.waitForSelector('.red-ui-notification', { state: 'detached' });
    await page.screenshot({ path: join(SHOTS, 'editor.png') });
    await page.close();
  }, TEST_MS);

  it('shows a miswired flow\'s warning: a function node between a clock and a source', async () => {
    await s.deploy([]);
    const page = await editor();
    const flow = [
      { id: 'mis-tab', type: 'tab', label: 'miswired' },
      { id: 'mis-clock', z: 'mis-tab', type: 'izh-clock', name: 'clock', dt: 0.25, duration: 100, mode: 'batch', x: 120, y: 100, wires: [['mis-fn'], []] },
      { id: 'mis-fn', z: 'mis-tab', type: 'function', name: 'pass through', func: 'return msg;', outputs: 1, x: 290, y: 100, wires: [['mis-source']] },
      { id: 'mis-source', z: 'mis-tab', type: 'izh-source', name: 'step', kind: 'step', amplitude: 14, onset: 10, x: 460, y: 100, wires: [['mis-neuron']] },
      { id: 'mis-neuron', z: 'mis-tab', type: 'izh-neuron', name: 'A', form: '2003', size: 1, params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, x: 620, y: 100, wires: [['mis-spikes'], []] },
      { id: 'mis-spikes', z: 'mis-tab', type: 'izh-spike-monitor', name: 'spikes', x: 800, y: 100, wires: [[]] },
    ];
    // Import > Clipboard, as a user pastes a flow
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.fill('#red-ui-clipboard-dialog-import-text', JSON.stringify(flow));
    await page.press('#red-ui-clipboard-dialog-import-text', 'End');
    await click(page.locator('#red-ui-clipboard-dialog-ok'));
    await page.locator('#red-ui-workspace-tabs .red-ui-tab', { hasText: 'miswired' }).click();
    await page.click('#red-ui-tab-debug-link-button');
    await deployFromEditor(page);
    // the clock's status under the node, yellow
    const clock = page.locator('g.red-ui-flow-node-group', { hasText: 'clock' }).first();
    await clock.locator('.red-ui-flow-node-status-label', { hasText: 'output 1 feeds no node' }).waitFor();
    expect(await clock.locator('.red-ui-flow-node-status-dot-yellow, .red-ui-flow-node-status-ring-yellow').count()).toBe(1);
    // and its warning in the debug sidebar, naming the node in the way and what to do
    const warning = page.locator('.red-ui-debug-msg', { hasText: 'its first output is a simulation wire' }).first();
    await warning.waitFor();
    // long strings show folded: unfold
    await warning.locator('.red-ui-debug-msg-payload').click();
    await warning.getByText('pass through', { exact: false }).waitFor();
    const text = (await warning.innerText()).replace(/\s+/g, ' ');
    expect(text).toContain('leads to function "pass through"');
    expect(text).toContain('wire it to current source, neuron or spike generator');
    await page.close();
  }, TEST_MS);

  it('imports two dashboard examples through Import > Examples next to an existing dashboard: they join it, and every page renders', async () => {
    // someone's own dashboard: a ui-base at /dashboard, a page /home with a text
    const mine = [
      { id: 'my-base', type: 'ui-base', name: 'My Dashboard', path: '/dashboard', includeClientData: true, acceptsClientConfig: ['ui-notification', 'ui-control'], showPathInSidebar: false, navigationStyle: 'default', titleBarStyle: 'default' },
      { id: 'my-theme', type: 'ui-theme', name: 'Default', colors: { surface: '#ffffff', primary: '#0094CE', bgPage: '#eeeeee', groupBg: '#ffffff', groupOutline: '#cccccc' }, sizes: { pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '12px' } },
      { id: 'my-page', type: 'ui-page', name: 'Home', ui: 'my-base', path: '/home', icon: 'home', layout: 'grid', theme: 'my-theme', order: 1, className: '', visible: 'true', disabled: 'false' },
      { id: 'my-group', type: 'ui-group', name: 'My group', page: 'my-page', width: '6', height: '1', order: 1, showTitle: true, className: '', visible: 'true', disabled: 'false' },
      { id: 'my-tab', type: 'tab', label: 'My flow' },
      { id: 'my-text', type: 'ui-text', z: 'my-tab', group: 'my-group', order: 1, width: 0, height: 0, name: '', label: 'My text', format: '{{msg.payload}}', layout: 'row-spread', style: false, font: '', fontSize: 16, color: '#717171', wrapText: false, className: '', x: 200, y: 100, wires: [] },
    ];
    await s.deploy(mine);
    const page = await editor();
    const notes: string[] = [];
    page.on('console', (m) => notes.push(m.text()));
    await importExample(page, DASHBOARD_FOLDER, 'explorer');
    await page.locator('#red-ui-workspace-tabs .red-ui-tab', { hasText: 'Spiking-RED explorer' }).waitFor();
    await importExample(page, DASHBOARD_FOLDER, 'C tonic bursting on a dashboard');
    await page.locator('#red-ui-workspace-tabs .red-ui-tab', { hasText: 'C tonic bursting on a dashboard' }).waitFor();
    // Dashboard 2's editor keeps one ui-base, the one that was there, and points the imported pages at it
    await page.waitForFunction(() => {
      const bases: string[] = [];
      (window as any).RED.nodes.eachConfig((n: any) => { if (n.type === 'ui-base') bases.push(n.id); });
      return bases.length === 1 && bases[0] === 'my-base';
    });
    const pages = await page.evaluate(() => {
      const out: Array<{ path: string; ui: string }> = [];
      (window as any).RED.nodes.eachConfig((n: any) => { if (n.type === 'ui-page') out.push({ path: n.path, ui: n.ui }); });
      return out;
    });
    expect(pages.map((p) => p.path).sort()).toEqual(['/home', '/spiking-red-batch', '/spiking-red-explorer', '/spiking-red-network', '/spiking-red-pattern-c']);
    expect(pages.every((p) => p.ui === 'my-base')).toBe(true);
    // nothing asked whether to replace or copy nodes that already exist
    expect(await page.locator('.red-ui-notification', { hasText: 'already exist' }).count()).toBe(0);
    await deployFromEditor(page);
    const deployed = (await (await fetch(`${s.base}/flows`)).json()) as FlowNode[];
    expect(deployed.filter((n) => n.type === 'ui-base').map((n) => n.id)).toEqual(['my-base']);
    await page.close();

    // every page renders: its own widgets, and no warning about several ui-base nodes
    const board = await s.page();
    const renders: Array<[string, (p: Page) => Promise<unknown>]> = [
      ['home', (p) => p.getByText('My text').waitFor()],
      ['spiking-red-explorer', (p) => p.waitForFunction(() => ((window as any).izhScopes()[0]?.main?.panels?.v?.series?.v?.length ?? 0) > 0)],
      ['spiking-red-batch', (p) => p.waitForFunction(() => ((window as any).izhCharts() as ChartData[]).find((c) => c.title === 'v (mV)')?.series[0]?.data.length === 881)],
      ['spiking-red-network', (p) => p.waitForFunction(() => (window as any).izhScopes()[0]?.main?.layout?.panels?.raster !== undefined)],
      ['spiking-red-pattern-c', (p) => p.waitForFunction(() => ((window as any).izhCharts() as ChartData[]).length === 3)],
    ];
    for (const [path, rendered] of renders) {
      await board.goto(`${s.base}/dashboard/${path}`);
      await rendered(board);
      expect(await board.locator('body').innerText(), path).not.toContain('do not support multiple');
    }
    expect(notes.filter((n) => /multiple ui-base/i.test(n))).toEqual([]);
    // the pattern example's charts, run from its button, line up on the run's [0, 220] ms
    await board.getByText('Run', { exact: true }).click();
    await board.waitForFunction(() => ((window as any).izhCharts() as ChartData[]).find((c) => c.title === 'v (mV)')?.series[0]?.data.length === 881);
    const three = await charts(board);
    expect(three.map((c) => c.title)).toEqual(['v (mV)', 'I', 'spikes']);
    for (const c of three) {
      expect([c.axis.min, c.axis.max], c.title).toEqual([0, 220]);
      expect(c.axis.px![0]).toBeCloseTo(three[0].axis.px![0], 0);
      expect(c.axis.px![1]).toBeCloseTo(three[0].axis.px![1], 0);
    }
    await board.close();
  }, TEST_MS);
});

/** Waits in the page until `scopes()[index]` passes `ready` (a function source of (drawn) => boolean), and returns that very frame. */
async function scopeWhen(page: Page, ready: string, index = 0): Promise<ScopeDrawn> {
  const handle = await page.waitForFunction(([source, i]) => {
    const drawn = (window as any).izhScopes()[i as number];
    return drawn && (new Function('drawn', `return (${source})(drawn)`) as (d: unknown) => boolean)(drawn) ? drawn : false;
  }, [ready, index] as const);
  return (await handle.jsonValue()) as ScopeDrawn;
}

/** Pattern C as the real-time explorer runs it: the published input (15 from t > 22 ms), held at 15 after 220 ms. */
const liveC = { ...REFERENCE.C };

describe('on the dashboard', () => {
  beforeAll(() => s.deploy(explorerFlow()), STEP_MS);

  it('batch page: the published run on charts that share its time axis, with the ISI histogram, phase plane and CSV of the run', async () => {
    const page = await s.page({ width: 1400, height: 1180 });
    await page.goto(`${s.base}/dashboard/spiking-red-batch`);
    // the batch page runs C on deploy
    const C = REFERENCE.C;
    const expected = continueReference(C, { v: C.v0, u: C.b * C.v0 }, 0, 881);
    await page.waitForFunction(([vLength, spikeCount]) => {
      const all = (window as any).izhCharts() as ChartData[];
      const data = (title: string, k = 0) => all.find((c) => c.title === title)?.series[k]?.data ?? [];
      return data('v (mV)').length === vLength && data('spikes').length === spikeCount && data('ISI histogram (ms)').length > 0
        && data('phase plane: u against v, with the nullclines', 2).length > 0 && data('firing rate (Hz)', 1).length > 0;
    }, [expected.v.length, expected.spikes.length]);
    // the charts settle into their layout (each resizes on its own): wait until their plot areas do
    await page.waitForFunction(() => {
      const px = ((window as any).izhCharts() as ChartData[]).filter((c) => ['v (mV)', 'I', 'spikes', 'firing rate (Hz)'].includes(c.title)).map((c) => c.axis.px);
      return px.length === 4 && px.every((p) => p && Math.abs(p[0] - px[0]![0]) < 0.5 && Math.abs(p[1] - px[0]![1]) < 0.5);
    });
    const all = await charts(page);
    const chart = (title: string) => all.find((c) => c.title === title)!;
    const v = chart('v (mV)').series[0].data;
    expect(v.map(([, y]) => y)).toEqual(expected.v);
    expect(v.map(([t]) => t)).toEqual(expected.v.map((_, k) => k * 0.25));
    expect(chart('spikes').series[0].data.map(([t]) => t)).toEqual(expected.spikes);
    // one time axis: every chart of the run spans [0, 220] ms, drawn at the same place
    const timed = ['v (mV)', 'I', 'spikes', 'firing rate (Hz)'].map(chart);
    for (const c of timed) expect([c.axis.min, c.axis.max], c.title).toEqual([0, 220]);
    for (const c of timed) {
      expect(c.axis.px![0]).toBeCloseTo(timed[0].axis.px![0], 0);
      expect(c.axis.px![1]).toBeCloseTo(timed[0].axis.px![1], 0);
    }
    // the firing rate: the running mean every 10 ms and 1000 / ISI at every spike after the first
    const rate = chart('firing rate (Hz)');
    expect(rate.series.map((x) => x.name)).toEqual(['running mean (100 ms)', '1000 / ISI']);
    expect(rate.series[1].data).toEqual(expected.spikes.slice(1).map((t, k) => [t, 1000 / (t - expected.spikes[k])]));
    // the ISI histogram of the run
    expect(chart('ISI histogram (ms)').series[0].data.map(([, y]) => y)).toEqual(isiHistogram(expected.spikes));
    // the phase plane: the trajectory (v, u) of the run and the nullclines for I = 15
    const phase = chart('phase plane: u against v, with the nullclines');
    expect(phase.series.map((x) => x.name)).toEqual(['trajectory', 'v-nullcline, I = 15', 'u-nullcline']);
    expect(phase.series[0].data).toEqual(expected.v.map((x, k) => [x, expected.u[k]]));
    for (const [x, y] of phase.series[1].data as Array<[number, number]>) expect(y).toBeCloseTo(0.04 * x * x + 5 * x + 140 + 15, 9);
    for (const [x, y] of phase.series[2].data as Array<[number, number]>) expect(y).toBeCloseTo(0.2 * x, 12);
    await hideNotes(page);
    await page.screenshot({ path: join(SHOTS, 'dashboard-batch.png'), fullPage: true });

    // the CSV button downloads the run: t, v, u, I and the spikes, as computed independently
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByText('Download the run as CSV').click()]);
    expect(download.suggestedFilename()).toBe('spiking-red-C-tonic-bursting.csv');
    const csv = readFileSync((await download.path())!, 'utf8');
    const t = expected.v.map((_, k) => k * 0.25);
    expect(csv).toBe(runCsv({ t, v: expected.v, u: expected.u, I: t.map((x) => (x > 22 ? 15 : 0)), spikes: expected.spikes }));
    await page.close();
  }, TEST_MS);

  it('real-time page: controls show the values in force; v, I, spikes and rate share one sliding window; ISI histogram, phase plane and CSV follow the running neuron', async () => {
    const page = await s.page({ width: 1400, height: 900 });
    await page.goto(`${s.base}/dashboard/spiking-red-explorer`);
    // every control shows the value in force: C's a, b, c, d, the level its input holds, the speed
    const boxes = page.locator('.izh-slider input[type="number"]');
    await page.waitForFunction(() => [...document.querySelectorAll('.izh-slider input[type="number"]')].map((i) => (i as HTMLInputElement).value).join(' ') === '0.02 0.2 -50 2 15 0.25');
    // and in full: each box has room for its number and the spin buttons (about 16 px) beside it
    const fits = () => boxes.evaluateAll((inputs) => inputs.map((i) => {
      const input = i as HTMLInputElement;
      const style = getComputedStyle(input);
      const ctx = document.createElement('canvas').getContext('2d')!;
      ctx.font = style.font;
      return ctx.measureText(input.value).width + 16 <= input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    }));
    expect(await fits()).toEqual([true, true, true, true, true, true]);
    await page.getByText('I(t) = (22 < t) ? 15 : 0 for t ≤ 220 ms (published), then 15').waitFor();

    // a fresh run from t = 0, watched from its start
    const before = (await scopeWhen(page, '(d) => d.main !== null')).main!.runs;
    await page.getByText('Run again from t = 0').click();
    // a frame of that run drawn once the spikes and the trace of the latest chunk had both come
    const drawn = await scopeWhen(page, `(d) => d.main && d.main.runs > ${before} && d.main.event === 'running' && d.main.t >= ${LIVE_WINDOW + 100} && d.main.t0 > 0 && d.main.until.spikes === d.main.t && d.main.until.state === d.main.t`);
    const main = drawn.main!;
    // one window for every panel: [t - window, t]
    expect(main.t1 - main.t0).toBe(LIVE_WINDOW);
    expect(main.t1).toBe(main.t);
    const panel = (id: string) => main.panels[id];
    const inWindow = (t: number) => t >= main.t0 && t <= main.t1;
    const v = (panel('v') as any).series.v as Array<[number, number]>;
    const I = (panel('I') as any).series.I as Array<[number, number]>;
    const rate = (panel('rate') as any).series.rate as Array<[number, number]>;
    const spikes = (panel('spikes') as any).times as number[];
    for (const points of [v, I, rate]) expect(points.every(([t]) => inWindow(t))).toBe(true);
    expect(spikes.every(inWindow)).toBe(true);
    // the window is full: its first and last samples are one step from its ends
    expect(v[0][0] - main.t0).toBeLessThan(0.25 + 1e-9);
    expect(main.t1 - v.at(-1)![0]).toBeLessThan(0.25 + 1e-9 + 1e-6);
    // an independent simulation of the same run
    const steps = Math.round(main.t / 0.25) + 1;
    const expected = continueReference(liveC, { v: liveC.v0, u: liveC.b * liveC.v0 }, 0, steps);
    for (const [t, y] of v) expect(y).toBe(expected.v[Math.round(t / 0.25)]);
    expect(I.every(([t, y]) => y === (t > 22 ? 15 : 0))).toBe(true);
    expect(spikes).toEqual(expected.spikes.filter(inWindow));
    // the ISI histogram of the run so far
    expect(drawn.isi!.counts).toEqual(isiHistogram(expected.spikes.filter((t) => t < main.t)));
    // the phase plane: the window's trajectory and the nullclines of C for the input in force
    const phase = drawn.phase!;
    expect(phase.I).toBe(15);
    expect(phase.trajectory).toEqual(v.map(([t, y]) => [y, expected.u[Math.round(t / 0.25)]]));
    expect(phase.vNullcline.length).toBe(131);
    for (const [x, y] of phase.vNullcline) expect(y).toBeCloseTo(0.04 * x * x + 5 * x + 140 + 15, 9);
    for (const [x, y] of phase.uNullcline) expect(y).toBeCloseTo(0.2 * x, 12);
    // the rate: the rate monitor's running mean over 100 ms, in 10 ms bins
    expect(rate.every(([t], k) => k === 0 || Math.abs(t - rate[k - 1][0] - 10) < 1e-9)).toBe(true);
    await hideNotes(page);
    await page.screenshot({ path: join(SHOTS, 'dashboard.png') });

    // CSV: the run so far, from t = 0
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator('.izh-scope-csv').click()]);
    const rows = readFileSync((await download.path())!, 'utf8').trim().split('\n');
    expect(rows[0]).toBe('t_ms,v_mV,u,I,spike');
    const table = rows.slice(1).map((r) => r.split(',').map(Number));
    expect(table.length).toBeGreaterThanOrEqual(steps - 1);
    const run = continueReference(liveC, { v: liveC.v0, u: liveC.b * liveC.v0 }, 0, table.length);
    expect(table).toEqual(run.v.map((x, k) => [k * 0.25, x, run.u[k], k * 0.25 > 22 ? 15 : 0, run.spikes.includes(k * 0.25) ? 1 : 0]));

    // picking another pattern shows its values: G's a, b, c, d and the 20.25 its ramp ends at
    await page.getByRole('combobox').first().click();
    await page.locator('.v-list-item', { hasText: 'G class 1 excitable' }).click();
    await page.waitForFunction(() => [...document.querySelectorAll('.izh-slider input[type="number"]')].map((i) => (i as HTMLInputElement).value).join(' ') === '0.02 -0.1 -55 6 20.25 0.25');
    expect(await fits()).toEqual([true, true, true, true, true, true]);
    const params = await page.evaluate(() => (document.querySelector('[data-izh-scope]') as any).izhScope.params());
    expect(params).toEqual({ b: -0.1, k1: 0.04, k2: 4.1, k3: 108, recovery: 'standard' });
    await page.close();
  }, TEST_MS);

  it('network page: the raster of all 1000 neurons of net 2003 as the network fires, over the same window as the population rate; spnet\'s weights', async () => {
    const page = await s.page({ width: 1400, height: 1050 });
    await page.goto(`${s.base}/dashboard/spiking-red-network`);
    const seed = page.locator('.v-field', { hasText: 'Seed' }).locator('input');
    // the field shows the seed in force (1, from the deploy) once the dashboard has loaded its
    // value; typing before that lets the late value overwrite what was typed
    await page.waitForFunction(() => [...document.querySelectorAll('.v-field')].some((f) => f.textContent?.includes('Seed') && f.querySelector('input')?.value === '1'));
    await seed.fill('7');
    await seed.press('Enter');
    // the flow has the seed before Start is pressed
    await page.getByText('Seed 7 (press Start).', { exact: false }).waitFor();
    await click(page.getByText('Start', { exact: true }));
    await page.getByText('Seed 7.', { exact: false }).waitFor();
    await scopeWhen(page, `(d) => d.main && d.main.runs === 1 && d.main.event === 'running' && d.main.t >= ${NETWORK_WINDOW + 200}`);
    await click(page.getByText('Stop', { exact: true }));
    const drawn = (await scopeWhen(page, "(d) => d.main && d.main.runs === 1 && d.main.event === 'stopped'")).main!;
    const raster = drawn.panels.raster as { times: number[]; indices: number[] };
    expect(drawn.t1 - drawn.t0).toBe(NETWORK_WINDOW);
    // about 7.5 spikes per ms in 1000 neurons: thousands in the window, more than a ui-chart takes
    expect(raster.times.length).toBeGreaterThan(3000);

    // the same network (the explorer's nodes, same ids, seed 7) run as a batch by izh-flow
    const net = explorerFlow().filter((n) => n.id.startsWith('izh-explorer-net2003-')).map((n) => {
      if (n.type === 'izh-clock') return { ...n, mode: 'batch', duration: Math.ceil(drawn.t) + 5, seed: 7, wires: [(n.wires as string[][])[0], []] };
      if (n.type.endsWith('-monitor')) return { ...n, live: false, wires: [[]] };
      return n;
    });
    const dir = mkdtempSync(join(tmpdir(), 'izh-net-'));
    writeFileSync(join(dir, 'net.json'), JSON.stringify([{ id: 'izh-explorer-tab', type: 'tab', label: 'net' }, ...net]));
    execFileSync(process.execPath, [join(ROOT, 'dist', 'bin', 'izh-flow.js'), join(dir, 'net.json'), '--json', join(dir, 'out.json')], { stdio: 'ignore' });
    const report = JSON.parse(readFileSync(join(dir, 'out.json'), 'utf8'));
    const spikesOf = (name: string, offset: number) => {
      const m = report.monitors.find((x: { name: string }) => x.name === name);
      return (m.times as number[]).map((t, k) => [t, m.indices[k] + offset] as [number, number]);
    };
    const inWindow = ([t]: [number, number]) => t >= drawn.t0 && t <= drawn.t1;
    const order = (a: [number, number], b: [number, number]) => a[0] - b[0] || a[1] - b[1];
    const expected = [...spikesOf('spikes E', 0), ...spikesOf('spikes I', 800)].filter(inWindow).sort(order);
    const got = raster.times.map((t, k) => [t, raster.indices[k]] as [number, number]).sort(order);
    expect(got).toEqual(expected);
    // the rates share the window and are the spikes per neuron per second in each 5 ms bin
    const rates = (drawn.panels.rate as { series: Record<string, Array<[number, number]>> }).series;
    expect(Object.keys(rates).sort()).toEqual(['rate E', 'rate I']);
    for (const [name, size, offset] of [['rate E', 800, 0], ['rate I', 200, 800]] as const) {
      const all = name === 'rate E' ? spikesOf('spikes E', offset) : spikesOf('spikes I', offset);
      for (const [t, r] of rates[name]) {
        expect(t >= drawn.t0 && t <= drawn.t1).toBe(true);
        const count = all.filter(([x]) => x >= t - 1e-9 && x < t + 5 - 1e-9).length;
        expect(r).toBeCloseTo(count / size / 0.005, 9);
      }
    }
    // and it is drawn: a dot of the raster's colour where each spike of the window is, read at the
    // pixel the dot covers most (a 1.5 px wide, 1 px high rect covers a pixel beside it by as
    // little as a quarter, too faint to tell on a grid line). The state and the pixels are read
    // in one evaluate: a chunk that arrives after 'stopped' (the monitors' messages and the
    // clock's event travel separately) moves the window and redraws the canvas
    const painted = await page.evaluate((every) => {
      const main = (window as any).izhScopes()[0].main;
      const { layout, t0, window: windowMs } = main;
      const canvas = document.querySelector('[data-izh-scope] canvas') as HTMLCanvasElement;
      const ctx = canvas.getContext('2d')!;
      const scale = canvas.width / layout.width;
      const box = layout.panels.raster;
      const { times, indices } = main.panels.raster as { times: number[]; indices: number[] };
      const sampled = times.map((t, k) => [t, indices[k]]).filter((_, k) => k % every === 0);
      return {
        count: sampled.length,
        unpainted: sampled.flatMap(([t, n]) => {
          const x = layout.left + (t - t0) / windowMs * (layout.width - layout.left - layout.right);
          const rowHeight = box.height / 1000;
          const y = box.top + (999 - n) * rowHeight + Math.max(1, rowHeight) / 2;
          const [r, g, b, a] = ctx.getImageData(Math.floor(x * scale), Math.floor(y * scale), 1, 1).data;
          return a > 0 && (r < 200 || g < 200 || b < 200) ? [] : [{ t, n, x, y, rgba: [r, g, b, a], t0, canvas: [canvas.width, canvas.height], layout }];
        }),
      };
    }, 97);
    expect(painted.count).toBeGreaterThan(20);
    expect(painted.unpainted).toEqual([]);

    // spnet: its raster, rate and the histogram of its 80,000 learning weights, every second
    await page.getByRole('combobox').first().click();
    await page.locator('.v-list-item', { hasText: 'spnet' }).click();
    await click(page.getByText('Start', { exact: true }));
    await scopeWhen(page, "(d) => d.main && d.main.runs === 2 && d.main.event === 'running' && d.main.t >= 1100 && d.main.panels.raster.times.length > 0");
    await page.waitForFunction(() => {
      const bars = ((window as any).izhCharts() as ChartData[]).find((c) => c.title.startsWith('spnet: excitatory weights'))?.series[0]?.data ?? [];
      return bars.length === 20 && bars.reduce((sum, [, y]) => sum + y, 0) === 80_000;
    });
    const spnet = (await scopes(page))[0].main!;
    expect(Object.keys((spnet.panels.rate as { series: object }).series)).toEqual(['rate']);
    const weights = (await charts(page)).find((c) => c.title.startsWith('spnet: excitatory weights'))!.series[0].data;
    expect(weights.map(([x]) => Number(x))).toEqual(Array.from({ length: 20 }, (_, k) => 0.25 + 0.5 * k));
    await page.getByText(/^\d+\.\d{3} at t = \d+ s$/).waitFor();
    await hideNotes(page);
    await page.screenshot({ path: join(SHOTS, 'dashboard-network.png') });
    await click(page.getByText('Stop', { exact: true }));
    await scopeWhen(page, "(d) => d.main && d.main.event === 'stopped'");
    await page.close();
  }, TEST_MS);
});
