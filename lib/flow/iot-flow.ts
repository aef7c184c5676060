/**
 * The IoT example: live readings from ordinary Node-RED nodes drive a neuron in real time, and
 * its spikes drive outputs.
 *
 *   POST /spiking-red/sensor {"value": 42}  ─┐
 *   simulated sensor (inject, every second) ─┴─> reading to current ─> current source ─> neuron
 *   neuron's spike events ─> spike to outputs ─┬─> dashboard indicator (a lamp that flashes per spike)
 *                                              └─> http request POST /spiking-red/actuator (a stand-in device in the same flow)
 *
 * The clock runs in real time from deploy until stopped; a reading changes the input current
 * from the next step (I = 0.2 × reading, readings 0 to 100), so the firing rate follows the sensor.
 */
import { NODE_TYPES, type FlowNode } from './compiler';
import { DEFAULT_INTERVAL } from '../engine/simulation';
import { asSaved, SOURCE_DEFAULTS } from './examples';
import { scopeTemplate } from './dashboard-code';
import { comment, dashboardConfig, functionNode, template, type At } from './dashboard-widgets';

/** HTTP paths of the IoT example (under Node-RED's httpNodeRoot) and its dashboard page (/dashboard/spiking-red-iot). */
export const IOT_PATHS = { sensor: '/spiking-red/sensor', actuator: '/spiking-red/actuator', page: 'iot' } as const;

/** Input current per unit of the reading. */
const GAIN = 0.2;

const READING_JS = `// A reading (a number, or {"value": <number>}) from 0 to 100 becomes the neuron's input current,
// I = ${GAIN} × reading, from the next step of the running simulation. A reading that came over HTTP
// is answered with what was applied (400 for anything but a number).
// Outputs: the current source, the HTTP response, the dashboard.
const raw = msg.payload !== null && typeof msg.payload === 'object' ? msg.payload.value : msg.payload;
const reading = typeof raw === 'string' && raw.trim() !== '' ? Number(raw) : raw;
if (typeof reading !== 'number' || !Number.isFinite(reading)) {
  if (!msg.res) return null;
  msg.statusCode = 400;
  msg.payload = { error: 'send a number from 0 to 100, or {"value": <number>}' };
  return [null, msg, null];
}
const value = Math.min(100, Math.max(0, reading));
const current = Math.round(value * ${GAIN} * 1e6) / 1e6;
flow.set('reading', value);
flow.set('current', current);
const source = msg.res ? 'http' : 'simulated';
let reply = null;
if (msg.res) {
  msg.statusCode = 200;
  msg.payload = { reading: value, current };
  reply = msg;
}
return [{ payload: current }, reply, { payload: { reading: value, current, source } }];`;

const SIMULATED_JS = `// A stand-in for a sensor: a slow wave between 10 and 90 over a minute, one reading a second.
// Disable this node (or delete it) when a real sensor posts to ${IOT_PATHS.sensor}.
const k = (context.get('k') ?? 0) + 1;
context.set('k', k);
return { payload: Math.round(50 - 40 * Math.cos(2 * Math.PI * k / 60)) };`;

const SPIKE_JS = `// Each spike event {t, neuron} of the neuron (t in simulated ms): its rate (1000 / the interval since
// the spike before, in simulated time), the reading and current in force, and a running count,
// to the dashboard indicator and, as JSON, to the actuator.
const last = context.get('last');
const t = msg.payload.t;
const rate = last === undefined || t <= last ? 0 : 1000 / (t - last);
const count = (context.get('count') ?? 0) + 1;
context.set('last', t);
context.set('count', count);
const spike = { t, neuron: msg.payload.neuron, rate: Math.round(rate * 100) / 100, count, reading: flow.get('reading') ?? 0, current: flow.get('current') ?? 0 };
return [{ payload: spike }, { payload: spike, headers: { 'content-type': 'application/json' } }];`;

const ACTUATOR_JS = `// A stand-in for a device that acts on each spike (a relay, a buzzer, ...): it counts the
// requests and shows the latest. Point the http request node at your device instead.
const count = (context.get('count') ?? 0) + 1;
context.set('count', count);
node.status({ fill: 'green', shape: 'dot', text: count + ' spikes, latest at ' + msg.payload.t + ' ms' });
msg.statusCode = 204;
msg.payload = '';
return msg;`;

