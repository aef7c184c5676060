/**
 * Named parameter sets: the 28 published firing patterns of Izhikevich (2003, 2004) and the
 * seven cell types of his 2007 book (TC and RTN twice: tonic and burst mode), each with the
 * scheme, dt, duration and input current it was published with (docs/patterns.md for the 2003
 * and 2004 patterns, docs/book-cells.md for the book's). A preset's `inputs` are current-source configurations in the same shape as an
 * izh-source node's config, so example flows and tests can use them as is.
 */
import { DEFAULT_SCHEME, type RawNeuronConfig, type Scheme } from '../engine/neuron';
import { normalizeSource, sourceExpression } from '../engine/sources';
import { ConfigError } from '../engine/validate';
import { message } from '../engine/messages';

export type PresetGroup = 'cortical' | 'features' | 'book';

export interface Preset {
  /** pattern code as printed in the figures: RS, IB, ..., A ... T; book types are "book RS", ... */
  code: string;
  name: string;
  group: PresetGroup;
  neuron: RawNeuronConfig;
  /** the integration scheme of the publication: izhikevich (2003/2004) or the book's euler (2007) */
  scheme: Scheme;
  clock: { dt: number; duration: number };
  /** current sources whose sum is the published input */
  inputs: Array<Record<string, unknown>>;
  /** what the trace shows */
  signature: string;
  reference: string;
}

const REF_2003 = 'E. M. Izhikevich, "Simple model of spiking neurons", IEEE Trans. Neural Networks 14(6):1569-1572, 2003, Fig. 2';
const REF_2004 = 'E. M. Izhikevich, "Which model to use for cortical spiking neurons?", IEEE Trans. Neural Networks 15(5):1063-1070, 2004, Fig. 1';
const REF_2007 = 'E. M. Izhikevich, "Dynamical Systems in Neuroscience", MIT Press, 2007, ch. 8';

type Abcd = [a: number, b: number, c: number, d: number];

function cortical(code: string, name: string, [a, b, c, d]: Abcd, v0: number, duration: number, inputs: Preset['inputs'], signature: string): Preset {
  return { code, name, group: 'cortical', neuron: { form: '2003', a, b, c, d, v0 }, scheme: DEFAULT_SCHEME['2003'], clock: { dt: 0.25, duration }, inputs, signature, reference: REF_2003 };
}

function feature(code: string, name: string, [a, b, c, d]: Abcd, v0: number, dt: number, duration: number, inputs: Preset['inputs'], signature: string, extra: RawNeuronConfig = {}): Preset {
  return { code, name, group: 'features', neuron: { form: '2003', a, b, c, d, v0, ...extra }, scheme: DEFAULT_SCHEME['2003'], clock: { dt, duration }, inputs, signature, reference: REF_2004 };
}

const step = (amplitude: number, onset?: number, offset?: number, more: Record<string, unknown> = {}) => ({ kind: 'step', amplitude, onset: onset ?? '', offset: offset ?? '', ...more });
const pulses = (amplitude: number, width: number, times: number[], more: Record<string, unknown> = {}) => ({ kind: 'pulses', amplitude, width, times: times.join(', '), ...more });
const ramp = (slope: number, onset: number, more: Record<string, unknown> = {}) => ({ kind: 'ramp', slope, onset, ...more });
const CLASS_1 = { k2: 4.1, k3: 108 };

