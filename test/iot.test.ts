/**
 * The IoT example end to end: Node-RED runs the example (its simulated sensor disabled, its
 * actuator URL pointed at a test server on this machine), a browser shows its dashboard page, and
 * the test posts a rising series of sensor readings to the example's HTTP endpoint. Each reading
 * must be applied, the neuron must fire faster at each higher reading (measured from the spike
 * times in simulated ms that reach the actuator), every spike must reach the actuator once, and the
 * dashboard lamp must show them. Every wait is for the spikes or the page itself, bounded only by
 * the test's generous time limit.
 */
import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { iotFlow, IOT_PATHS } from '../lib/flow/dashboard-flows';
import { freePort, setUp, STEP_MS, TEST_MS, type Setup } from './support/browser';

interface Spike { t: number; neuron: number; rate: number; count: number; reading: number; current: number }

let s: Setup;
let actuator: Server;
let actuatorUrl: string;
const spikes: Spike[] = [];
let waiters: Array<() => void> = [];

/** Resolves once `holds()` is true: checked now and after every request the test actuator gets. */
function until(holds: () => boolean): Promise<void> {
  return new Promise((resolve) => {
    const check = () => {
      if (!holds()) return false;
      resolve();
      return true;
    };
    if (!check()) waiters.push(check);
  });
}

beforeAll(async () => {
  s = await setUp();
  const port = await freePort();
  actuatorUrl = `http://127.0.0.1:${port}/actuator`;
  actuator = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk) => (body += chunk));
    req.on('end', () => {
      spikes.push(JSON.parse(body));
      res.statusCode = 204;
      res.end();
      waiters = waiters.filter((check) => !check());
    });
  });
  await new Promise<void>((resolve) => actuator.listen(port, '127.0.0.1', resolve));
}, TEST_MS);

afterAll(async () => {
  await s?.close();
  await new Promise((resolve) => actuator?.close(resolve));
}, STEP_MS);

const post = (body: unknown) => fetch(`${s.base}${IOT_PATHS.sensor}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body) });

/** Spikes per second of simulated time from a level's spike times, leaving out the first two (they may straddle the change). */
function rateOf(level: Spike[]): number {
  const times = level.slice(2).map((x) => x.t);
  return (1000 * (times.length - 1)) / (times.at(-1)! - times[0]);
}

describe('the IoT example', () => {
  it('fires faster as a sensor posts rising readings; every spike reaches the actuator once, and the dashboard lamp', async () => {
    const flow = iotFlow().map((n) => {
      if (n.id === 'izh-iot-simulated-tick') return { ...n, d: true };
      if (n.type === 'tab') return { ...n, env: [{ name: 'ACTUATOR_URL', value: actuatorUrl, type: 'str' }] };
      return n;
    });
    await s.deploy(flow);
    const page = await s.page({ width: 1400, height: 700 });
    await page.goto(`${s.base}/dashboard/spiking-red-iot`);
    const lamp = page.locator('[data-izh-indicator]');
    await lamp.waitFor();

    // anything but a number is refused
    const bad = await post({ value: 'bright' });
    expect(bad.status).toBe(400);

    const readings = [20, 40, 60, 80];
    for (const reading of readings) {
      const res = await post({ value: reading });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ reading, current: reading * 0.2 });
      await until(() => spikes.filter((x) => x.reading === reading).length >= 7);
    }
    // requests travel on connections of their own, so they may arrive out of order: order by count
    const sent = [...spikes].sort((a, b) => a.count - b.count);
    const levels = readings.map((reading) => sent.filter((x) => x.reading === reading));
    const rates = levels.map(rateOf);
    // the rate rises with every reading (about 8, 20, 31, 42 Hz for I = 4, 8, 12, 16)
    for (let k = 1; k < rates.length; k++) expect(rates[k], `reading ${readings[k]}: ${rates}`).toBeGreaterThan(rates[k - 1]);
    expect(rates[0]).toBeGreaterThan(2);
    expect(rates.at(-1)).toBeLessThan(100);
    // so does the rate the flow sends with each spike (1000 / the interval before it)
    const flowRates = levels.map((level) => level.at(-1)!.rate);
    for (let k = 1; k < flowRates.length; k++) expect(flowRates[k]).toBeGreaterThan(flowRates[k - 1]);
    // every spike once: counts 1, 2, 3, ..., their times rising with the count
    expect(sent.map((x) => x.count)).toEqual(sent.map((_, k) => k + 1));
    expect(sent.every((x, k) => k === 0 || x.t > sent[k - 1].t)).toBe(true);
    expect(sent.every((x) => x.neuron === 0 && x.current === x.reading * 0.2)).toBe(true);

    // the lamp on the dashboard has seen them, with the latest reading and current
    const seen = spikes.length;
    await page.waitForFunction((n) => {
      const el = document.querySelector('[data-izh-indicator]')!;
      return Number(el.getAttribute('data-count')) >= n && el.getAttribute('data-reading') === '80' && el.getAttribute('data-current') === '16';
    }, seen);
    // and the scope beside it draws the input current stepping up and the spikes
    await page.waitForFunction(() => {
      const drawn = (window as any).izhScopes()[0]?.main;
      const I = drawn?.panels?.I?.series?.I ?? [];
      return drawn?.panels?.spikes?.times?.length > 0 && I.some(([, y]: [number, number]) => y === 16);
    });

    // the stand-in actuator of the example answers too
    const standIn = await fetch(`${s.base}${IOT_PATHS.actuator}`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(spikes[0]) });
    expect(standIn.status).toBe(204);
    await page.close();
  }, TEST_MS);
});
