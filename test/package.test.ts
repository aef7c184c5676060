/**
 * The package as users get it: `npm pack`, then installed into a fresh Node-RED user directory
 * the two ways the README gives, and loaded by a Node-RED started on that directory alone (no
 * nodesDir pointing back here):
 * - `npm install <file>.tgz` in the user directory (needs the npm registry for mathjs), then
 *   Node-RED starts and must list the nine nodes, the examples and serve the nodes' editor
 *   files; the README's pictures must be in the installed package and `izh-flow` must run;
 * - the palette manager's upload (POST /nodes with the tarball) into a running Node-RED whose
 *   user directory is empty, which installs and loads the nodes without a restart.
 * The tarball is packed with --ignore-scripts from the current build (`npm test` builds first),
 * so packing does not rebuild dist/ under the other suites' feet.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REFERENCE, simulateReference } from './reference';
import { freePort, startNodeRed, type NodeRedProcess } from './support/node-red-process';

const ROOT = join(__dirname, '..');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string; bin: Record<string, string>; 'node-red': { nodes: Record<string, string> } };
const TYPES = Object.keys(PKG['node-red'].nodes).sort();
/** The nodes of a single-neuron example, and the ones networks add. */
const NEURON_TYPES = ['izh-clock', 'izh-neuron', 'izh-source', 'izh-spike-monitor', 'izh-state-monitor'];
const NETWORK_TYPES = ['izh-rate-monitor', 'izh-spike-generator', 'izh-synapse', 'izh-weight-monitor'];
const INSTALL_TIMEOUT = 300_000;
/** The Node-RED that runs the tests (node_modules, or Node-RED 5 under `npm run test:nr5`). */
const NODE_RED = require.resolve('node-red/red.js');
const NODE_RED_VERSION = JSON.parse(readFileSync(join(dirname(NODE_RED), 'package.json'), 'utf8')).version as string;
/**
 * The environment of npm and Node-RED here: without the settings of the `npm test` that started
 * vitest, and without node_modules/.bin on the PATH, whose npm is the one node-red depends on
 * (npm 10, which runs `prepare` even with --ignore-scripts), not the user's.
 */
const ENV = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key))),
  PATH: (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.endsWith(join('node_modules', '.bin'))).join(delimiter),
};
const work = mkdtempSync(join(tmpdir(), 'izh-package-'));
let tarball: string;
let packed: string[];

function exec(command: string, args: string[], cwd: string, timeout = INSTALL_TIMEOUT): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile(command, args, { cwd, env: ENV, timeout, maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) =>
      error ? reject(new Error(`${command} ${args.join(' ')} failed: ${error.message}\n${stdout}\n${stderr}`)) : resolve(stdout),
    ),
  );
}

/** A fresh user directory with the package.json Node-RED writes into a new one. */
function userDirectory(name: string): string {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'node-red-project', description: 'A Node-RED Project', version: '0.0.1', private: true }, null, 4));
  return dir;
}

/** Node-RED on a user directory, with settings as a user has them (no nodesDir). */
class NodeRed {
  base = '';
  private process?: NodeRedProcess;

  constructor(private readonly userDir: string) {}

  /** everything Node-RED printed so far */
  get log(): string {
    return this.process?.log() ?? '';
  }

  async start(): Promise<void> {
    const port = await freePort();
    this.base = `http://127.0.0.1:${port}`;
    writeFileSync(join(this.userDir, 'settings.js'), `module.exports = ${JSON.stringify({ uiHost: '127.0.0.1', uiPort: port, flowFile: 'flows.json', credentialSecret: false, editorTheme: { tours: false }, telemetry: { enabled: false } })};\n`);
    this.process = await startNodeRed(this.userDir, ENV);
  }

  async stop(): Promise<void> {
    await this.process?.stop();
  }

  async json(path: string, init: RequestInit = {}): Promise<any> {
    const res = await fetch(`${this.base}${path}`, { ...init, headers: { Accept: 'application/json', ...init.headers } });
    const text = await res.text();
    if (!res.ok) throw new Error(`${init.method ?? 'GET'} ${path}: ${res.status} ${text}\n${this.log}`);
    return JSON.parse(text);
  }

/** Our node sets as GET /nodes lists them. */
  async ourNodeSets(): Promise<Array<{ module: string; version: string; types: string[]; enabled: boolean; err?: string }>> {
    return (await this.json('/nodes')).filter((set: { module: string }) => set.module === PKG.name);
  }
}

/** The folder npm installs this package into in a user directory. */
const installedIn = (userDir: string) => join(userDir, 'node_modules', ...PKG.name.split('/'));

