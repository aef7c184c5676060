/**
 * npm run soak [-- --minutes N]: a long real-time run through the embedded Node-RED runtime, to
 * show that memory stays flat. A clock at speed 1 with no duration drives 1000 noisy neurons; a
 * live spike monitor, a live state monitor of three neurons and the neuron's spike events (one
 * message per chunk) feed ordinary Node-RED function nodes. Every minute it prints
 *   SOAK minute=<m> heapUsedMB=<x> rssMB=<y> externalMB=<z> simulatedS=<s> messages=<n>
 * (heap measured after a full garbage collection when run with --expose-gc, as the npm script
 * does) and at the end one verdict line
 *   SOAK verdict=PASS|FAIL heapGrowthMB=<x> rssGrowthMB=<y> realTimeRatio=<r> errors=<n>
 * PASS: heap and external memory grew by less than 20 MB from the end of minute 1 to the end,
 * simulated time kept up with the wall clock (ratio at least 0.9), and nothing was logged as an
 * error. Exit code 0 on PASS, 1 on FAIL. Not part of npm test.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
const MB = 1024 * 1024;
const GROWTH_LIMIT_MB = 20;

function minutesFromArgs(argv: string[]): number {
  const i = argv.indexOf('--minutes');
  if (i < 0) return 10;
  const minutes = Number(argv[i + 1]);
  if (!Number.isFinite(minutes) || minutes <= 0) {
    process.stderr.write(`soak: --minutes must be a positive number (got ${argv[i + 1]})\n`);
    process.exit(2);
  }
  return minutes;
}

/** The soak flow: one tab, a real-time clock with no end, 1000 neurons, live monitors, sinks. */
function soakFlow(): object[] {
  const at = (x: number, y: number) => ({ x, y, z: 'soak' });
  const sink = (id: string, name: string) => ({
    id, type: 'function', name, ...at(700, 100), wires: [],
    func: "context.set('n', (context.get('n') || 0) + 1);\nreturn null;", outputs: 0, noerr: 0, initialize: '', finalize: '', libs: [],
  });
  return [
    { id: 'soak', type: 'tab', label: 'soak' },
    { id: 'clock', type: 'izh-clock', name: 'clock', dt: 0.25, duration: '', mode: 'realtime', speed: 1, interval: 50, startOnDeploy: false, ...at(100, 100), wires: [['noise'], ['events']] },
    { id: 'noise', type: 'izh-source', name: 'noise', kind: 'noise', mean: 4, std: 6, seed: 7, ...at(250, 100), wires: [['cells']] },
    {
      id: 'cells', type: 'izh-neuron', name: 'cells', form: '2003', size: 1000, scheme: 'izhikevich', spikeEvents: 'chunk',
      params: { a: 0.02, b: 0.2, c: -65, d: 8, v0: -70 }, ...at(400, 100), wires: [['raster', 'trace'], ['spikeEvents']],
    },
    { id: 'raster', type: 'izh-spike-monitor', name: 'raster', live: true, ...at(550, 60), wires: [['rasterSink']] },
    { id: 'trace', type: 'izh-state-monitor', name: 'trace', variables: 'v,I', indices: '0, 1, 2', every: 1, live: true, ...at(550, 140), wires: [['traceSink']] },
    sink('rasterSink', 'raster sink'),
    sink('traceSink', 'trace sink'),
    sink('spikeEvents', 'spike events sink'),
    sink('events', 'run events sink'),
  ];
}

interface Sample {
  minute: number;
  heapUsed: number;
  rss: number;
  external: number;
  simulatedMs: number;
  wallMs: number;
}