export const PRESETS: readonly Preset[] = [
  cortical('RS', 'regular spiking', [0.02, 0.2, -65, 8], -63, 150, [step(14, 15)],
    'Tonic spiking with spike-frequency adaptation: the first spikes come fast, then the intervals lengthen.'),
  cortical('IB', 'intrinsically bursting', [0.02, 0.2, -55, 4], -70, 150, [step(11, 15)],
    'An initial burst of spikes, then repetitive single spikes.'),
  cortical('CH', 'chattering', [0.02, 0.2, -50, 2], -70, 150, [step(10, 15)],
    'Stereotypical bursts of closely spaced spikes at a high rate.'),
  cortical('FS', 'fast spiking', [0.1, 0.2, -65, 2], -70, 150, [step(10, 15)],
    'High-frequency tonic spiking with almost no adaptation.'),
  cortical('TC', 'thalamo-cortical (tonic)', [0.02, 0.25, -65, 0.05], -63, 150, [step(1.5, 30)],
    'From rest, a depolarizing step gives tonic firing.'),
  cortical('TCB', 'thalamo-cortical (burst)', [0.02, 0.25, -65, 0.05], -87, 150, [step(-25, undefined, 45, { edges: 'closed' })],
    'Release from hyperpolarization gives a rebound burst.'),
  cortical('RZ', 'resonator', [0.1, 0.26, -65, 2], -70, 100,
    [step(-0.5, 10, undefined, { baseline: -2 }), step(10.5, 60, 65)],
    'Damped subthreshold oscillations; a short pulse at the right moment fires the cell.'),
  cortical('LTS', 'low-threshold spiking', [0.02, 0.25, -65, 2], -63, 250, [step(10, 25)],
    'High-frequency tonic spikes with strong adaptation, from a low threshold.'),

  feature('A', 'tonic spiking', [0.02, 0.2, -65, 6], -70, 0.25, 100, [step(14, 10)], 'Regular spikes while the step lasts.'),
  feature('B', 'phasic spiking', [0.02, 0.25, -65, 6], -64, 0.25, 200, [step(0.5, 20)], 'Exactly one spike at the onset of the step.'),
  feature('C', 'tonic bursting', [0.02, 0.2, -50, 2], -70, 0.25, 220, [step(15, 22)], 'Repeated bursts while the step lasts.'),
  feature('D', 'phasic bursting', [0.02, 0.25, -55, 0.05], -64, 0.2, 200, [step(0.6, 20)], 'One burst at the onset, then silence.'),
  feature('E', 'mixed mode', [0.02, 0.2, -55, 4], -70, 0.25, 160, [step(10, 16)], 'An initial burst, then single spikes.'),
  feature('F', 'spike frequency adaptation', [0.01, 0.2, -65, 8], -70, 0.25, 85, [step(30, 8.5)], 'Inter-spike intervals grow.'),
  feature('G', 'class 1 excitable', [0.02, -0.1, -55, 6], -60, 0.25, 300, [ramp(0.075, 30)],
    'The firing rate rises continuously from near zero along the ramp.', CLASS_1),
  feature('H', 'class 2 excitable', [0.2, 0.26, -65, 0], -64, 0.25, 300, [ramp(0.015, 30, { baseline: -0.5 })],
    'Firing starts abruptly at a non-zero rate.'),
  feature('I', 'spike latency', [0.02, 0.2, -65, 6], -70, 0.2, 100, [step(7.04, 10, 13)], 'One spike, long after a brief pulse.'),
  feature('J', 'subthreshold oscillations', [0.05, 0.26, -60, 0], -62, 0.25, 200, [step(2, 20, 25)],
    'One spike, then a damped subthreshold oscillation.'),
  feature('K', 'resonator', [0.1, 0.26, -60, -1], -62, 0.25, 400, [pulses(0.65, 4, [40, 60, 280, 320])],
    'Only the pulse pair with the resonant spacing fires the cell.'),
  feature('L', 'integrator', [0.02, -0.1, -55, 6], -60, 0.25, 100, [pulses(9, 2, [100 / 11, 100 / 11 + 5, 70, 80])],
    'Only the closely spaced pulse pair fires the cell.', CLASS_1),
  feature('M', 'rebound spike', [0.03, 0.25, -60, 4], -64, 0.2, 200, [step(-15, 20, 25)], 'One spike after release from inhibition.'),
  feature('N', 'rebound burst', [0.03, 0.25, -52, 0], -64, 0.2, 200, [step(-15, 20, 25)], 'A burst after release from inhibition.'),
  feature('O', 'threshold variability', [0.03, 0.25, -60, 4], -64, 0.25, 100, [pulses(1, 5, [10, 80]), step(-6, 70, 75)],
    'The excitatory pulse fires the cell only after the inhibitory one.'),
  feature('P', 'bistability', [0.1, 0.26, -60, 0], -61, 0.25, 300, [pulses(1.24, 5, [37.5, 216], { baseline: 0.24 })],
    'A pulse switches tonic firing on, a second pulse switches it off.'),
  feature('Q', 'depolarizing after-potential', [1, 0.2, -60, -21], -70, 0.1, 50, [step(20, 9, 11)],
    'A depolarized after-potential follows the spike.'),
  feature('R', 'accommodation', [0.02, 1, -55, 4], -65, 0.5, 400,
    [{ kind: 'expression', expression: 't < 200 ? t/25 : (300 <= t and t < 312.5 ? (t-300)/12.5*4 : 0)' }],
    'A slow ramp does not fire the cell, a fast ramp does.', { u0: -16, recovery: 'accommodation' }),
  feature('S', 'inhibition-induced spiking', [-0.02, -1, -60, 8], -63.8, 0.5, 350, [step(75, 50, 250, { baseline: 80, edges: 'closed' })],
    'Spikes only while the input is lowered.'),
  feature('T', 'inhibition-induced bursting', [-0.026, -1, -45, -2], -63.8, 0.5, 350, [step(75, 50, 250, { baseline: 80, edges: 'closed' })],
    'Bursts only while the input is lowered.'),

  ...bookPresets(),
];

