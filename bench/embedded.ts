/**
 * What the benchmarks that run inside Node-RED share: a child process of their own (so its
 * event loop, heap and RSS are the benchmark's alone), a temp user dir, and the package loaded
 * through nodesDir, as Node-RED loads it for a user.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The package root (dist/bench/.. /..). */
export const ROOT = join(__dirname, '..', '..');

export type FlowJson = Array<Record<string, unknown>>;

/** Writes `flow` into a fresh user dir; returns the dir and a function that removes it. */
export function userDirWith(flow: FlowJson, prefix: string): { userDir: string; remove(): void } {
  const userDir = mkdtempSync(join(tmpdir(), prefix));
  writeFileSync(join(userDir, 'flows.json'), JSON.stringify(flow));
  return { userDir, remove: () => rmSync(userDir, { recursive: true, force: true }) };
}

/** Node-RED logging that counts warnings and errors instead of printing them. */
export function countingLogger(counts: { warn: number; error: number; last: string[] }): object {
  return {
    console: { level: 'off', metrics: false, audit: false },
    collector: {
      level: 'warn',
      metrics: false,
      audit: false,
      handler: () => (entry: { level: number; msg: unknown }) => {
        if (entry.level <= 20) counts.error++;
        else if (entry.level <= 30) counts.warn++;
        if (entry.level <= 30) {
          counts.last.push(String(entry.msg).slice(0, 300));
          if (counts.last.length > 20) counts.last.shift();
        }
      },
    },
  };
}

/**
 * Forks `script` (a compiled file of dist/bench) and resolves with the first message it sends
 * of type 'result'; rejects when it exits first or sends {type: 'error'}. stderr is passed on.
 */
export function runChild<T>(script: string, env: Record<string, string> = {}, execArgv: string[] = []): { child: ChildProcess; result: Promise<T> } {
  const child = fork(join(__dirname, script), [], { env: { ...process.env, ...env }, execArgv, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const result = new Promise<T>((resolve, reject) => {
    child.on('message', (message: { type: string; value?: T; error?: string }) => {
      if (message.type === 'result') resolve(message.value as T);
      if (message.type === 'error') reject(new Error(`${script}: ${message.error}`));
    });
    child.on('exit', (code, signal) => reject(new Error(`${script} exited (code ${code}, signal ${signal}) before its result`)));
  });
  return { child, result };
}

export const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
