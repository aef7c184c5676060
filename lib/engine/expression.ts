/**
 * Current expressions such as `20 * (t >= 10)` or `t < 200 ? t/25 : 0`, written in mathjs
 * syntax with one variable, `t` (simulated time in ms).
 *
 * User text never reaches the host: the expression is parsed into a tree, every node of the
 * tree is checked against a small grammar (numbers, `t`, constants, operators, conditionals and
 * a list of pure math functions), and only then compiled. Assignments, function definitions,
 * property access, objects, strings and functions that reach the parser or the unit system
 * (`import`, `createUnit`, `evaluate`, `parse`, ...) are refused before anything runs.
 */
import { create, all, type MathNode } from 'mathjs';
import { ConfigError } from './validate';

const math = create(all, {});

/** Pure numeric functions an expression may call. */
const ALLOWED_FUNCTIONS = new Set([
  'abs', 'sign', 'sqrt', 'cbrt', 'exp', 'expm1', 'log', 'log10', 'log2', 'log1p', 'pow',
  'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'atan2', 'sinh', 'cosh', 'tanh',
  'min', 'max', 'floor', 'ceil', 'round', 'fix', 'mod', 'heaviside', 'square', 'cube',
  'hypot', 'not', 'and', 'or', 'xor', 'equal', 'unequal', 'larger', 'smaller', 'largerEq', 'smallerEq',
]);
/** heaviside is not built into mathjs; it is the one helper we add. */
const EXTRA_FUNCTIONS: Record<string, (...args: unknown[]) => number> = {
  heaviside: (...args: unknown[]) => {
    const x = args[0];
    if (args.length !== 1 || typeof x !== 'number') throw new TypeError(`heaviside takes one number (got ${args.length} argument${args.length === 1 ? '' : 's'})`);
    return x > 0 ? 1 : x < 0 ? 0 : 0.5;
  },
};
const CONSTANTS = new Set(['pi', 'e', 'tau', 'phi']);
const VARIABLE = 't';
const TIME_ONLY: ReadonlySet<string> = new Set([VARIABLE]);
const ALLOWED_NODE_TYPES = new Set([
  'ConstantNode', 'SymbolNode', 'OperatorNode', 'ParenthesisNode', 'FunctionNode', 'ConditionalNode', 'RelationalNode',
]);

/** Deepest nesting an expression may have; deeper trees would exhaust the stack while being checked. */
const MAX_DEPTH = 200;

/** Depth of a tree, found without recursion; stops counting beyond MAX_DEPTH. */
function depthOf(root: MathNode): number {
  let deepest = 0;
  const stack: Array<[MathNode, number]> = [[root, 1]];
  while (stack.length > 0 && deepest <= MAX_DEPTH) {
    const [node, depth] = stack.pop()!;
    deepest = Math.max(deepest, depth);
    node.forEach((child: MathNode) => stack.push([child, depth + 1]));
  }
  return deepest;
}

export interface CompiledExpression {
  readonly text: string;
  /** I(t); throws ConfigError when the value is not a finite number */
  evaluate(t: number): number;
}

function check(node: MathNode, text: string, field: string, variables: ReadonlySet<string>): void {
  node.traverse((n: MathNode, _path: string, parent: MathNode | null) => {
    if (!ALLOWED_NODE_TYPES.has(n.type)) {
      throw new ConfigError(field, text, `may only use numbers, t, operators, ?: and math functions; ${describe(n)} is not allowed`);
    }
    if (n.type === 'ConstantNode') {
      const value = (n as unknown as { value: unknown }).value;
      if (typeof value !== 'number') throw new ConfigError(field, text, `may only contain numbers, not ${JSON.stringify(value)}`);
    }
    if (n.type === 'FunctionNode') {
      const fn = (n as unknown as { fn: MathNode }).fn;
      const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : undefined;
      if (!name || !ALLOWED_FUNCTIONS.has(name)) {
        throw new ConfigError(field, text, `uses the function ${name ?? describe(fn)}, which is not allowed; only pure math functions such as sin, exp, abs, min, max, heaviside are`);
      }
    }
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      const isCallee = parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n;
      if (!isCallee && !variables.has(name) && !CONSTANTS.has(name)) {
        const known = variables === TIME_ONLY ? 'the only variable is t, in ms' : `the variables are ${[...variables].join(', ')}`;
        throw new ConfigError(field, text, `uses the unknown symbol "${name}" (${known})`);
      }
    }
  });
}