/** The dashboard lamp: lights for a moment on every spike, and shows the count, rate, reading and current. */
function indicatorTemplate(): string {
  return `<template>
  <div ref="root" class="izh-indicator" data-izh-indicator="1" :data-count="count" :data-rate="rate" :data-reading="reading" :data-current="current">
    <div class="izh-lamp" :class="{ 'izh-lamp-on': lit }"></div>
    <div class="izh-indicator-text">
      <div><b>{{ count }}</b> spikes sent to the actuator</div>
      <div>rate {{ rate }} Hz (1000 / last interval)</div>
      <div>sensor reading {{ reading }}, input current I = {{ current }} ({{ source }})</div>
    </div>
  </div>
</template>
<script>
export default {
  data() {
    return { lit: false, count: 0, rate: 0, reading: '-', current: '-', source: 'no reading yet' };
  },
  mounted() {
    const vm = this;
    let timer = null;
    this.$socket.on('msg-input:' + this.id, function (msg) {
      const p = msg && msg.payload;
      if (!p || typeof p !== 'object') return;
      if (typeof p.count === 'number') {
        vm.count = p.count;
        vm.rate = p.rate;
        vm.lit = true;
        if (timer) clearTimeout(timer);
        timer = setTimeout(function () { vm.lit = false; }, 80);
      }
      if (typeof p.reading === 'number') {
        vm.reading = p.reading;
        vm.current = p.current;
        if (p.source) vm.source = p.source;
      }
    });
  }
}
</script>
<style>
.izh-indicator { display: flex; align-items: center; gap: 16px; }
.izh-lamp { width: 44px; height: 44px; border-radius: 50%; background: #5a2d0c; border: 3px solid #cccccc; flex: 0 0 44px; }
.izh-lamp.izh-lamp-on { background: #ffcc33; box-shadow: 0 0 18px #ffcc33; }
.izh-indicator-text { font-size: 14px; color: #444444; line-height: 1.6; }
</style>
`;
}

export function iotFlow(): FlowNode[] {
  return asSaved(buildIotFlow());
}

