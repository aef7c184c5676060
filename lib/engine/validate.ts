/**
 * Validation helpers shared by the engine, the flow compiler and the Node-RED adapters.
 * Every failure is a ConfigError that names the field and the offending value, so a node
 * can prefix its own name and show the whole sentence to the user.
 */
import { LocalizedError, message, type Message } from './messages';

export class ConfigError extends LocalizedError {
  constructor(
    readonly field: string,
    readonly value: unknown,
    /** why the value is refused, e.g. message('errors.min', {bound: 0}) */
    readonly why: Message,
    /** the node the problem belongs to, when known: a name or id, or a label such as nodeLabel() gives */
    readonly node?: Message | string,
  ) {
    const values = { field, reason: why, value: show(value) };
    super(node === undefined || node === '' ? message('errors.sentenceBare', values) : message('errors.sentence', { node, ...values }));
    this.name = 'ConfigError';
  }

  /** Why the value is refused, in English (e.g. "must be at least 0"). */
  get reason(): string {
    return this.why.english;
  }

  /** The node the problem belongs to, in English (e.g. `neuron "RS"`), when known. */
  get nodeLabel(): string | undefined {
    return typeof this.node === 'object' ? this.node.english : this.node;
  }

  /** The field and the reason, short enough for a node's status. */
  get short(): Message {
    return message('errors.status', { field: this.field, reason: this.why });
  }

  /** The same error attributed to a node. */
  forNode(node: Message | string): ConfigError {
    return new ConfigError(this.field, this.value, this.why, node);
  }
}

/** A short, safe rendering of any value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') {
    const s = value.length > 40 ? `${value.slice(0, 40)}…` : value;
    return JSON.stringify(s);
  }
  if (typeof value === 'number' || typeof value === 'boolean' || value == null) return String(value);
  if (typeof value === 'function') return 'a function';
  try {
    const s = JSON.stringify(value);
    return s.length > 60 ? `${s.slice(0, 60)}…` : s;
  } catch {
    return Object.prototype.toString.call(value);
  }
}

export interface NumberRule {
  min?: number;
  max?: number;
  /** strict lower bound: value must be greater than this */
  above?: number;
  integer?: boolean;
}

/** A number in decimal notation: "12", "-1.5", ".5", "2.", "1e-3" (not "0x10", "0b1", "0o7"). */
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/**
 * Reads a finite number from a config value. Numeric strings in decimal notation are accepted
 * because the Node-RED editor stores text inputs as strings; blank, NaN, Infinity, hex, binary
 * or octal text and anything else are rejected with a message that says what was expected.
 */
export function toNumber(field: string, raw: unknown, rule: NumberRule = {}): number {
  let value: number;
  if (typeof raw === 'number') value = raw;
  else if (typeof raw === 'string' && raw.trim() !== '') value = Number(raw.trim());
  else throw new ConfigError(field, raw, message('errors.number'));
  if (typeof raw === 'string' && Number.isNaN(value)) throw new ConfigError(field, raw, message('errors.number'));
  // Number() also reads "0x10", "0b1" and "0o7"; a setting is written in decimal
  if (typeof raw === 'string' && Number.isFinite(value) && !DECIMAL.test(raw.trim())) {
    throw new ConfigError(field, raw, message('errors.decimal'));
  }
  if (!Number.isFinite(value)) throw new ConfigError(field, raw, message('errors.finite'));
  if (rule.integer && !Number.isInteger(value)) throw new ConfigError(field, raw, message('errors.whole'));
  if (rule.above !== undefined && !(value > rule.above)) throw new ConfigError(field, raw, message('errors.above', { bound: rule.above }));
  if (rule.min !== undefined && value < rule.min) throw new ConfigError(field, raw, message('errors.min', { bound: rule.min }));
  if (rule.max !== undefined && value > rule.max) throw new ConfigError(field, raw, message('errors.max', { bound: rule.max }));
  return value;
}

/** An unset config value: undefined, null or a blank string. */
export function isBlank(raw: unknown): boolean {
  return raw === undefined || raw === null || (typeof raw === 'string' && raw.trim() === '');
}

/** Like toNumber, but blank (undefined, null, '') gives the fallback. */
export function optionalNumber(field: string, raw: unknown, fallback: number, rule: NumberRule = {}): number {
  if (isBlank(raw)) return fallback;
  return toNumber(field, raw, rule);
}

/** A value that must be one of a fixed set of strings. */
export function oneOf<T extends string>(field: string, raw: unknown, allowed: readonly T[], fallback?: T): T {
  if ((raw === undefined || raw === null || raw === '') && fallback !== undefined) return fallback;
  if (typeof raw === 'string' && (allowed as readonly string[]).includes(raw)) return raw as T;
  throw new ConfigError(field, raw, message('errors.oneOf', { options: allowed.join(', ') }));
}

/** A boolean from a checkbox (true/false) or its string form. */
export function toBoolean(field: string, raw: unknown, fallback: boolean): boolean {
  if (raw === undefined || raw === null || raw === '') return fallback;
  if (raw === true || raw === 'true') return true;
  if (raw === false || raw === 'false') return false;
  throw new ConfigError(field, raw, message('errors.boolean'));
}

/**
 * A list of numbers given as an array or as text separated by commas or spaces,
 * e.g. "40, 60, 280, 320".
 */
export function toNumberList(field: string, raw: unknown, rule: NumberRule = {}): number[] {
  let items: unknown[];
  if (Array.isArray(raw)) items = raw;
  else if (typeof raw === 'string') items = raw.split(/[\s,;]+/).filter((s) => s !== '');
  else if (typeof raw === 'number') items = [raw];
  else throw new ConfigError(field, raw, message('errors.numberList'));
  return items.map((item, i) => {
    try {
      return toNumber(field, item, rule);
    } catch (e) {
      throw new ConfigError(`${field}[${i}]`, item, (e as ConfigError).why);
    }
  });
}
