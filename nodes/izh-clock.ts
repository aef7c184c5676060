/**
 * izh-clock: the simulation clock. Its first output is the simulation wire to the current
 * sources and neurons it drives; its second output reports the run (started, progress,
 * paused, finished, ...). Commands arrive as msg.payload or from the button on the node.
 */
import { BUDGET_SETTING, checkRunMemory, DEFAULT_MEMORY_BUDGET_MB } from '../lib/engine/budget';
import { clocksOf, compileNetwork, labelOf, type FlowNode } from '../lib/flow/compiler';
import { Network, type NetworkDescription } from '../lib/engine/network';
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

/**
 * Commands that may wait for a clock: one that arrives while others wait (or while a run's
 * results are being sent) is refused beyond this many.
 */
export const MAX_WAITING_COMMANDS = 100;

/** Commands run in one turn of the event loop until they took this long (ms); later ones wait for the next turn. */
export const COMMAND_MS_PER_TURN = 10;

/**
 * The shape of a network: everything its Network object is built from except the neurons'
 * parameters and the sources' currents, which a running network takes as they change. Two
 * descriptions of the same shape can share one Network (see reusable).
 */
function shapeOf(description: NetworkDescription): string {
  return JSON.stringify({
    ...description,
    populations: description.populations.map((p) => ({ id: p.id, name: p.name, size: p.spec.size })),
    sources: description.sources.map((s) => ({ id: s.id, name: s.name, targets: s.targets })),
  });
}

/**
 * The network of the last run, made to stand for `description` if it has the same shape: its
 * neurons and sources take the description's specs and everything goes back to t = 0. A new
 * start or run then allocates nothing (a population of millions of neurons holds tens of MB,
 * and allocating it again for each start blocks Node-RED and leaves the old one to the GC).
 * Networks with synapses or spike generators are built afresh every time.
 */
function reusable(network: Network | undefined, description: NetworkDescription): Network | null {
  if (!network || network.dt !== description.dt || (description.projections?.length ?? 0) > 0 || (description.generators?.length ?? 0) > 0) return null;
  if (shapeOf(network.description) !== shapeOf(description)) return null;
  for (const p of description.populations) network.setNeuron(p.id, p.spec);
  for (const s of description.sources) network.setSource(s.id, s.spec);
  network.reset();
  return network;
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

    /**
     * Compiles the deployed flow into this clock's network and attaches its nodes. A flow that
     * does not compile leaves the last run as it was; one of the same shape reuses its network.
     */
    const build = (): ActiveRun => {
      // the memory budget comes from settings.js (izhClockMemoryBudget, MB); a run that would exceed it is refused
      const memoryBudgetMB = optionalNumber(BUDGET_SETTING, RED.settings?.[BUDGET_SETTING], DEFAULT_MEMORY_BUDGET_MB, { above: 0 });
      const compiled = compileNetwork(deployedGraph(RED, node.id), node.id, (id) => (id === node.id ? patch : memberOf(id)?.patch?.()), { memoryBudgetMB, env: deployedEnv(RED) });
      const previous = run?.network;
      // the old network is let go before a new one is allocated, so the two never need memory at once
      release();
      const network = reusable(previous, compiled.description) ?? new Network(compiled.description);
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

    /**
     * Commands run in their order: at once while the clock is free; otherwise they wait. A
     * burst of commands (each may build a network or compute a step) runs at most
     * COMMAND_MS_PER_TURN of them per turn of the event loop, so it never blocks Node-RED in
     * one piece, and none runs while a run's results are being sent. At most
     * MAX_WAITING_COMMANDS wait; more are refused.
     */
    const waiting: Array<{ command: string; msg: NodeMessage }> = [];
    /** ms spent on commands in this turn of the event loop */
    let spentThisTurn = 0;
    let turnEnds: ReturnType<typeof setImmediate> | null = null;
    let turn: ReturnType<typeof setImmediate> | null = null;
    let awaitingResults = false;
    let closed = false;
    const free = () => finalizing === 0 && spentThisTurn < COMMAND_MS_PER_TURN;
    const perform = (command: string, msg: NodeMessage) => {
      turnEnds ??= setImmediate(() => {
        turnEnds = null;
        spentThisTurn = 0;
      });
      const began = performance.now();
      try {
        execute(command, msg);
      } finally {
        spentThisTurn += performance.now() - began;
      }
    };
    const drain = () => {
      if (turn !== null || awaitingResults || closed || waiting.length === 0) return;
      turn = setImmediate(() => {
        turn = null;
        if (closed) return;
        if (finalizing > 0) {
          awaitingResults = true;
          void announced.then(() => {
            awaitingResults = false;
            drain();
          });
          return;
        }
        while (waiting.length > 0 && free()) {
          const { command, msg } = waiting.shift()!;
          try {
            perform(command, msg);
          } catch (e) {
            reportError(RED, node, config, e, msg);
          }
        }
        drain();
      });
    };
    onInput(RED, node, config, (msg) => {
      const command = commandOf(msg);
      if (!command || !(COMMANDS as readonly string[]).includes(command)) {
        throw new ConfigError('msg.payload', msg.payload, say('izh-clock.errors.command', { commands: COMMANDS.join(', ') }));
      }
      if (waiting.length === 0 && free()) {
        perform(command, msg);
        return;
      }
      if (waiting.length >= MAX_WAITING_COMMANDS) {
        throw new ConfigError('msg.payload', msg.payload, say('izh-clock.errors.tooManyWaiting', { max: MAX_WAITING_COMMANDS }));
      }
      waiting.push({ command, msg });
      drain();
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
      closed = true;
      waiting.length = 0;
      if (turn !== null) clearImmediate(turn);
      if (turnEnds !== null) clearImmediate(turnEnds);
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
