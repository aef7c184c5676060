/**
 * The English of every message the engine and the flow compiler show to a user (errors,
 * warnings and the words they are built from), by message id. This module is the one English
 * source of those texts: lib builds a Message (its id, the values to fill in and the English
 * text) and its errors carry it, so izh-flow and other lib users read `err.message` in English,
 * while the Node-RED nodes translate the id with RED._. The build (scripts/build-assets.mjs)
 * writes these texts into the nodes' English catalog, dist/nodes/locales/en-US/izh-clock.json,
 * under the keys `izh.<id>` (izh-clock's catalog holds what all nodes share); the German ones
 * are translated by hand in nodes/locales/de/izh-clock.json.
 *
 * Placeholders are Node-RED's (i18next with prefix and suffix `__`): `__name__`.
 * It imports nothing (it is the bottom of the engine).
 */

export const ENGLISH = {
  // the sentence of a ConfigError: node, field, reason and value
  'errors.sentence': '__node__: __field__ __reason__ (got __value__)',
  'errors.sentenceBare': '__field__ __reason__ (got __value__)',
  'errors.status': '__field__ __reason__',
  'errors.attributed': '__node__: __error__',

  // how messages name a node: neuron "RS", neuron 1a2b3c
  'labels.named': '__kind__ "__name__"',
  'labels.id': '__kind__ __id__',
  'kinds.izh-clock': 'clock',
  'kinds.izh-source': 'current source',
  'kinds.izh-neuron': 'neuron',
  'kinds.izh-spike-generator': 'spike generator',
  'kinds.izh-synapse': 'synapse',
  'kinds.izh-spike-monitor': 'spike monitor',
  'kinds.izh-state-monitor': 'state monitor',
  'kinds.izh-rate-monitor': 'rate monitor',
  'kinds.izh-weight-monitor': 'weight monitor',
  'words.or': '__first__ or __last__',
  'words.comma': '__first__, __next__',

  // values (validate.ts)
  'errors.number': 'must be a number',
  'errors.decimal': 'must be a number in decimal notation, e.g. 1.5, -2 or 1e-3',
  'errors.finite': 'must be a finite number',
  'errors.whole': 'must be a whole number',
  'errors.above': 'must be greater than __bound__',
  'errors.min': 'must be at least __bound__',
  'errors.max': 'must be at most __bound__',
  'errors.oneOf': 'must be one of __options__',
  'errors.boolean': 'must be true or false',
  'errors.numberList': 'must be a list of numbers',

  // environment variables (schema.ts)
  'errors.envName': 'must name an environment variable (its type is env)',
  'errors.envUnset': '(env __name__) is not set; set the environment variable or give a number',
  'errors.envValue': '(env __name__) __reason__',
  'errors.envEmpty': '(env __name__) is empty; it must hold a number',

  // the clock (simulation.ts)
  'errors.durationBatch': 'must be set for a batch run (only real-time runs may go on until stopped)',
  'errors.dtDuration': 'must not be larger than the duration (__duration__ ms)',
  'errors.dtSteps': 'is too small for a duration of __duration__ ms: the run needs __steps__ steps, more than the limit of __limit__; raise dt or shorten the duration',
  'errors.runSteps': 'needs __steps__ steps at dt = __dt__ ms; at most __limit__ are allowed',
  'errors.stepRunning': 'cannot be stepped while the clock runs; pause it first',

  // expressions (expression.ts)
  'errors.exprEmpty': 'must be a non-empty expression of __variables__',
  'errors.exprLong': 'is too long (at most __limit__ characters)',
  'errors.exprDeep': 'is nested too deeply (__depth__ levels of parentheses, brackets, function calls and prefix operators such as -; at most __limit__)',
  'errors.exprComplex': 'is too complex to parse (__error__); use fewer levels of parentheses or shorter chains of operators',
  'errors.exprParse': 'does not parse: __error__',
  'errors.exprCompile': 'cannot be compiled: __error__',
  'errors.exprNode': 'may only use numbers, t, operators, ?: and math functions; __what__ is not allowed',
  'errors.exprConstant': 'may only contain numbers, not __value__',
  'errors.exprFunction': 'uses the function __name__, which is not allowed; only pure math functions such as sin, exp, abs, min, max, heaviside are',
  'errors.exprSymbolTime': 'uses the unknown symbol "__name__" (the only variable is t, in ms)',
  'errors.exprSymbol': 'uses the unknown symbol "__name__" (the variables are __variables__)',
  'errors.exprFails': 'fails at __where__: __error__',
  'errors.exprNotFinite': 'must give a finite number, but gives __result__ at __where__',
  'words.atTime': 't = __t__ ms',
  'words.evaluation': 'evaluation',
  'words.assignment': 'an assignment',
  'words.functionDefinition': 'a function definition',
  'words.propertyAccess': 'property access',
  'words.indexing': 'indexing',
  'words.object': 'an object',
  'words.matrix': 'a matrix',
  'words.statements': 'several statements',
  'words.range': 'a range',

  // current sources (sources.ts)
  'errors.offsetOnset': 'must be later than the onset (__onset__ ms)',
  'errors.pulseTimesMany': 'may hold at most __limit__ pulse times',
  'errors.widthPeriod': 'must not exceed the period (__period__ ms)',
  'errors.tableJson': 'is not valid JSON; write [[t, I], ...] or one "t, I" pair per line',
  'errors.tableEmpty': 'must list at least one [t, I] point',
  'errors.tableMany': 'may hold at most __limit__ points',
  'errors.tablePair': 'must be a pair [t, I]',
  'errors.tableOrder': 'must be later than the time before it',
  'errors.randomKind': 'has no expression form (it is random)',

  // spike generators (generators.ts)
  'errors.spikesJson': 'is not valid JSON; write [[t, channel], ...] or times separated by commas',
  'errors.spikePair': 'must be a pair [t, channel]',
  'errors.spikesNone': 'must list at least one spike time',
  'errors.atMost': 'may hold at most __limit__',

  // neurons (neuron.ts)
  'errors.halfStepScheme': 'is the half-step scheme of the published networks, for the standard recovery law; use izhikevich, euler or rk4 with the accommodation law',
  'errors.belowPeak': 'must be below the spike peak vpeak = __vpeak__ mV, or the neuron would spike forever',
  'errors.belowPeakNeuron': 'must be below the spike peak vpeak = __vpeak__ mV (neuron __neuron__), or the neuron would spike forever',
  'errors.u0Overflow': 'defaults to b·v0, which is not a finite number here; give u0 explicitly',
  'errors.u0OverflowNeuron': 'defaults to b·v0, which is not a finite number here (neuron __neuron__); give u0 explicitly',
  'errors.sizeFixed': 'cannot change while the network exists (it is __size__); redeploy or reset the clock',
  'errors.capacitance': 'must be greater than 0 (neuron __neuron__, from __formula__)',
  'errors.nonFinite': 'neuron __neuron__ left the range of finite numbers at step __step__ (v = __v__, u = __u__); the parameters or the input drive it beyond what floating point can hold',
  'errors.nonFiniteAt': 'neuron __neuron__ left the range of finite numbers at step __step__ (t = __t__ ms) (v = __v__, u = __u__); the parameters or the input drive it beyond what floating point can hold',

  // synapses (synapses.ts)
  'errors.plasticNegative': 'applies to excitatory synapses only, but the weights may be negative (as low as __low__); use plasticity none for inhibitory synapses',
  'errors.plasticNegativeSynapse': 'applies to excitatory synapses only, but synapse __synapse__ has the negative weight __weight__',
  'errors.range': 'must be a range of neuron indices "first-last" (e.g. 0-799), one index, or blank for all',
  'errors.rangeOrder': 'must not end before it starts',
  'errors.weightHigh': 'must be greater than weightLow (__low__)',
  'errors.delayMax': 'must not be below delayMin (__min__ ms)',
  'errors.wMax': 'must be greater than wMin (__min__)',
  'errors.wMin': 'must be at least 0 (plastic synapses are excitatory)',
  'errors.connectionsEmpty': 'must list at least one connection [pre, post] (or [pre, post, weight, delay])',
  'errors.connectionsJson': 'is not valid JSON; write [[pre, post, weight, delay], ...]',
  'errors.connectionsShape': 'must be a list [[pre, post, weight, delay], ...] or saved weights {pre, post, weight, delay}',
  'errors.connectionRow': 'must be [pre, post], [pre, post, weight] or [pre, post, weight, delay]',
  'errors.savedColumns': 'saved weights need arrays pre and post of the same length (and weight, delay)',
  'errors.savedColumn': 'must be an array as long as pre (__length__)',
  'errors.delayWhole': 'is not a whole number of steps at dt = __dt__ ms; the nearest valid delay is __nearest__ ms',
  'errors.delayWholeTwo': 'is not a whole number of steps at dt = __dt__ ms; the nearest valid delays are __below__ and __above__ ms',
  'errors.delayStep': 'must be at least one step (dt = __dt__ ms)',
  'errors.delayLong': 'must be at most __limit__ steps (__ms__ ms at dt = __dt__ ms)',
  'errors.rangePopulation': 'must lie within the population (neurons 0-__last__)',
  'errors.oneToOne': 'needs populations of the same size (__pre__ and __post__ neurons)',
  'errors.degreeTargets': 'is more than the __available__ distinct targets available; allow duplicates or lower it',
  'errors.degreeSources': 'is more than the __available__ distinct sources available; allow duplicates or lower it',
  'errors.degreeTargetsSelf': 'is more than the __available__ distinct targets available (no autapses); allow duplicates or lower it',
  'errors.degreeSourcesSelf': 'is more than the __available__ distinct sources available (no autapses); allow duplicates or lower it',
  'errors.listedPre': 'must be one of the presynaptic neurons (__span__)',
  'errors.listedPost': 'must be one of the target neurons (__span__)',
  'errors.synapsesMany': 'would make __count__ synapses; one synapse node holds at most __limit__',
  'errors.weightMissing': 'is missing, and the node has no weight of its own',
  'errors.delayMissing': 'is missing, and the node has no delay of its own',
  'errors.weightFinite': 'must give a finite number for every synapse',

  // monitors (monitors.ts)
  'errors.variables': 'must name at least one of v, u, I',
  'errors.indicesEmpty': 'must list at least one neuron index, or say "all"',
  'errors.indicesSize': 'must be below the population size __size__',
  'errors.binSteps': 'must be a whole number of steps at dt = __dt__ ms (e.g. __example__ ms)',
  'errors.highLow': 'must be greater than low (__low__)',

  // the network and the flow (network.ts, compiler.ts, presets.ts)
  'errors.notPopulation': 'is not a neuron or spike generator of this network',
  'errors.notNeuron': 'is not a neuron of this network',
  'errors.notSynapse': 'is not a synapse node of this network',
  'errors.notPreset': 'is not a preset (known: __known__)',
  'errors.notClock': 'is not a clock of this flow',
  'errors.wire': 'cannot lead from a __from__ to a __to__',
  'errors.wireNeurons': 'cannot lead from a __from__ to a __to__: put a synapse node between them (neuron -> synapse -> neuron)',
  'errors.wireGenerator': 'cannot lead from a __from__ to a __to__: spikes reach neurons through a synapse node (generator -> synapse -> neuron)',
  'errors.wireStateMonitor': 'cannot lead from a __from__ to a __to__: a state monitor records a neuron',
  'errors.otherClock': "connect this clock's network to another clock; a network has exactly one clock",
  'errors.oneInput': 'must come from exactly one __what__',
  'errors.onePost': 'must lead to exactly one neuron (its target); use one synapse node per target',
  'errors.oneSource': 'must come from exactly one __what__ (use one monitor per __what__)',
  'errors.indicesRecorded': 'must be below the size of the neuron it records (__size__)',
  'words.presynaptic': 'neuron or spike generator (its presynaptic side)',
  'words.neuronOrGenerator': 'neuron or spike generator',
  'warnings.strayWire': '__node__: its first output is a simulation wire, which carries no messages, but it leads to __names__; wire it to __targets__ (simulation nodes), and use the second output (run events) to send data to ordinary nodes',
  'warnings.strayWireMonitor': '__node__: its first output is a simulation wire, which carries no messages, but it leads to __names__; wire it to __targets__ (simulation nodes), and use a monitor to send data to ordinary nodes',

  // memory (budget.ts)
  'errors.maxValues': 'is too small: __what__ records __values__ values (__samples__ samples × __series__ series); __advice__, or raise maxValues',
  'errors.memory': "needs about __mb__ MB for this network, more than the budget of __budget__ MB; the largest part is this node's __what__, __largest__ MB (__detail__): __advice__, or raise the budget (Node-RED setting __setting__ in MB, izh-flow --memory-budget MB)",
  'words.window': 'its window of __window__ ms',
  'words.run': 'a run of __steps__ steps',
  'words.runMs': 'a run of __ms__ ms',
  'words.runTo': 'a run to t = __t__ ms',
  'words.openEnded': 'an open-ended run',
  'words.unbounded': 'unbounded',
  'memory.neurons': 'neurons',
  'memory.noise buffer': 'noise buffer',
  'memory.spike generator': 'spike generator',
  'memory.synapses': 'synapses',
  'memory.delay buffers': 'delay buffers',
  'memory.spike recording': 'spike recording',
  'memory.state recording': 'state recording',
  'memory.rate recording': 'rate recording',
  'memory.weight recording': 'weight recording',
  'advice.neurons': 'use fewer neurons',
  'advice.noise buffer': 'use fewer neurons',
  'advice.spike generator': 'use fewer channels',
  'advice.synapses': 'make fewer synapses (a lower probability or degree, or smaller populations)',
  'advice.delay buffers': 'use shorter delays, a larger dt, or fewer target neurons',
  'advice.spike recording': 'record a smaller population, shorten the duration or the window, or lower maxSpikes',
  'advice.state recording': 'record fewer neurons or variables, record every k-th step (every), or shorten the duration or the window',
  'advice.rate recording': 'use wider bins, or shorten the duration or the window',
  'advice.weight recording': 'sample less often (every) or use fewer bins, or shorten the duration',
  'detail.neurons': '__neurons__ neurons × __bytes__ bytes',
  'detail.noise': '__neurons__ neurons × __bytes__ bytes (input buffer and random streams)',
  'detail.channels': '__channels__ channels × __bytes__ bytes',
  'detail.channelsTimes': '__channels__ channels × __bytes__ bytes and __times__ spike times',
  'detail.synapses': '__synapses__ synapses × __bytes__ bytes',
  'detail.synapsesHistory': "__synapses__ synapses × __bytes__ bytes and the learning rule's trace history",
  'detail.delays': '__steps__ steps of delay × __neurons__ target neurons × 8 bytes',
  'detail.spikeCounts': 'spike counts of __neurons__ neurons',
  'detail.spikes': '__spikes__ spikes (__neurons__ neurons at __rate__ Hz, at most maxSpikes) × __bytes__ bytes × __overhead__',
  'detail.samples': '__samples__ samples × __series__ series (+ time) × 8 bytes × __overhead__',
  'detail.bins': '__bins__ bins × 3 values × 8 bytes × __overhead__',
  'detail.weights': '__samples__ samples × __values__ values × 8 bytes × __overhead__',
} as const;

