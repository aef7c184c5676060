/**
 * The neuron's edit dialog in a real browser (Node-RED started here on a free port, Debian's
 * Chromium through playwright-core, like test/browser.test.ts): the scheme shown follows the
 * form's default (2003: izhikevich, 2007: the book's euler) for a neuron without a scheme, and
 * picking a preset sets the scheme it was published with.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeDialog, openDialog, setUp, STEP_MS, TEST_MS, type Setup } from './support/browser';

const neuron = (id: string, fields: Record<string, unknown>, y: number) => ({
  id, type: 'izh-neuron', z: 'tab', name: id, preset: 'custom', size: 1, spikeEvents: 'off', x: 300, y, wires: [[], []], ...fields,
});
const FLOWS = [
  { id: 'tab', type: 'tab', label: 'dialog' },
  // saved without a scheme: the dialog shows the form's default
  neuron('blank2007', { form: '2007', scheme: '', params: { C: 20, k: 1, vr: -55, vt: -40, vpeak: 25, a: 0.2, b: 0.025, c: -45, d: 0, vb: -55 } }, 100),
  neuron('blank2003', { form: '2003', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 } }, 160),
  neuron('rk4', { form: '2003', scheme: 'rk4', params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 } }, 220),
];

let s: Setup;

beforeAll(async () => {
  s = await setUp({}, FLOWS);
}, TEST_MS);

afterAll(async () => {
  await s?.close();
}, STEP_MS);

/** Opens the edit dialog of node `id` and waits until the preset list has arrived from the runtime. */
async function openNeuron(page: Page, id: string): Promise<void> {
  await openDialog(page, id);
  await page.waitForSelector('#node-input-preset option[value="book FS"]', { state: 'attached' });
}
const value = (page: Page, field: string) => page.locator(`#node-input-${field}`).inputValue();

describe('the neuron dialog', () => {
  it('shows each form\'s default scheme and sets a preset\'s scheme', async () => {
    const { page, errors } = await s.editor('blank2007', { width: 1400, height: 900 });

    await openNeuron(page, 'blank2007');
    expect(await value(page, 'scheme')).toBe('euler');
    await closeDialog(page);

    await openNeuron(page, 'blank2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    // a book preset: the 2007 form and the book's scheme
    await page.selectOption('#node-input-preset', 'book FS');
    expect(await value(page, 'form')).toBe('2007');
    expect(await value(page, 'scheme')).toBe('euler');
    expect(await page.locator('#izh-neuron-preset-hint').innerText()).toContain('published with the euler scheme, dt 0.25 ms');
    // a 2004 pattern: back to the published 2003/2004 scheme
    await page.selectOption('#node-input-preset', 'A');
    expect(await value(page, 'form')).toBe('2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    // switching the form by hand moves a default scheme along
    await page.selectOption('#node-input-form', '2007');
    expect(await value(page, 'scheme')).toBe('euler');
    await page.selectOption('#node-input-form', '2003');
    expect(await value(page, 'scheme')).toBe('izhikevich');
    await closeDialog(page);

    // a scheme chosen on purpose stays when the form changes
    await openNeuron(page, 'rk4');
    expect(await value(page, 'scheme')).toBe('rk4');
    await page.selectOption('#node-input-form', '2007');
    expect(await value(page, 'scheme')).toBe('rk4');
    await closeDialog(page);
    expect(errors).toEqual([]);
    await page.close();
  }, TEST_MS);
});
