/**
 * What the browser suites share: a Node-RED child process on a free local port with this package
 * and Dashboard 2 from node_modules, Debian's Chromium through playwright-core, deploying flows
 * through the admin API, and readers installed in every page for what the dashboard drew: the
 * eCharts data of every `ui-chart` and what our canvas scopes drew.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';
import { expect } from 'vitest';
import { freePort, startNodeRed, type NodeRedProcess } from './node-red-process';

export { freePort };

export const ROOT = join(__dirname, '..', '..');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/**
 * How long one step in the browser (a page to load, a chart to fill, a node to appear) may take
 * before the test calls it hung, and how long a whole test may take: generous, because a busy
 * machine makes Chromium and Node-RED slow, and every wait ends as soon as what it waits for
 * has happened.
 */
export const STEP_MS = 120_000;
export const TEST_MS = 300_000;

/**
 * Clicks by dispatching the click on the element itself (the editor's Done and Cancel, a
 * dashboard button): a pointer click lands where the element was a moment before, and on a busy
 * machine the tray's slide-in or a layout change can move it in between and lose the click.
 */
export function click(target: Locator): Promise<void> {
  return target.dispatchEvent('click');
}

/** Opens node `id`'s edit dialog and resolves once its form is in the tray. */
export async function openDialog(page: Page, id: string): Promise<void> {
  await page.evaluate((nodeId) => (window as any).RED.editor.edit((window as any).RED.nodes.node(nodeId)), id);
  await page.waitForSelector('#node-dialog-cancel', { state: 'visible' });
  await page.waitForSelector('#dialog-form', { state: 'attached' });
}

/** Closes the open edit dialog with `button` (Cancel by default, or '#node-dialog-ok') and resolves once its form is gone. */
export async function closeDialog(page: Page, button = '#node-dialog-cancel'): Promise<void> {
  await click(page.locator(button));
  await page.waitForSelector('#dialog-form', { state: 'detached' });
}

export interface Setup {
  base: string;
  red: NodeRedProcess;
  browser: Browser;
  /** deploys flows through the admin API (as the editor's Deploy button does) */
  deploy(flows: unknown[]): Promise<void>;
  /** a page with a generous step time and the readers installed (`locale`: the browser's language, e.g. de-DE) */
  page(viewport?: { width: number; height: number }, locale?: string): Promise<Page>;
  /** the editor, once it shows node `nodeId` and our dialogs have the runtime's schema */
  editor(nodeId: string, viewport?: { width: number; height: number }, locale?: string): Promise<Editor>;
  close(): Promise<void>;
}

/** An editor page, with what went wrong in it from the moment it opened. */
export interface Editor {
  page: Page;
  /** uncaught errors in the page */
  errors: string[];
  /** requests to Node-RED answered with a status of 400 or more ("404 http://…/x") */
  failedRequests: string[];
}

/**
 * Node-RED on a free port, and Chromium. `settings` are added to its settings.js (e.g. {lang:
 * 'de'}); `flows` is its flow file at start (empty by default; `deploy` replaces it later).
 */
