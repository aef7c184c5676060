/**
 * Node-RED as a child process for the browser tests: started with a user directory and settings
 * file, it is ready when it says so ("Server now running at http://…/", in its language: the line
 * with the address it listens on), and stopped when it has
 * exited. Both are waits for the events themselves, never for a fixed time.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** The log line saying Node-RED listens, in any language: an info line with its http address and port. */
const LISTENING = /\[info\] .*https?:\/\/[^\s/]+:\d+\//;

export interface NodeRedProcess {
  process: ChildProcess;
  /** everything it printed so far */
  log(): string;
  /** resolves with the log as soon as what it printed matches `pattern` */
  printed(pattern: RegExp): Promise<string>;
  /** sends SIGINT and resolves once it has exited */
  stop(): Promise<void>;
}

/** A TCP port on 127.0.0.1 that nothing listens on right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Starts node-red/red.js on `userDir` (with its settings.js; `env`: its environment) and resolves once it listens. */
export async function startNodeRed(userDir: string, env: NodeJS.ProcessEnv = process.env): Promise<NodeRedProcess> {
  const child = spawn(process.execPath, [require.resolve('node-red/red.js'), '--userDir', userDir, '--settings', join(userDir, 'settings.js')], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const running = new Promise<void>((resolve, reject) => {
    const onData = (data: Buffer) => {
      log += data;
      if (LISTENING.test(log)) resolve();
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.once('exit', (code, signal) => reject(new Error(`Node-RED exited (${signal ?? `code ${code}`}) before it was running:\n${log}`)));
    child.once('error', reject);
  });
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGINT');
    await exited;
  };
  try {
    await running;
  } catch (e) {
    await stop();
    throw e;
  }
  const printed = (pattern: RegExp) =>
    new Promise<string>((resolve) => {
      const look = () => {
        if (!pattern.test(log)) return;
        child.stdout!.off('data', look);
        child.stderr!.off('data', look);
        resolve(log);
      };
      // registered after the collecting listener, so `log` already holds the new data
      child.stdout!.on('data', look);
      child.stderr!.on('data', look);
      look();
    });
  return { process: child, log: () => log, stop, printed };
}