/**
 * The book's cell types (ch. 8), run with the book's own scheme (the loop of its Fig. 8.5
 * listing: forward Euler, u from the old v, then the peak test) and the book's stimuli: the
 * listing's for RS, and for the others one current level of the figure as transcribed in
 * ModelDB 39948's izhi2007.m (dt 0.25 ms, the current on from t = 0, burst modes held
 * hyperpolarized for 120 ms first). docs/book-cells.md gives every level and the sources.
 */
function bookPresets(): Preset[] {
  const book = (code: string, name: string, neuron: RawNeuronConfig, dt: number, duration: number, inputs: Preset['inputs'], signature: string, source: string): Preset => ({
    code: `book ${code}`,
    name,
    group: 'book',
    neuron: { form: '2007', ...neuron },
    scheme: DEFAULT_SCHEME['2007'],
    clock: { dt, duration },
    inputs,
    signature,
    reference: `${REF_2007}, ${source} Book units: pF, pA, mV, ms. Scheme: the book's loop (Fig. 8.5 listing), forward Euler with u from the old v`,
  });
  const constant = (amplitude: number) => ({ kind: 'constant', amplitude });
  /** izhi2007.m's burst mode: `hold` pA while t < 120 ms, then `amplitude` */
  const released = (hold: number, amplitude: number) => step(hold, undefined, 120, { baseline: amplitude });
  const RS = { C: 100, k: 0.7, vr: -60, vt: -40, vpeak: 35, a: 0.03, b: -2, c: -50, d: 100 };
  const TC = { C: 200, k: 1.6, vr: -60, vt: -50, vpeak: 35, a: 0.01, b: 15, c: -60, d: 10, bSwitchV: -65, bAbove: 0, peakU: 0.1, resetU: -0.1 };
  const RTN = { C: 40, k: 0.25, vr: -65, vt: -45, vpeak: 0, a: 0.015, b: 10, c: -55, d: 50, bSwitchV: -65, bAbove: 2 };
  const TC_NOTE = 'special rules: b = 0 while v > -65 mV, spike when v >= 35 + 0.1u, reset v <- -60 - 0.1u, u <- u + 10; '
    + 'recovery b(v - vr) = b(v + 60), as in ModelDB 39948 and as the rebound bursts of the book\'s Fig. 8.31 (6 and 8 spikes) show; docs/book-cells.md.';
  return [
    book('RS', 'regular spiking (L5 pyramidal)', RS, 1, 1000, [step(70, 100, undefined, { edges: 'closed' })],
      'Regular tonic spiking at a low rate, starting about 100 ms after the step.',
      'Fig. 8.12 (parameters) and the MATLAB listing of Fig. 8.5 (stimulus and step: 70 pA from the 10th percent of a 1000 ms run, tau = 1 ms).'),
    book('IB', 'intrinsically bursting (L5)', { C: 150, k: 1.2, vr: -75, vt: -45, vpeak: 50, a: 0.01, b: 5, c: -56, d: 130 }, 0.25, 600, [constant(550)],
      'An initial burst (a doublet here), then regular single spikes.',
      'Fig. 8.19; 550 pA, the strongest of the figure\'s levels 290, 370, 500, 550 pA (ModelDB 39948, izhi2007.m: 600 ms, dt 0.25 ms).'),
    book('CH', 'chattering (cat V1)', { C: 50, k: 1.5, vr: -60, vt: -40, vpeak: 25, a: 0.03, b: 1, c: -40, d: 150 }, 0.25, 210, [constant(600)],
      'Repetitive high-frequency bursts of about 3 spikes, some 30 ms apart.',
      'Fig. 8.23; 600 pA, the strongest of the figure\'s levels 200, 300, 400, 600 pA (ModelDB 39948, izhi2007.m: 210 ms, dt 0.25 ms).'),
    book('LTS', 'low-threshold spiking (barrel interneuron)',
      { C: 100, k: 1, vr: -56, vt: -42, vpeak: 40, a: 0.03, b: 8, c: -53, d: 20, peakU: -0.1, resetU: 0.04, uMax: 670 }, 0.25, 320, [constant(300)],
      'High-frequency tonic spiking with spike-frequency adaptation.',
      'Fig. 8.25; 300 pA, the strongest of the figure\'s levels 100, 125, 200, 300 pA (ModelDB 39948, izhi2007.m: 320 ms, dt 0.25 ms); '
      + 'special rules: spike when v >= 40 - 0.1u, reset v <- -53 + 0.04u, u <- min(u + 20, 670).'),
    book('FS', 'fast spiking (L5 interneuron)', { C: 20, k: 1, vr: -55, vt: -40, vpeak: 25, a: 0.2, b: 0.025, c: -45, d: 0, vb: -55 }, 0.25, 100, [constant(400)],
      'Fast spiking (above 100 Hz) without adaptation.',
      'Fig. 8.27; 400 pA, the strongest of the figure\'s levels 73.2, 100, 200, 400 pA (ModelDB 39948, izhi2007.m: 100 ms, dt 0.25 ms); '
      + 'special rule: u\' = 0.2 (U(v) - u) with U(v) = 0.025 (v + 55)^3 for v >= -55 mV, else 0; reset v <- -45, u unchanged.'),
    book('TC', 'thalamocortical relay (LGN, tonic mode)', TC, 0.25, 650, [constant(150)],
      'Tonic firing from rest (-60 mV), no bursts.',
      `Fig. 8.31, tonic mode; 150 pA from rest, the strongest of the figure's levels 50, 100, 150 pA (ModelDB 39948, izhi2007.m: 650 ms, dt 0.25 ms); ${TC_NOTE}`),
    book('TCB', 'thalamocortical relay (LGN, burst mode)', TC, 0.25, 770, [released(-1200, 0)],
      'Held hyperpolarized, then released: a rebound burst, then silence.',
      `Fig. 8.31, burst mode; -1200 pA for 120 ms (v near -80 mV), then 0 pA, the lowest of the figure's levels 0, 50, 100 pA (ModelDB 39948, izhi2007.m: 120 + 650 ms, dt 0.25 ms); ${TC_NOTE}`),
    book('RTN', 'reticular thalamic nucleus (tonic mode)', RTN, 0.25, 650, [constant(70)],
      'Tonic firing from rest (-65 mV), no bursts.',
      'Fig. 8.32, tonic mode; 70 pA from rest, of the figure\'s levels 50, 70, 110 pA (ModelDB 39948, izhi2007.m: 650 ms, dt 0.25 ms); special rule: b = 2 while v > -65 mV.'),
    book('RTNB', 'reticular thalamic nucleus (burst mode)', RTN, 0.25, 840, [released(-350, 50)],
      'Held hyperpolarized, then released: a rebound burst, then tonic single spikes.',
      'Fig. 8.32, burst mode; -350 pA for 120 ms, then 50 pA, of the figure\'s levels 30, 50, 90 pA (ModelDB 39948, izhi2007.m: 120 + 720 ms, dt 0.25 ms); special rule: b = 2 while v > -65 mV.'),
  ];
}

export function findPreset(code: string): Preset | undefined {
  return PRESETS.find((p) => p.code === code);
}

/** A preset's published input (the sum of its sources) as one expression of t. */
export function presetInputExpression(preset: Preset): string {
  const terms = preset.inputs.map((input) => sourceExpression(normalizeSource(input)));
  return terms.length === 1 ? terms[0] : terms.map((term) => `(${term})`).join(' + ');
}

/** The preset named by a message or config field, or a ConfigError listing the known codes. */
export function requirePreset(field: string, code: unknown): Preset {
  const found = typeof code === 'string' ? findPreset(code) : undefined;
  if (!found) throw new ConfigError(field, code, message('errors.notPreset', { known: PRESETS.map((p) => p.code).join(', ') }));
  return found;
}
