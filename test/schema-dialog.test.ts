/**
 * The edit dialogs built from the schema, in a real browser (Node-RED started here on a free
 * port, Debian's Chromium through playwright-core, like test/network-dialog.test.ts):
 *  - every dialog loads the shared script from the package's resources and the schema from the
 *    runtime, without a page error;
 *  - every placeholder fits its box, in every choice of every dialog (a cut-off "blank: b·v0"
 *    was issue 12's item 10);
 *  - a node saved by release 0.1.0 opens as this release saves it (dt a typedInput of type
 *    number, the config version) and saves so;
 *  - a typed field takes an environment variable's name, and the validators flag a bad one;
 *  - labels and hints are the schema's texts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NETWORK_EXAMPLES } from '../lib/flow/network-examples';
import { CONFIG_VERSION, MESSAGES, PACKAGE_NAME } from '../lib/engine/schema';
import { closeDialog as close, openDialog as open, ROOT, setUp, STEP_MS, TEST_MS, type Editor, type Setup } from './support/browser';

const read = (path: string) => JSON.parse(readFileSync(join(ROOT, path), 'utf8')) as Array<Record<string, unknown>>;
/** Pattern A as release 0.1.0 saved it, a book cell (the 2007 form), and the network examples: every node type. */
const FLOWS = [
  ...read('test/fixtures/0.1.0/neuro-computational features (2004)/A tonic spiking.json'),
  ...read('flows/book cell types (2007)/FS fast spiking (L5 interneuron).json'),
  ...NETWORK_EXAMPLES.flatMap((e) => e.flow()),
];
const OURS = FLOWS.filter((n) => String(n.type).startsWith('izh-')).map((n) => n.id as string);
/** One node of each type, and a neuron of each form: every dialog as it can look. */
const SAMPLES = [...new Map(FLOWS.filter((n) => String(n.type).startsWith('izh-')).map((n) => [`${n.type} ${n.form ?? ''}`, n.id as string])).values()];

let s: Setup;
let editor: Editor;
let page: Page;

beforeAll(async () => {
  s = await setUp({}, FLOWS);
  editor = await s.editor(OURS[OURS.length - 1]);
  page = editor.page;
}, TEST_MS);

afterAll(async () => {
  await s?.close();
}, STEP_MS);

const openDialog = (id: string) => open(page, id);
const closeDialog = (button?: string) => close(page, button);

/** Every visible text input of the open dialog whose placeholder is wider than its box, with both widths. */
function overflowing(): Promise<string[]> {
  return page.evaluate(() => {
    const canvas = document.createElement('canvas').getContext('2d')!;
    const out: string[] = [];
    document.querySelectorAll<HTMLInputElement>('#dialog-form input[type="text"], #dialog-form input:not([type])').forEach((input) => {
      if (!input.placeholder || input.offsetParent === null) return;
      const style = getComputedStyle(input);
      canvas.font = style.font;
      const text = canvas.measureText(input.placeholder).width;
      const room = input.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
      if (text > room) out.push(`${input.id || input.className}: "${input.placeholder}" ${Math.ceil(text)} px in ${Math.floor(room)} px`);
    });
    return out;
  });
}