export type MessageId = keyof typeof ENGLISH;

/** What a placeholder is filled with: a text, a number or another message (translated with it). */
export type Value = string | number | Message;

/**
 * A text for a user: its catalog key (`izh.errors.number`, or a node's own key such as
 * `izh-neuron.errors.payload`), the values of its placeholders and its English.
 */
export interface Message {
  readonly id: string;
  readonly values: Readonly<Record<string, Value>>;
  readonly english: string;
}

/** Fills the `__name__` placeholders of a template (a value that is a message gives its English). */
export function fill(template: string, values: Readonly<Record<string, Value>>): string {
  return template.replace(/__(\w+)__/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return typeof value === 'object' ? value.english : String(value);
  });
}

/** A message of lib by its id (the catalog key is `izh.<id>`). */
export function message(id: MessageId, values: Readonly<Record<string, Value>> = {}): Message {
  return { id: `izh.${id}`, values, english: fill(ENGLISH[id], values) };
}

export function isMessage(x: unknown): x is Message {
  return typeof x === 'object' && x !== null && typeof (x as Message).id === 'string' && typeof (x as Message).english === 'string';
}

/** `a, b, c` (nothing for an empty list). */
export function commaList(words: readonly Value[]): Value {
  return words.length === 0 ? '' : words.reduce((first, next) => message('words.comma', { first, next }));
}

/** `a, b or c` (nothing for an empty list). */
export function listOr(words: readonly Value[]): Value {
  if (words.length <= 1) return words[0] ?? '';
  return message('words.or', { first: commaList(words.slice(0, -1)), last: words[words.length - 1] });
}

/** What messages call a kind of node: `neuron` for izh-neuron (the type itself for other types). */
export function kindOf(type: string): Value {
  const id = `kinds.${type}`;
  return id in ENGLISH ? message(id as MessageId) : type;
}

/** How a node is named in messages: `neuron "RS"`, or `neuron 1a2b3c` when it has no name. */
export function nodeLabel(type: string, name: string | undefined, id: string): Message {
  return name ? message('labels.named', { kind: kindOf(type), name }) : message('labels.id', { kind: kindOf(type), id });
}

/** An error whose text is a Message: `message` is its English, `text` what a translation needs. */
export class LocalizedError extends Error {
  constructor(readonly text: Message) {
    super(text.english);
    this.name = 'LocalizedError';
  }
}
