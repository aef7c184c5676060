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

function check(node: MathNode, text: string, field: string): void {
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
      if (!isCallee && name !== VARIABLE && !CONSTANTS.has(name)) {
        throw new ConfigError(field, text, `uses the unknown symbol "${name}" (the only variable is t, in ms)`);
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

/** Parses, checks and compiles an expression of t; throws ConfigError naming the field. */
export function compileExpression(raw: unknown, field = 'expression'): CompiledExpression {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(field, raw, 'must be a non-empty expression of t');
  const text = raw.trim();
  if (text.length > 2000) throw new ConfigError(field, text, 'is too long (at most 2000 characters)');
  let tree: MathNode;
  try {
    tree = math.parse(text);
  } catch (e) {
    throw new ConfigError(field, text, `does not parse: ${(e as Error).message}`);
  }
  if (depthOf(tree) > MAX_DEPTH) throw new ConfigError(field, text, `is nested too deeply (at most ${MAX_DEPTH} levels)`);
  let code: ReturnType<MathNode['compile']>;
  try {
    check(tree, text, field);
    code = tree.compile();
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    // e.g. a RangeError from thousands of nested operators
    throw new ConfigError(field, text, `is too complex to compile: ${(e as Error).message}`);
  }
  const scope = new Map<string, unknown>();
  for (const [name, fn] of Object.entries(EXTRA_FUNCTIONS)) scope.set(name, fn);
  const evaluate = (t: number): number => {
    scope.set(VARIABLE, t);
    let value: unknown;
    try {
      value = code.evaluate(scope);
    } catch (e) {
      throw new ConfigError(field, text, `fails at t = ${t} ms: ${(e as Error).message}`);
    }
    const number = typeof value === 'boolean' ? Number(value) : value;
    if (typeof number !== 'number' || !Number.isFinite(number)) {
      throw new ConfigError(field, text, `must give a finite number, but gives ${String(value)} at t = ${t} ms`);
    }
    return number;
  };
  evaluate(0); // surface evaluation errors (e.g. wrong argument count) at configuration time
  return { text, evaluate };
}