describe('the dialogs built from the schema', () => {
  it('load the shared script from the resources and the schema from the runtime', async () => {
    const loaded = await page.evaluate(() => ({
      scripts: [...document.querySelectorAll('script[src]')].map((s) => s.getAttribute('src')).filter((s) => s!.includes('izh-editor')),
      failure: (window as any).IzhEditor.failure(),
      version: (window as any).IzhEditor.version(),
    }));
    expect(loaded.scripts.length).toBeGreaterThan(0);
    for (const src of loaded.scripts) expect(src).toBe(`resources/${PACKAGE_NAME}/izh-editor.js`);
    expect(loaded).toMatchObject({ failure: null, version: CONFIG_VERSION });
    expect(editor.failedRequests.filter((r) => !r.includes('catalogue'))).toEqual([]);
    // every node of the flows passes its validators
    const invalid = await page.evaluate((ids) => ids.filter((id) => (window as any).RED.nodes.node(id).valid !== true), OURS);
    expect(invalid).toEqual([]);
  }, TEST_MS);

  it('fit every placeholder into its box, in every choice of every dialog', async () => {
    const problems: string[] = [];
    expect(SAMPLES.length).toBe(10);
    for (const id of SAMPLES) {
      await openDialog(id);
      problems.push(...(await overflowing()).map((p) => `${id}: ${p}`));
      // every option of every choice: the fields it shows and their placeholders
      const selects = await page.evaluate(() =>
        [...document.querySelectorAll<HTMLSelectElement>('#dialog-form select[id^="node-input-"]')].filter((s) => s.offsetParent !== null && s.id !== 'node-input-preset')
          .map((s) => ({ id: s.id, options: [...s.options].map((o) => o.value) })));
      for (const select of selects) {
        const original = await page.locator(`#${select.id}`).inputValue();
        for (const option of select.options) {
          // another choice may have hidden this one
          if (!(await page.locator(`#${select.id}`).isVisible())) continue;
          await page.selectOption(`#${select.id}`, option);
          problems.push(...(await overflowing()).map((p) => `${id} (${select.id} = ${option}): ${p}`));
        }
        if (await page.locator(`#${select.id}`).isVisible()) await page.selectOption(`#${select.id}`, original);
      }
      await closeDialog();
    }
    expect(problems).toEqual([]);
  }, TEST_MS);

  it('open a node of release 0.1.0 as this release saves it, and save it so', async () => {
    const before = await page.evaluate(() => {
      const n = (window as any).RED.nodes.node('izh-a-clock');
      return { dt: n.dt, dtType: n.dtType, version: n.version };
    });
    expect(before).toEqual({ dt: 0.25, dtType: undefined, version: undefined });
    await openDialog('izh-a-clock');
    expect(await page.evaluate(() => (window as any).$('#node-input-dt').typedInput('type'))).toBe('num');
    expect(await page.evaluate(() => (window as any).$('#node-input-dt').typedInput('value'))).toBe('0.25');
    expect(await page.evaluate(() => (window as any).$('#node-input-duration').typedInput('type'))).toBe('num');
    await closeDialog('#node-dialog-ok');
    const after = await page.evaluate(() => {
      const n = (window as any).RED.nodes.node('izh-a-clock');
      return { dt: Number(n.dt), dtType: n.dtType, durationType: n.durationType, speedType: n.speedType, version: n.version, valid: n.valid, changed: n.changed };
    });
    expect(after).toEqual({ dt: 0.25, dtType: 'num', durationType: 'num', speedType: 'num', version: CONFIG_VERSION, valid: true, changed: true });
  }, TEST_MS);

  it('take the name of an environment variable in a typed field', async () => {
    await openDialog('izh-a-source1');
    const flaggedWith = async (type: string, value: string) => {
      await page.evaluate(([t, v]) => {
        const el = (window as any).$('#node-input-amplitude');
        el.typedInput('type', t);
        el.typedInput('value', v);
        el.trigger('change');
      }, [type, value]);
      return page.evaluate(() => (window as any).$('#node-input-amplitude').hasClass('input-error'));
    };
    expect(await flaggedWith('env', 'IZH_AMPLITUDE')).toBe(false);
    expect(await flaggedWith('env', 'not a name')).toBe(true);
    expect(await flaggedWith('num', '14')).toBe(false);
    expect(await flaggedWith('num', 'fourteen')).toBe(true);
    await flaggedWith('env', 'IZH_AMPLITUDE');
    await closeDialog('#node-dialog-ok');
    expect(await page.evaluate(() => {
      const n = (window as any).RED.nodes.node('izh-a-source1');
      return [n.amplitude, n.amplitudeType, n.version, (n._def.label as () => string).call({ ...n, name: '' })];
    })).toEqual(['IZH_AMPLITUDE', 'env', CONFIG_VERSION, 'step to $IZH_AMPLITUDE']);
  }, TEST_MS);

  it("show the schema's labels and hints", async () => {
    await openDialog('izh-a-source1');
    expect(await page.locator('#izh-source-kind-hint').innerText()).toBe(MESSAGES['izh-source.hint.kind.step']);
    expect(await page.locator('label[for="node-input-amplitude"]').innerText()).toContain(MESSAGES['izh-source.label.amplitude']);
    await page.selectOption('#node-input-kind', 'noise');
    expect(await page.locator('#izh-source-kind-hint').innerText()).toBe(MESSAGES['izh-source.hint.kind.noise']);
    expect(await page.locator('.izh-source-row-amplitude').isVisible()).toBe(false);
    expect(await page.locator('#node-input-std').getAttribute('placeholder')).toBe('required');
    await closeDialog();
    expect(editor.errors).toEqual([]);
  }, TEST_MS);
});