function buildIotFlow(): FlowNode[] {
  const z = 'izh-iot-tab';
  const at = (x: number, y: number): At => ({ z, x, y });
  const id = (part: string) => `izh-iot-${part}`;
  const page = id('page');
  const group = id('group');
  const scope = id('scope');
  const indicator = id('indicator');
  return [
    {
      id: z, type: 'tab', label: 'sensor drives a neuron (IoT)', disabled: false,
      info: 'A sensor reading drives a neuron in real time; its spikes light a dashboard lamp and call an actuator over HTTP. The environment variable ACTUATOR_URL of this flow (its properties) says where the spikes go.',
      env: [{ name: 'ACTUATOR_URL', value: `http://127.0.0.1:1880${IOT_PATHS.actuator}`, type: 'str' }],
    },
    ...dashboardConfig({ base: id('base'), theme: id('theme'), name: 'Spiking-RED' },
      [{ id: page, name: 'Sensor to neuron', path: IOT_PATHS.page, order: 5, icon: 'access-point' }],
      [
        { id: group, name: 'Sensor → neuron → actuator', page, width: 4, order: 1 },
        { id: id('group-scope'), name: 'Input current, spikes and rate (real time)', page, width: 8, order: 2 },
      ]),
    comment(id('comment'), 'A sensor drives a neuron, its spikes drive an actuator: deploy, open /dashboard', [
      '**A sensor drives a neuron; its spikes drive outputs.** The clock runs in real time from deploy.',
      '',
      `- Readings (0 to 100) come from \`POST ${IOT_PATHS.sensor}\` with a number or \`{"value": 42}\` as the body (e.g. \`curl -X POST -H 'Content-Type: application/json' -d '{"value": 70}' http://127.0.0.1:1880${IOT_PATHS.sensor}\`), or from the simulated sensor (an inject every second: a slow wave over a minute; disable it when a real sensor posts). Any other node works too: MQTT in, a serial port, a websocket.`,
      `- "reading to current" makes it the neuron's input, I = ${GAIN} × reading, from the next step: the firing rate follows the reading.`,
      '- Each spike event of the neuron (its second output, one message per spike) flashes the lamp on the dashboard page (/dashboard/spiking-red-iot) and is sent as JSON to an actuator with an http request node; here the actuator is a stand-in in the same flow (`POST /spiking-red/actuator`, counting what it gets). The request goes to ACTUATOR_URL, an environment variable of this flow (in its properties; http://127.0.0.1:1880/spiking-red/actuator: change the port if your Node-RED listens on another one): point it at your device, or swap the http request for an MQTT out node.',
      '',
      'The flow brings its own ui-base (/dashboard); imported into a Node-RED that already has a Dashboard 2, the editor keeps the dashboard there and this page joins it.',
    ].join('\n'), at(330, 40)),
    { id: id('sensor-in'), type: 'http in', z, name: `POST ${IOT_PATHS.sensor}`, url: IOT_PATHS.sensor, method: 'post', upload: false, swaggerDoc: '', x: 170, y: 120, wires: [[id('reading')]] },
    {
      id: id('simulated-tick'), type: 'inject', z, name: 'every second', props: [{ p: 'payload' }], repeat: '1', crontab: '', once: true, onceDelay: 1,
      topic: '', payload: '', payloadType: 'date', x: 150, y: 180, wires: [[id('simulated')]],
    },
    functionNode(id('simulated'), 'simulated sensor', SIMULATED_JS, 1, at(330, 180), [[id('reading')]]),
    functionNode(id('reading'), 'reading to current', READING_JS, 3, at(540, 140), [[id('source')], [id('sensor-reply')], [indicator]]),
    { id: id('sensor-reply'), type: 'http response', z, name: 'reading applied', statusCode: '', headers: {}, x: 790, y: 100, wires: [] },
    {
      id: id('clock'), type: NODE_TYPES.clock, z, name: 'real time from deploy', dt: 0.25, duration: '', mode: 'realtime', speed: 1, interval: DEFAULT_INTERVAL,
      startOnDeploy: true, seed: 1, x: 560, y: 240, wires: [[id('source')], [scope]],
    },
    { id: id('source'), type: NODE_TYPES.source, z, name: 'sensor current', ...SOURCE_DEFAULTS, kind: 'constant', amplitude: 0, x: 790, y: 200, wires: [[id('neuron')]] },
    {
      id: id('neuron'), type: NODE_TYPES.neuron, z, name: 'tonic spiking', preset: '', form: '2003', size: 1, scheme: 'izhikevich', spikeEvents: 'each', seed: '',
      params: { a: 0.02, b: 0.2, c: -65, d: 6, v0: -70 }, x: 990, y: 200, wires: [[id('input'), id('spikes'), id('rate')], [id('spike')]],
    },
    { id: id('input'), type: NODE_TYPES.stateMonitor, z, name: 'input', variables: 'I', indices: '0', every: 40, maxValues: 8000000, window: '', live: true, format: 'arrays', chartPoints: 500, x: 1210, y: 140, wires: [[scope]] },
    { id: id('spikes'), type: NODE_TYPES.spikeMonitor, z, name: 'spikes', live: true, format: 'arrays', chartPoints: 500, window: '', x: 1210, y: 180, wires: [[scope]] },
    { id: id('rate'), type: NODE_TYPES.rateMonitor, z, name: 'rate', bin: 50, smoothing: 1000, window: '', live: true, format: 'arrays', chartPoints: 500, x: 1210, y: 220, wires: [[scope]] },
    functionNode(id('spike'), 'spike to outputs', SPIKE_JS, 2, at(1210, 300), [[indicator], [id('actuator-call')]]),
    {
      id: id('actuator-call'), type: 'http request', z, name: 'POST the spike to the actuator', method: 'POST', ret: 'txt', paytoqs: 'ignore',
      url: '${ACTUATOR_URL}', tls: '', persist: false, proxy: '', insecureHTTPParser: false, authType: '', senderr: false, headers: [],
      x: 1470, y: 320, wires: [[]],
    },
    { id: id('actuator-in'), type: 'http in', z, name: `POST ${IOT_PATHS.actuator}`, url: IOT_PATHS.actuator, method: 'post', upload: false, swaggerDoc: '', x: 190, y: 380, wires: [[id('actuator')]] },
    functionNode(id('actuator'), 'actuator (stand-in for a device)', ACTUATOR_JS, 1, at(470, 380), [[id('actuator-reply')]]),
    { id: id('actuator-reply'), type: 'http response', z, name: 'done', statusCode: '', headers: {}, x: 700, y: 380, wires: [] },
    template(indicator, 'spike lamp', indicatorTemplate(), { group, order: 1, width: 4 }, at(1470, 260)),
    template(scope, 'input, spikes, rate', scopeTemplate({
      title: 'Sensor-driven neuron', window: 10_000, neurons: 1,
      panels: [
        { id: 'I', label: 'input current I (from the sensor)', kind: 'line', height: 110, lines: ['I'] },
        { id: 'spikes', label: 'spikes', kind: 'raster', height: 48 },
        { id: 'rate', label: 'firing rate (Hz, running mean over 1 s)', kind: 'line', height: 110, lines: ['rates'], yMin: 0 },
      ],
    }), { group: id('group-scope'), order: 1, width: 8 }, at(1470, 180)),
  ];
}