function describe(n: MathNode): string {
  switch (n.type) {
    case 'AssignmentNode': return 'an assignment';
    case 'FunctionAssignmentNode': return 'a function definition';
    case 'AccessorNode': return 'property access';
    case 'IndexNode': return 'indexing';
    case 'ObjectNode': return 'an object';
    case 'ArrayNode': return 'a matrix';
    case 'BlockNode': return 'several statements';
    case 'RangeNode': return 'a range';
    default: return n.type;
  }
}

/** Parses and checks an expression against the grammar and the allowed variables; returns its compiled code. */
function compileChecked(raw: unknown, field: string, variables: ReadonlySet<string>, what: string): { text: string; code: ReturnType<MathNode['compile']> } {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(field, raw, `must be a non-empty ${what}`);
  const text = raw.trim();
  if (text.length > 2000) throw new ConfigError(field, text, 'is too long (at most 2000 characters)');
  let tree: MathNode;
  try {
    tree = math.parse(text);
  } catch (e) {
    throw new ConfigError(field, text, `does not parse: ${(e as Error).message}`);
  }
  if (depthOf(tree) > MAX_DEPTH) throw new ConfigError(field, text, `is nested too deeply (at most ${MAX_DEPTH} levels)`);
  try {
    check(tree, text, field, variables);
    return { text, code: tree.compile() };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // e.g. a RangeError from thousands of nested operators
    throw new ConfigError(field, text, `is too complex to compile: ${(e as Error).message}`);
  }
}

/** A finite number from an evaluation, or a ConfigError saying where it failed. */
function evaluated(code: ReturnType<MathNode['compile']>, scope: Map<string, unknown>, field: string, text: string, where: () => string): number {
  let value: unknown;
  try {
    value = code.evaluate(scope);
  } catch (e) {
    throw new ConfigError(field, text, `fails at ${where()}: ${(e as Error).message}`);
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const number = typeof value === 'boolean' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new ConfigError(field, text, `must give a finite number, but gives ${String(value)} at ${where()}`);
  }
  return number;
}

function newScope(): Map<string, unknown> {
  const scope = new Map<string, unknown>();
  for (const [name, fn] of Object.entries(EXTRA_FUNCTIONS)) scope.set(name, fn);
  return scope;
}

/** Parses, checks and compiles an expression of t; throws ConfigError naming the field. */
export function compileExpression(raw: unknown, field = 'expression'): CompiledExpression {
  const { text, code } = compileChecked(raw, field, TIME_ONLY, 'expression of t');
  const scope = newScope();
  const evaluate = (t: number): number => {
    scope.set(VARIABLE, t);
    return evaluated(code, scope, field, text, () => `t = ${t} ms`);
  };
  evaluate(0); // surface evaluation errors (e.g. wrong argument count) at configuration time
  return { text, evaluate };
}

export interface CompiledFormula {
  readonly text: string;
  /** the variables the formula uses, of those it was allowed */
  readonly uses: ReadonlySet<string>;
  /** its value for the given variables; throws ConfigError when not a finite number */
  evaluate(values: Readonly<Record<string, number>>): number;
}

/**
 * A formula of named variables with the same grammar as current expressions, e.g. a per-neuron
 * parameter `-65 + 15 * r^2` (variables i, N, r, r2, ...) or a synaptic weight `0.5 * r`.
 */
export function compileFormula(raw: unknown, field: string, variables: readonly string[]): CompiledFormula {
  const allowed = new Set(variables);
  const { text, code } = compileChecked(raw, field, allowed, `expression of ${variables.join(', ')}`);
  const uses = new Set<string>();
  math.parse(text).traverse((n: MathNode) => {
    if (n.type === 'SymbolNode' && allowed.has((n as unknown as { name: string }).name)) uses.add((n as unknown as { name: string }).name);
  });
  const scope = newScope();
  return {
    text,
    uses,
    evaluate(values) {
      for (const name of allowed) if (name in values) scope.set(name, values[name]);
      return evaluated(code, scope, field, text, () => Object.entries(values).map(([k, v]) => `${k} = ${v}`).join(', ') || 'evaluation');
    },
  };
}