export async function setUp(settings: Record<string, unknown> = {}, flows: unknown[] = []): Promise<Setup> {
  const port = await freePort();
  const base = `http://127.0.0.1:${port}`;
  const userDir = mkdtempSync(join(tmpdir(), 'izh-e2e-'));
  writeFileSync(
    join(userDir, 'settings.js'),
    `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', nodesDir: [ROOT], credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false }, ...settings })};`,
  );
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flows));
  const red = await startNodeRed(userDir);
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    timeout: STEP_MS,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  async function page(viewport = { width: 1400, height: 900 }, locale?: string): Promise<Page> {
    const opened = await browser.newPage({ viewport, ...(locale ? { locale } : {}) });
    opened.setDefaultTimeout(STEP_MS);
    await opened.addInitScript(installReaders);
    return opened;
  }
  return {
    base,
    red,
    browser,
    async deploy(flows) {
      const res = await fetch(`${base}/flows`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'Node-RED-Deployment-Type': 'full', 'Node-RED-API-Version': 'v1' },
        body: JSON.stringify(flows),
      });
      expect(res.status).toBe(204);
    },
    page,
    async editor(nodeId, viewport = { width: 1400, height: 1000 }, locale?: string) {
      const opened: Editor = { page: await page(viewport, locale), errors: [], failedRequests: [] };
      opened.page.on('pageerror', (e) => opened.errors.push(e.message));
      opened.page.on('response', (r) => {
        if (r.url().startsWith(`${base}/`) && r.status() >= 400) opened.failedRequests.push(`${r.status()} ${r.url()}`);
      });
      await opened.page.goto(base);
      await opened.page.waitForFunction((id) => (window as any).RED?.nodes?.node(id), nodeId);
      // the dialogs' fields and validators come from the runtime's schema (resources/izh-editor.js)
      await opened.page.waitForFunction(() => (window as any).IzhEditor?.loaded());
      return opened;
    },
    async close() {
      await browser?.close();
      await red?.stop();
      rmSync(userDir, { recursive: true, force: true });
    },
  };
}

export interface ChartData {
  title: string;
  /** the x axis range in force and where its ends are drawn (px from the chart's left) */
  axis: { min: number | string | null; max: number | string | null; px: [number, number] | null };
  series: Array<{ name: string; data: Array<[number | string, number]> }>;
}

/**
 * Installed in every page: `window.izhCharts()` gives every Dashboard 2 chart on the page with its
 * eCharts series data and x axis, read from the Vue components; `window.izhScopes()` what every
 * canvas scope drew (lib/flow/dashboard-code.ts). The tests read them, and wait on them in the
 * page (waitForFunction) for the data they expect.
 */
function installReaders(): void {
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
      const x = option.xAxis?.[0] ?? {};
      const finite = typeof x.min === 'number' && typeof x.max === 'number';
      return {
        title: chart.props?.label ?? '',
        axis: {
          min: x.min ?? null,
          max: x.max ?? null,
          px: finite ? [chart.chart.convertToPixel({ xAxisIndex: 0 }, x.min), chart.chart.convertToPixel({ xAxisIndex: 0 }, x.max)] : null,
        },
        series: (option.series ?? []).map((s: any) => ({ name: s.name, data: (s.data ?? []).map((d: any, i: number) => (Array.isArray(d) ? d : [x.data?.[i] ?? i, d?.value ?? d])) })),
      };
    });
  };
  (window as any).izhScopes = () => [...document.querySelectorAll('[data-izh-scope]')].map((el: any) => el.izhScope?.drawn() ?? null);
}

export const charts = (page: Page): Promise<ChartData[]> => page.evaluate(() => (window as any).izhCharts());

/** What a scope drew (lib/flow/dashboard-code.ts): its main panels, the ISI histogram and the phase plane. */
export interface ScopeDrawn {
  main: {
    /** t: the end of the latest chunk; until: of the latest spike and state chunks (messages arrive one by one) */
    /** runs: how many runs started while the page was open */
    runs: number; t0: number; t1: number; t: number; until: { spikes: number; state: number }; window: number; event: string;
    panels: Record<string, { kind: 'raster'; times: number[]; indices: number[] } | { kind: 'line'; yMin: number; yMax: number; series: Record<string, Array<[number, number]>> }>;
    layout: { left: number; right: number; width: number; height: number; panels: Record<string, { top: number; height: number }> };
  } | null;
  isi: { edges: number[]; labels: string[]; counts: number[] } | null;
  phase: { vRange: [number, number]; uRange: [number, number]; I: number; trajectory: Array<[number, number]>; vNullcline: Array<[number, number]>; uNullcline: Array<[number, number]> } | null;
}

export const scopes = (page: Page): Promise<ScopeDrawn[]> => page.evaluate(() => (window as any).izhScopes());