/** The nine node types, enabled and loaded without an error, from this version of the package as installed in the user directory. */
async function expectOurNodes(red: NodeRed, userDir: string): Promise<void> {
  expect(TYPES).toEqual([...NEURON_TYPES, ...NETWORK_TYPES].sort());
  const sets = await red.ourNodeSets();
  expect(sets.flatMap((s) => s.types).sort(), red.log).toEqual(TYPES);
  const module = await red.json(`/nodes/${PKG.name}`);
  expect(module).toMatchObject({ name: PKG.name, version: PKG.version, user: true });
  expect(realpathSync(module.path)).toBe(realpathSync(installedIn(userDir)));
  // a node set that failed to load carries an err
  for (const set of sets) {
    expect(set).toMatchObject({ version: PKG.version, enabled: true });
    expect(set.err, set.types.join()).toBeUndefined();
  }
}

/** The relative picture paths in a README (`![alt](path)`). */
const pictures = (readme: string) => [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)\)/g)].map((m) => m[1]).filter((p) => !/^[a-z]+:/i.test(p));

beforeAll(async () => {
  expect(existsSync(join(ROOT, 'dist', 'nodes', 'izh-clock.js')), 'run `npm run build` first').toBe(true);
  const [pack] = JSON.parse(await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', work], ROOT)) as Array<{ filename: string; files: Array<{ path: string }> }>;
  tarball = join(work, pack.filename);
  packed = pack.files.map((f) => f.path).sort();
}, INSTALL_TIMEOUT);

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('the tarball', () => {
  it('holds the nodes, their editor files and icons, the examples, izh-flow, the README with its pictures and the license', () => {
    for (const file of Object.values(PKG['node-red'].nodes)) {
      expect(packed).toContain(file);
      expect(packed).toContain(file.replace(/\.js$/, '.html'));
    }
    for (const type of TYPES) expect(packed).toContain(`dist/nodes/icons/${type}.svg`);
    expect(packed).toContain('dist/lib/index.js');
    for (const bin of Object.values(PKG.bin)) expect(packed).toContain(bin.replace(/^\.\//, ''));
    expect(packed).toContain('dist/bin/runner.js');
    // the script every edit dialog loads
    expect(packed).toContain('resources/izh-editor.js');
    expect(packed.filter((f) => f.startsWith('examples/') && f.endsWith('.json')).length).toBeGreaterThanOrEqual(30);
    expect(packed).toEqual(expect.arrayContaining(['README.md', 'LICENSE', 'package.json']));
    const readme = pictures(readFileSync(join(ROOT, 'README.md'), 'utf8'));
    expect(readme.length).toBeGreaterThan(0);
    expect(packed).toEqual(expect.arrayContaining(readme));
  });

  it('leaves out the development tools and the sources', () => {
    const dev = packed.filter((f) => /^dist\/bench\/|^dist\/bin\/(figure|robustness)\.|^(lib|nodes|bin|bench|test|scripts|flows|\.ci)\/|^node_modules\/|^tsconfig|^vitest/.test(f));
    expect(dev).toEqual([]);
  });

  it('holds no compiled file whose source is gone (the build empties dist/ first)', () => {
    const stale = packed.filter((f) => /^dist\/.*\.js$/.test(f) && !existsSync(join(ROOT, f.replace(/^dist\//, '').replace(/\.js$/, '.ts'))));
    expect(stale, 'rebuild with `npm run build`').toEqual([]);
  });
});

describe('installed with npm into a fresh user directory', () => {
  let userDir: string;
  let red: NodeRed;
  let installed: string;

  beforeAll(async () => {
    userDir = userDirectory('npm-install');
    // as the palette manager runs it; no build tools are needed (prepare does not run for a tarball)
    await exec('npm', ['install', '--no-audit', '--no-fund', '--no-update-notifier', '--save', '--save-prefix=~', '--omit=dev', '--engine-strict', tarball], userDir);
    installed = installedIn(userDir);
    red = new NodeRed(userDir);
    await red.start();
  }, INSTALL_TIMEOUT);

  afterAll(() => red?.stop());

  it('is loaded by Node-RED: the nine nodes, enabled, from the user directory', async () => {
    expect((await red.json('/settings')).version.replace(/-git$/, '')).toBe(NODE_RED_VERSION);
    await expectOurNodes(red, userDir);
  });

  it("serves the nodes' editor definitions and help", async () => {
    const res = await fetch(`${red.base}/nodes`, { headers: { Accept: 'text/html' } });
    const html = await res.text();
    for (const type of TYPES) {
      expect(html).toMatch(new RegExp(`registerType\\(\\s*['"]${type}['"]`));
      expect(html).toMatch(new RegExp(`data-help-name=['"]${type}['"]`));
    }
    // the shared editor script, at the relative URL every .html names (the editor waits for it before the definitions)
    const ours = html.split(/(?=<!-- --- \[red-module:\S+\] --- -->)/).filter((chunk) => chunk.startsWith(`<!-- --- [red-module:${PKG.name}/`)).join('');
    const sources = [...ours.matchAll(/<script src="([^"]+)"/g)].map((m) => m[1]);
    expect(sources.length).toBeGreaterThanOrEqual(TYPES.length);
    expect(new Set(sources)).toEqual(new Set([`resources/${PKG.name}/izh-editor.js`]));
    const script = await fetch(`${red.base}/${sources[0]}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toBe(readFileSync(join(installed, 'resources', 'izh-editor.js'), 'utf8'));
    // and the schema it fetches
    const schema = await red.json('/izh/schema');
    expect(Object.keys(schema.schemas).sort()).toEqual(TYPES);
    expect(schema.version).toBe(2);
  });

  it('offers the example flows under Import > Examples', async () => {
    expect(await red.json('/library/examples/flows/')).toContain(PKG.name);
    const folders = await red.json(`/library/examples/flows/${PKG.name}/`);
    expect(folders).toEqual(expect.arrayContaining(['cortical classes (2003)', 'neuro-computational features (2004)', 'networks', 'dashboard (needs Dashboard 2)']));
    const cortical = await red.json(`/library/examples/flows/${PKG.name}/${encodeURIComponent('cortical classes (2003)')}/`);
    expect(cortical).toContainEqual({ fn: 'RS regular spiking' });
    const flow = await red.json(`/library/examples/flows/${PKG.name}/${encodeURIComponent('cortical classes (2003)')}/${encodeURIComponent('RS regular spiking')}`);
    expect(flow.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(NEURON_TYPES));
    const networks = await red.json(`/library/examples/flows/${PKG.name}/networks/`);
    expect(networks).toContainEqual({ fn: 'polychronization 2006 (spnet, 10 s)' });
    const spnet = await red.json(`/library/examples/flows/${PKG.name}/networks/${encodeURIComponent('polychronization 2006 (spnet, 10 s)')}`);
    expect(spnet.map((n: { type: string }) => n.type)).toEqual(expect.arrayContaining(['izh-synapse', 'izh-rate-monitor', 'izh-weight-monitor']));
  });

  it("holds the README's pictures and the license", () => {
    const readme = readFileSync(join(installed, 'README.md'), 'utf8');
    for (const picture of pictures(readme)) expect(existsSync(join(installed, picture)), picture).toBe(true);
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toMatch(/^MIT License/);
  });

  it('runs an example with izh-flow where Node-RED can be required', async () => {
    const out = join(work, 'rs.json');
    const bin = join(userDir, 'node_modules', '.bin', Object.keys(PKG.bin)[0]);
    const example = join(installed, 'examples', 'cortical classes (2003)', 'RS regular spiking.json');
    // a user directory has no node-red of its own (it is installed globally): NODE_PATH lends ours
    await new Promise<void>((resolve, reject) =>
      execFile(process.execPath, [bin, example, '--json', out, '--quiet'], { cwd: userDir, env: { ...ENV, NODE_PATH: join(ROOT, 'node_modules') }, timeout: 120_000 }, (error, _stdout, stderr) =>
        error ? reject(new Error(`izh-flow failed: ${error.message}\n${stderr}`)) : resolve(),
      ),
    );
    const report = JSON.parse(readFileSync(out, 'utf8'));
    expect(report.monitors.find((m: { type: string }) => m.type === 'spike').times).toEqual(simulateReference(REFERENCE.RS).spikes);
  });
});

describe("uploaded through the palette manager's admin API", () => {
  let red: NodeRed;
  let userDir: string;

  beforeAll(async () => {
    userDir = userDirectory('palette-upload');
    red = new NodeRed(userDir);
    await red.start();
  }, INSTALL_TIMEOUT);

  afterAll(() => red?.stop());

  it('installs into a running Node-RED, which loads the nine nodes without a restart', async () => {
    expect(await red.ourNodeSets()).toEqual([]);
    const form = new FormData();
    form.append('tarball', new Blob([readFileSync(tarball)], { type: 'application/gzip' }), tarball.split('/').at(-1));
    const info = await red.json('/nodes', { method: 'POST', body: form, signal: AbortSignal.timeout(INSTALL_TIMEOUT) });
    expect(info).toMatchObject({ name: PKG.name, version: PKG.version });
    await expectOurNodes(red, userDir);
  }, INSTALL_TIMEOUT);
});
