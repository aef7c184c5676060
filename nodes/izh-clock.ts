/**
 * izh-clock: the simulation clock. Its first output is the simulation wire to the current
 * sources and neurons it drives; its second output reports the run (started, progress,
 * paused, finished, ...). Commands arrive as msg.payload or from the button on the node.
 */
import { BUDGET_SETTING, checkRunMemory, DEFAULT_MEMORY_BUDGET_MB } from '../lib/engine/budget';
import { clocksOf, compileNetwork, labelOf, type FlowNode } from '../lib/flow/compiler';
import { Network } from '../lib/engine/network';
import { normalizeClock, Simulation, type ClockSettings, type RunEvent } from '../lib/engine/simulation';
import { requirePreset } from '../lib/flow/presets';
import { ConfigError, optionalNumber, toNumber } from '../lib/engine/validate';
import { LocalizedError, message } from '../lib/engine/messages';
import { say, translate } from './i18n';
import type { Node, NodeMessage, NodeRED } from './api';
import {
  commandOf, deployedEnv, deployedGraph, migrated, savedConfig, resolved, serveSchema, warnStrayWires, formatNumber, memberOf, onInput, reportError, ThrottledStatus, type ActiveRun, type SimulationMember,
} from './shared';

export const COMMANDS = ['start', 'stop', 'pause', 'resume', 'reset', 'run', 'step'] as const;
/** Clock settings a start or run message may change (msg.preset sets dt and duration from a pattern). */
const SETTINGS = ['dt', 'duration', 'mode', 'speed', 'interval', 'seed'];

/** Event the headless runner listens to on the clock node. */
export const RUN_EVENT = 'izh-run';

type DeployEvent = { diff?: Record<string, unknown> } | undefined;

/**
 * What the live clocks do after a deploy. One listener per runtime dispatches flows:started to
 * them: a listener per clock would pile up (Node warns beyond 10) and cost every deploy.
 */
const afterDeploy = new Set<(event: DeployEvent) => void>();
const dispatching = new WeakSet<object>();

function dispatchDeploys(RED: NodeRED): void {
  if (dispatching.has(RED.events)) return;
  dispatching.add(RED.events);
  RED.events.on('flows:started', (event: DeployEvent) => {
    for (const handler of [...afterDeploy]) {
      try {
        handler(event);
      } catch (e) {
        RED.log.warn(translate(RED, say('izh-clock.errors.afterDeploy', { error: e instanceof LocalizedError ? e.text : e instanceof Error ? e.message : String(e) })));
      }
    }
  });
}