async function main(): Promise<void> {
  const minutes = minutesFromArgs(process.argv.slice(2));
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) process.stderr.write('soak: no --expose-gc, so heap figures include garbage not yet collected\n');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red');
  const userDir = mkdtempSync(join(tmpdir(), 'izh-soak-'));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(soakFlow()));
  const errors: string[] = [];
  RED.init({
    userDir,
    flowFile: 'flows.json',
    nodesDir: [ROOT],
    httpAdminRoot: false,
    httpNodeRoot: false,
    credentialSecret: false,
    logging: {
      console: { level: 'error', metrics: false, audit: false },
      collector: {
        level: 'error',
        metrics: false,
        audit: false,
        handler: () => (entry: { level: number; msg: unknown }) => {
          if (entry.level <= 20) errors.push(String(entry.msg));
        },
      },
    },
  });
  let messages = 0;
  RED.hooks.add('onReceive.soak', (event: { destination: { id: string } }) => {
    if (event.destination.id.endsWith('Sink') || event.destination.id === 'spikeEvents') messages++;
  });
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  await RED.start();
  await started;
  const clock = RED.nodes.getNode('clock');
  let simulatedMs = 0;
  clock.on('izh-run', (event: { t: number }) => (simulatedMs = event.t));
  // the simulated time reached, from the live trace's chunks
  RED.hooks.add('onSend.soak', (events: Array<{ source: { id: string }; msg: { t?: number } }>) => {
    for (const e of events) if (e.source.id === 'trace' && typeof e.msg.t === 'number') simulatedMs = e.msg.t;
  });

  const began = performance.now();
  clock.receive({ payload: 'start' });
  const samples: Sample[] = [];
  const measure = (minute: number): Sample => {
    gc?.();
    gc?.();
    const m = process.memoryUsage();
    const sample = { minute, heapUsed: m.heapUsed, rss: m.rss, external: m.external, simulatedMs, wallMs: performance.now() - began };
    process.stdout.write(
      `SOAK minute=${Number(minute.toFixed(2))} heapUsedMB=${(m.heapUsed / MB).toFixed(1)} rssMB=${(m.rss / MB).toFixed(1)} ` +
        `externalMB=${(m.external / MB).toFixed(1)} simulatedS=${(simulatedMs / 1000).toFixed(1)} messages=${messages}\n`,
    );
    return sample;
  };
  const total = minutes * 60_000;
  for (let minute = 1; minute * 60_000 <= total; minute++) {
    await new Promise((resolve) => setTimeout(resolve, began + minute * 60_000 - performance.now()));
    samples.push(measure(minute));
  }
  if (samples.length === 0 || samples[samples.length - 1].minute * 60_000 < total) {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, began + total - performance.now())));
    samples.push(measure(total / 60_000));
  }

  const stopped = new Promise<void>((resolve) => clock.on('izh-run', (event: { event: string }) => event.event === 'stopped' && resolve()));
  clock.receive({ payload: 'stop' });
  await stopped;
  await RED.stop();
  rmSync(userDir, { recursive: true, force: true });

  const first = samples[0];
  const last = samples[samples.length - 1];
  const heapGrowth = (last.heapUsed + last.external - first.heapUsed - first.external) / MB;
  const rssGrowth = (last.rss - first.rss) / MB;
  const ratio = last.simulatedMs / last.wallMs;
  const pass = (samples.length < 2 || heapGrowth < GROWTH_LIMIT_MB) && ratio >= 0.9 && errors.length === 0;
  for (const e of errors.slice(0, 5)) process.stderr.write(`soak: logged error: ${e}\n`);
  process.stdout.write(
    `SOAK verdict=${pass ? 'PASS' : 'FAIL'} heapGrowthMB=${heapGrowth.toFixed(2)} rssGrowthMB=${rssGrowth.toFixed(1)} ` +
      `realTimeRatio=${ratio.toFixed(3)} errors=${errors.length} minutes=${minutes}\n`,
  );
  process.exit(pass ? 0 : 1);
}

main().catch((e) => {
  process.stderr.write(`soak failed: ${e instanceof Error ? e.stack : String(e)}\n`);
  process.exit(1);
});
