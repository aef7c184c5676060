/**
 * End to end in a real browser: Node-RED (started here on a free port, with this package and
 * Dashboard 2 from node_modules) driven by Debian's Chromium through playwright-core.
 * The editor shows our palette, an example imported through Import > Examples deploys and
 * runs from the clock's button, and the dashboard charts hold the published trace.
 * Set UPDATE_SCREENSHOTS=1 to refresh the README's pictures in docs/.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startNodeRed, type NodeRedProcess } from './support/node-red-process';
import { REFERENCE, simulateReference } from './reference';

const ROOT = join(__dirname, '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * How long one step in the browser (a page to load, a chart to fill, a node to appear) may take
 * before the test calls it hung, and how long a whole test may take: generous, because a busy
 * machine makes Chromium and Node-RED slow, and every wait ends as soon as what it waits for
 * has happened.
 */
const STEP_MS = 120_000;
const TEST_MS = 300_000;
const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(ROOT, 'docs') : mkdtempSync(join(tmpdir(), 'izh-shots-'));
const TYPES = ['izh-clock', 'izh-source', 'izh-neuron', 'izh-spike-monitor', 'izh-state-monitor', 'izh-spike-generator', 'izh-synapse', 'izh-rate-monitor', 'izh-weight-monitor'];

let userDir: string;
let red: NodeRedProcess | undefined;
let browser: Browser;
let base: string;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Deploys flows through the admin API (as the editor's Deploy button does). */
async function deploy(flows: unknown[]): Promise<void> {
  const res = await fetch(`${base}/flows`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
    body: JSON.stringify(flows),
  });
  expect(res.status).toBe(204);
}

type Charts = Array<{ title: string; series: Array<{ name: string; data: Array<[number, number]> }> }>;

/**
 * Installed in every page: `window.izhCharts()` gives every Dashboard 2 chart on the page with its
 * eCharts series data, read from the Vue components. The tests read it, and wait on it in the
 * page (waitForFunction) for the data they expect.
 */
function installChartReader(): void {
  (window as any).izhCharts = () => {
    const app = document.querySelector('#app') as any;
    if (!app?._vnode) return [];
    const found: any[] = [];
    const visit = (vnode: any): void => {
      if (!vnode || typeof vnode !== 'object') return;
      const component = vnode.component;
      if (component) {
        if (component.type?.name === 'DBUIChart') found.push(component.proxy);
        visit(component.subTree);
      }
      if (Array.isArray(vnode.children)) vnode.children.forEach(visit);
      if (vnode.suspense) visit(vnode.suspense.activeBranch);
    };
    visit(app._vnode);
    return found.map((chart) => {
      const option = chart.chart?.getOption?.() ?? {};
      return {
        title: chart.props?.label ?? '',
        series: (option.series ?? []).map((s: any) => ({ name: s.name, data: (s.data ?? []).map((d: any) => (Array.isArray(d) ? d : d.value ?? [d.x, d.y])) })),
      };
    });
  };
}

const chartData = (page: Page): Promise<Charts> => page.evaluate(() => (window as any).izhCharts());

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  userDir = mkdtempSync(join(tmpdir(), 'izh-e2e-'));
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [ROOT], credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false } })};`,
  );
  writeFileSync(join(userDir, 'flows.json'), '[]');
  red = await startNodeRed(userDir);
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
}, TEST_MS);

afterAll(async () => {
  await browser?.close();
  await red?.stop();
  rmSync(userDir, { recursive: true, force: true });
}, STEP_MS);

describe('in the editor', () => {
  it('shows the nine nodes in the palette, imports an example from the menu, deploys it and runs it from the button', async () => {
    const page = await browser.newPage({ viewport: { width: 1400, height: 800 } });
    page.setDefaultTimeout(STEP_MS);
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(base);
    for (const type of TYPES) await page.waitForSelector(`.red-ui-palette-node[data-palette-type="${type}"]`);

    // Import > Examples > @spiking-red/node-red-izhikevich > features > A tonic spiking
    await page.click('#red-ui-header-button-sidemenu');
    await page.click('#menu-item-import');
    await page.click('a[href="#red-ui-clipboard-dialog-import-tab-examples"]');
    const pick = async (label: string) => {
      const item = page.locator('#red-ui-clipboard-dialog-import-tab-examples .red-ui-treeList-label', { hasText: label }).first();
      await item.scrollIntoViewIfNeeded();
      await item.click();
    };
    await pick('@spiking-red/node-red-izhikevich');
    await pick('neuro-computational features (2004)');
    await pick('A tonic spiking');
    await page.click('#red-ui-clipboard-dialog-ok');
    // the example brings its own flow tab
    await page.locator('#red-ui-workspace-tabs .red-ui-tab', { hasText: 'A tonic spiking' }).click();
    const clock = page.locator('g.red-ui-flow-node-group', { hasText: 'dt 0.25 ms, 100 ms' });
    await clock.waitFor();

    await page.click('#red-ui-header-button-deploy');
    await page.waitForFunction(() => !(window as any).RED.nodes.dirty());
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
});

describe('on the dashboard', () => {
  it('charts the published trace of a batch run and streams a real-time run', async () => {
    const { explorerFlow } = await import('../lib/flow/dashboard-flows');
    await deploy(explorerFlow());
    const page = await browser.newPage({ viewport: { width: 1400, height: 900 } });
    page.setDefaultTimeout(STEP_MS);
    await page.addInitScript(installChartReader);
    await page.goto(`${base}/dashboard/batch`);
    // the batch page runs C on deploy: its v chart must hold the published trace
    const expected = simulateReference(REFERENCE.C);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 3);
    // wait in the page until both charts hold the whole run
    await page.waitForFunction(([vLength, spikeCount]) => {
      const charts = (window as any).izhCharts() as Charts;
      return charts.find((c) => c.title === 'v (mV)')?.series[0]?.data.length === vLength &&
        charts.find((c) => c.title === 'spikes')?.series[0]?.data.length === spikeCount;
    }, [expected.v.length, expected.spikes.length]);
    const charts = await chartData(page);
    const v = charts.find((c) => c.title === 'v (mV)')!.series[0].data;
    expect(v.map(([, y]) => y)).toEqual(expected.v);
    expect(v.map(([t]) => t)).toEqual(expected.v.map((_, k) => k * 0.25));
    const raster = charts.find((c) => c.title === 'spikes')!.series[0].data;
    expect(raster.map(([t]) => t)).toEqual(expected.spikes);
    await page.screenshot({ path: join(SHOTS, 'dashboard-batch.png') });

    // the explorer page runs in real time: its v chart keeps receiving new points
    await page.goto(`${base}/dashboard/explorer`);
    await page.waitForFunction(() => document.querySelectorAll('canvas').length >= 3);
    /** the time of the last point of the v chart, in the page (-1 while it has none) */
    const lastT = (after: number) => page.waitForFunction((previous) => {
      const series = ((window as any).izhCharts() as Charts).find((c) => c.title === 'v (mV)')?.series[0]?.data ?? [];
      const t = series.length ? series[series.length - 1][0] : -1;
      return t > previous ? t : false;
    }, after).then((handle) => handle.jsonValue() as Promise<number>);
    // the chart receives points, and then later ones
    const first = await lastT(0);
    const later = await lastT(first);
    expect(first).toBeGreaterThan(0);
    expect(later).toBeGreaterThan(first);
    await page.screenshot({ path: join(SHOTS, 'dashboard.png') });
    await page.close();
  }, TEST_MS);
});