export default function register(RED: NodeRED): void {
  dispatchDeploys(RED);
  serveSchema(RED);
  function IzhClockNode(this: Node, saved: FlowNode) {
    RED.nodes.createNode(this, saved);
    const node = this;
    // as this release reads it; dt, duration and speed may name environment variables, resolved when used
    const config = migrated(savedConfig(RED, saved));
    const status = new ThrottledStatus(node, 500);
    let settings: ClockSettings | null = null;
    let run: ActiveRun | null = null;
    /** clock settings changed by start/run messages (msg.dt, msg.duration, ...), kept until redeploy */
    let patch: Record<string, unknown> = {};

    try {
      settings = normalizeClock(resolved(RED, node, config));
      node.status({ fill: 'grey', shape: 'dot', text: translate(RED, say('izh-clock.status.ready', { dt: settings.dt })) });
      warnStrayWires(RED, node, config);
    } catch (e) {
      reportError(RED, node, config, e);
    }

    const forEachMember = (r: ActiveRun, fn: (id: string) => void) => {
      for (const id of r.members.keys()) if (id !== node.id) fn(id);
    };

    const release = () => {
      if (!run) return;
      run.simulation.dispose();
      forEachMember(run, (id) => memberOf(id)?.attach(null));
      run = null;
    };

    const showEvent = (event: RunEvent) => {
      const t = formatNumber(event.t);
      const text = (key: string, values: Record<string, string> = {}) => translate(RED, say(`izh-clock.status.${key}`, { t, ...values }));
      switch (event.event) {
        case 'started':
        case 'resumed':
        case 'progress':
          status.set({ fill: 'green', shape: 'dot', text: text('running') }, event.event !== 'progress');
          break;
        case 'paused':
          status.set({ fill: 'yellow', shape: 'ring', text: text('paused') }, true);
          break;
        case 'finished':
        case 'stopped':
          status.set({ fill: 'blue', shape: 'dot', text: text(event.event === 'finished' ? 'done' : 'stopped', { wall: formatNumber(event.wallMs) }) }, true);
          break;
        case 'reset':
          status.set({ fill: 'grey', shape: 'dot', text: text('reset') }, true);
          break;
        case 'error':
          status.set({ fill: 'red', shape: 'ring', text: text('failed') }, true);
          break;
      }
    };

    /**
     * Runs `fn` for one member node of a run; whatever it throws is reported once, on that node
     * (node.error and a red status), and goes no further: a failing monitor never takes the run,
     * the clock or Node-RED down.
     */
    const safely = async (r: ActiveRun, id: string, fn: (member: SimulationMember) => unknown): Promise<void> => {
      const member = memberOf(id);
      if (!member) return;
      try {
        await fn(member);
      } catch (e) {
        const target = RED.nodes.getNode(id);
        const memberConfig = r.members.get(id);
        if (target && memberConfig) reportError(RED, target, memberConfig, e);
        else reportError(RED, node, config, e);
      }
    };

    /** Run events go out in order, each after the results of the run it ends have been sent. */
    let announced: Promise<void> = Promise.resolve();
    /** While a run's results are being built and sent, later commands wait for them. */
    let finalizing = 0;
    const announce = (event: RunEvent, before?: () => Promise<unknown>) => {
      if (before) finalizing++;
      announced = announced
        .then(before)
        .then(() => {
          node.send([null, { topic: config.name || 'clock', payload: event }]);
          node.emit(RUN_EVENT, event);
        })
        .catch((e) => reportError(RED, node, config, e))
        .finally(() => {
          if (before) finalizing--;
        });
    };

    /** Compiles the deployed flow into this clock's network and attaches its nodes. */
    const build = (): ActiveRun => {
      release();
      // the memory budget comes from settings.js (izhClockMemoryBudget, MB); a run that would exceed it is refused
      const memoryBudgetMB = optionalNumber(BUDGET_SETTING, RED.settings?.[BUDGET_SETTING], DEFAULT_MEMORY_BUDGET_MB, { above: 0 });
      const compiled = compileNetwork(deployedGraph(RED, node.id), node.id, (id) => (id === node.id ? patch : memberOf(id)?.patch?.()), { memoryBudgetMB, env: deployedEnv(RED) });
      const network = new Network(compiled.description);
      let current: ActiveRun;
      const simulation = new Simulation(network, compiled.clock.settings, {
        onChunk: () => forEachMember(current, (id) => void safely(current, id, (m) => m.chunk?.(current))),
        onEvent: (event) => {
          showEvent(event);
          if (event.event === 'error') node.error(translate(RED, say('izh-clock.errors.runFailed', { node: labelOf(config), t: event.t, error: simulation.failure instanceof LocalizedError ? simulation.failure.text : event.error ?? '' })));
          if (!['finished', 'stopped', 'error'].includes(event.event)) {
            if (event.event === 'paused') forEachMember(current, (id) => void safely(current, id, (m) => m.ended?.(current, event)));
            announce(event);
            return;
          }
          const ending = current;
          announce(event, () => Promise.all([...ending.members.keys()].filter((id) => id !== node.id).map((id) => safely(ending, id, (m) => m.ended?.(ending, event)))));
        },
        // a command's own steps count, not the clock's duration
        checkSteps: (steps) => {
          checkRunMemory(compiled.description, steps, memoryBudgetMB, compiled.label, Number.isFinite(steps) ? message('words.runTo', { t: formatNumber((steps - 1) * network.dt) }) : message('words.openEnded'));
        },
      });
      current = { clockId: node.id, network, simulation, members: compiled.members };
      run = current;
      forEachMember(current, (id) => memberOf(id)?.attach(current));
      return current;
    };

    /** Settings a start message may carry for this and later runs, e.g. {payload: "start", dt: 0.1}. */
    const takeSettings = (msg: NodeMessage): boolean => {
      const given: Record<string, unknown> = {};
      if (msg.preset !== undefined) {
        // the dt and duration a pattern was published with
        Object.assign(given, requirePreset('msg.preset', msg.preset).clock);
      }
      for (const key of SETTINGS) if (msg[key] !== undefined) given[key] = msg[key];
      if (Object.keys(given).length === 0) return false;
      // an environment variable of the config that cannot be read is the config's problem, not the message's
      const base = resolved(RED, node, config, { ...patch, ...given });
      try {
        settings = normalizeClock(base);
      } catch (e) {
        throw e instanceof ConfigError ? new ConfigError(`msg.${e.field}`, e.value, e.why) : e;
      }
      patch = { ...patch, ...given };
      return true;
    };

    const execute = (command: string, msg: NodeMessage) => {
      switch (command) {
        case 'start':
          takeSettings(msg);
          build().simulation.start();
          return;
        case 'run': {
          const ms = toNumber('msg.ms', msg.ms ?? (msg.payload as Record<string, unknown> | undefined)?.ms, { above: 0 });
          // new settings need a new network; otherwise the run continues where it stands
          const fresh = takeSettings(msg) || !run || run.simulation.state === 'idle';
          (fresh ? build() : run!).simulation.runFor(ms);
          return;
        }
        case 'step': {
          const steps = msg.steps ?? (msg.payload as Record<string, unknown> | undefined)?.steps ?? 1;
          (run ?? build()).simulation.step(toNumber('msg.steps', steps, { integer: true, min: 1 }));
          return;
        }
        case 'pause':
          if (run?.simulation.state === 'running') run.simulation.pause();
          else node.warn(translate(RED, say('izh-clock.warnings.notRunning')));
          return;
        case 'resume':
          if (run?.simulation.state === 'paused') run.simulation.resume();
          else node.warn(translate(RED, say('izh-clock.warnings.notPaused')));
          return;
        case 'stop':
          if (run && (run.simulation.state === 'running' || run.simulation.state === 'paused')) run.simulation.stop();
          return;
        case 'reset':
          if (run) {
            run.simulation.reset();
          } else {
            const event: RunEvent = { event: 'reset', t: 0, steps: 0, wallMs: 0, mode: settings?.mode ?? 'batch' };
            showEvent(event);
            announce(event);
          }
          return;
      }
    };

    /** Commands that arrive while a run's results are still being sent, in their order. */
    let waiting: Promise<void> = Promise.resolve();
    onInput(RED, node, config, (msg) => {
      const command = commandOf(msg);
      if (!command || !(COMMANDS as readonly string[]).includes(command)) {
        throw new ConfigError('msg.payload', msg.payload, say('izh-clock.errors.command', { commands: COMMANDS.join(', ') }));
      }
      if (finalizing === 0) {
        execute(command, msg);
        return;
      }
      waiting = Promise.all([waiting, announced])
        .then(() => execute(command, msg))
        .catch((e) => reportError(RED, node, config, e, msg));
    });

    // A deploy of modified nodes only leaves this clock running while nodes of its network are
    // replaced: the run would go on with the old settings, out of reach of the new nodes. Stop it.
    const onDeployed = (event: DeployEvent) => {
      const diff = event?.diff;
      if (!run || !diff || (run.simulation.state !== 'running' && run.simulation.state !== 'paused')) return;
      const touched = ['added', 'changed', 'removed', 'rewired'].flatMap((key) => (Array.isArray(diff[key]) ? (diff[key] as string[]) : []));
      const graph = deployedGraph(RED, node.id);
      if (!touched.some((id) => run!.members.has(id) || clocksOf(graph, id).includes(node.id))) return;
      node.warn(translate(RED, say('izh-clock.warnings.redeployed', { node: labelOf(config) })));
      run.simulation.stop();
    };
    afterDeploy.add(onDeployed);

    // start on deploy: the other nodes of the flow exist only once the flows have started
    const onStarted = () => {
      afterDeploy.delete(onStarted);
      node.receive({ payload: 'start' });
    };
    if (settings?.startOnDeploy) afterDeploy.add(onStarted);

    node.on('close', (_removed: boolean, done: () => void) => {
      release();
      afterDeploy.delete(onDeployed);
      afterDeploy.delete(onStarted);
      done();
    });
  }

  RED.nodes.registerType('izh-clock', IzhClockNode, {
    settings: { [BUDGET_SETTING]: { value: DEFAULT_MEMORY_BUDGET_MB, exportable: true } },
  });

  // the button on the node, as the inject node has
  RED.httpAdmin.post('/izh-clock/:id/:command', RED.auth.needsPermission('izh-clock.write'), (req: { params: Record<string, string> }, res: { sendStatus(code: number): void }) => {
    const node = RED.nodes.getNode(req.params.id);
    if (!node || node.type !== 'izh-clock') return res.sendStatus(404);
    if (!(COMMANDS as readonly string[]).includes(req.params.command)) return res.sendStatus(400);
    node.receive({ payload: req.params.command });
    res.sendStatus(200);
  });
}
