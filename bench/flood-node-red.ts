/**
 * The Node-RED process of the flood benchmark (bench/flood.ts): an embedded runtime with its
 * admin API under /admin and its http-in nodes under /api, on a free port of 127.0.0.1 only,
 * running the flow in IZH_FLOOD_USER_DIR with the package loaded through nodesDir and the
 * default memory budget. It sends {type: 'ready', port} once the flows have started, and
 * answers {type: 'report'} with what it logged and its largest event-loop delay.
 */
import { createServer, type Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { countingLogger, ROOT } from './embedded';

export interface FloodChildReport {
  warnings: number;
  errors: number;
  lastLogged: string[];
  eventLoopMaxMs: number;
  heapUsedMB: number;
  /** the largest heap (JS objects) and external (typed arrays, buffers) memory seen during the flood, sampled every 50 ms */
  heapPeakMB: number;
  externalPeakMB: number;
}

async function main(): Promise<void> {
  const userDir = process.env.IZH_FLOOD_USER_DIR;
  if (!userDir) throw new Error('IZH_FLOOD_USER_DIR is not set');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const express = require('express');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const RED = require('node-red');
  const app = express();
  const server: Server = createServer(app);
  const log = { warn: 0, error: 0, last: [] as string[] };
  RED.init(server, {
    userDir,
    flowFile: 'flows.json',
    nodesDir: [ROOT],
    uiHost: '127.0.0.1',
    httpAdminRoot: '/admin',
    httpNodeRoot: '/api',
    credentialSecret: false,
    logging: countingLogger(log),
  });
  app.use('/admin', RED.httpAdmin);
  app.use('/api', RED.httpNode);
  const histogram = monitorEventLoopDelay({ resolution: 1 });
  const started = new Promise<void>((resolve) => RED.events.once('flows:started', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  await RED.start();
  await started;
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('the server has no port');
  const MB = 1024 * 1024;
  let heapPeak = 0;
  let externalPeak = 0;
  let sampler: ReturnType<typeof setInterval> | null = null;
  process.on('message', (message: { type: string }) => {
    if (message.type === 'measure') {
      histogram.reset();
      histogram.enable();
      sampler = setInterval(() => {
        const m = process.memoryUsage();
        heapPeak = Math.max(heapPeak, m.heapUsed / MB);
        externalPeak = Math.max(externalPeak, m.external / MB);
      }, 50);
    }
    if (message.type === 'exit') process.exit(0);
    if (message.type === 'report') {
      const report: FloodChildReport = {
        warnings: log.warn,
        errors: log.error,
        lastLogged: log.last,
        eventLoopMaxMs: histogram.max / 1e6,
        heapUsedMB: process.memoryUsage().heapUsed / MB,
        heapPeakMB: heapPeak,
        externalPeakMB: externalPeak,
      };
      if (sampler) clearInterval(sampler);
      process.send!({ type: 'report', value: report });
    }
  });
  process.send!({ type: 'ready', port: address.port });
}

main().catch((e) => {
  process.send?.({ type: 'error', error: e instanceof Error ? e.stack : String(e) });
  process.exit(1);
});
