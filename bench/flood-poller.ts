/**
 * The admin-API poller of the flood benchmark (bench/flood.ts), in a process of its own so that
 * the latencies it measures are Node-RED's and not the flood's: the process that sends 50
 * requests at a time would answer late itself. Every 50 ms it sends GET /admin/flows to
 * 127.0.0.1:IZH_FLOOD_PORT on a fresh connection and times the answer. On {type: 'stop'} it
 * waits for the polls in flight and sends {type: 'result', value: PollerResult}.
 */
import { Agent, request } from 'node:http';

export interface PollerResult {
  /** ms from sending each poll to the end of its answer; a poll with no 200 counts as TIMEOUT_MS */
  latencies: number[];
  /** polls that got no 200, by status or error code */
  failures: Record<string, number>;
}

const TIMEOUT_MS = 120_000;
const EVERY_MS = 50;

function poll(agent: Agent, port: number): Promise<{ status: number | string; ms: number }> {
  const began = performance.now();
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, method: 'GET', path: '/admin/flows', agent, headers: { 'Node-RED-API-Version': 'v1' } }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - began }));
      res.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: performance.now() - began }));
    });
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error('timeout')));
    req.on('error', (e: NodeJS.ErrnoException) => resolve({ status: e.code ?? e.message, ms: performance.now() - began }));
    req.end();
  });
}

function main(): void {
  const port = Number(process.env.IZH_FLOOD_PORT);
  if (!Number.isInteger(port) || port <= 0) throw new Error(`IZH_FLOOD_PORT must be a port (got ${process.env.IZH_FLOOD_PORT})`);
  // a connection per poll, so a poll never meets a kept-alive socket the server just closed
  const agent = new Agent({ keepAlive: false });
  const result: PollerResult = { latencies: [], failures: {} };
  const inFlight: Array<Promise<void>> = [];
  const timer = setInterval(() => {
    inFlight.push(
      poll(agent, port).then(({ status, ms }) => {
        result.latencies.push(status === 200 ? ms : Math.max(ms, TIMEOUT_MS));
        if (status !== 200) result.failures[status] = (result.failures[status] ?? 0) + 1;
      }),
    );
  }, EVERY_MS);
  process.on('message', (message: { type: string }) => {
    if (message.type !== 'stop') return;
    clearInterval(timer);
    void Promise.all(inFlight).then(() => {
      process.send!({ type: 'result', value: result }, () => process.exit(0));
    });
  });
  process.send!({ type: 'ready' });
}

try {
  main();
} catch (e) {
  process.send?.({ type: 'error', error: e instanceof Error ? e.stack : String(e) });
  process.exit(1);
}
