/**
 * Current expressions such as `20 * (t >= 10)` or `t < 200 ? t/25 : 0`, written in mathjs
 * syntax with one variable, `t` (simulated time in ms); and formulas of other named variables
 * with the same grammar (a per-neuron parameter `-65 + 15 * r^2` of i, N, r, ...; a synaptic
 * weight of i, j, r, ...).
 *
 * User text never reaches the host: the expression is parsed into a tree, every node of the
 * tree is checked against a small grammar (numbers, `t`, constants, operators, conditionals and
 * a list of pure math functions), and only then compiled, into a small program that a loop runs
 * without recursion (so chains such as `t+t+...+t` are safe however deep their tree). Assignments, function definitions,
 * property access, objects, strings and functions that reach the parser or the unit system
 * (`import`, `createUnit`, `evaluate`, `parse`, ...) are refused before anything runs.
 */
import { create, all, type MathNode } from 'mathjs';
import { ConfigError } from './validate';
import { message, type Value } from './messages';
import { MAX_EXPRESSION_LENGTH } from './schema';

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
const TIME_ONLY: readonly string[] = [VARIABLE];
const ALLOWED_NODE_TYPES = new Set([
  'ConstantNode', 'SymbolNode', 'OperatorNode', 'ParenthesisNode', 'FunctionNode', 'ConditionalNode', 'RelationalNode',
]);

/**
 * Deepest nesting an expression may have: parentheses, brackets and braces (function calls
 * included), plus prefix operators in a row (`--t` is -(-t)). mathjs parses each level of
 * parentheses through some twenty-five nested calls and each prefix operator through one more,
 * so deeper text would exhaust the stack inside the parser; the nesting is therefore measured on
 * the text, before parsing. Flat chains such as `t+t+...+t` are not nesting, however long. At
 * 100 levels plus the longest chain that fits in 2000 characters (e.g. `t^t^...^t`, which the
 * parser also recurses on), more than 3000 frames of the stack are left unused.
 */
const MAX_DEPTH = 100;

/** Words mathjs reads as binary operators: a + or - after them is a sign. */
const WORD_OPERATORS = new Set(['and', 'or', 'xor', 'mod', 'to', 'in']);

/**
 * Deepest nesting of a text: the depth of (), [] and {}, plus the prefix operators (- + ~ not)
 * in a row at that point. A light scan, not a parse: it only has to tell signs from binary
 * operators, and numbers such as 1e-3 from subtractions.
 */
function nestingOf(text: string): number {
  let depth = 0;
  let prefixes = 0;
  let deepest = 0;
  let expectOperand = true; // at the start, after an opening bracket, a comma or a binary operator
  const isWordStart = (c: string) => /[A-Za-z_$\u00C0-\uFFFF]/.test(c);
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '(' || c === '[' || c === '{') {
      deepest = Math.max(deepest, ++depth);
      prefixes = 0;
      expectOperand = true;
      i++;
    } else if (c === ')' || c === ']' || c === '}') {
      if (depth > 0) depth--;
      prefixes = 0;
      expectOperand = false;
      i++;
    } else if (/[0-9.]/.test(c)) {
      const number = /^(\d*\.?\d*)([eE][+-]?\d+)?/.exec(text.slice(i, i + 400))!;
      i += Math.max(1, number[0].length);
      prefixes = 0;
      expectOperand = false;
    } else if (isWordStart(c)) {
      let j = i + 1;
      while (j < text.length && (isWordStart(text[j]) || /[0-9]/.test(text[j]))) j++;
      const word = text.slice(i, j);
      i = j;
      if (word === 'not' && expectOperand) {
        deepest = Math.max(deepest, depth + ++prefixes);
      } else if (WORD_OPERATORS.has(word) && !expectOperand) {
        prefixes = 0;
        expectOperand = true;
      } else {
        prefixes = 0;
        expectOperand = false;
      }
    } else if ((c === '-' || c === '+' || c === '~') && expectOperand) {
      deepest = Math.max(deepest, depth + ++prefixes);
      i++;
    } else if ((c === "'" || (c === '!' && text[i + 1] !== '=')) && !expectOperand) {
      i++; // postfix: transpose, factorial
    } else {
      prefixes = 0;
      expectOperand = true; // a binary operator, ?, :, a comma
      i++;
    }
  }
  return deepest;
}

export interface CompiledExpression {
  readonly text: string;
  /** I(t); throws ConfigError when the value is not a finite number */
  evaluate(t: number): number;
}

/** The children of a node, in mathjs's order (a function's name comes before its arguments). */
function childrenOf(node: MathNode): MathNode[] {
  const children: MathNode[] = [];
  node.forEach((child: MathNode) => children.push(child));
  return children;
}

/**
 * Checks every node of the tree against the grammar, in the order mathjs's traverse() visits
 * them (so the first offence is the one reported), with an explicit stack: a flat chain such as
 * `t+t+...+t` or `--...-t` makes a tree as deep as the text is long.
 */
function check(root: MathNode, text: string, field: string, variables: readonly string[]): void {
  const pending: Array<[MathNode, MathNode | null]> = [[root, null]];
  while (pending.length > 0) {
    const [n, parent] = pending.pop()!;
    if (!ALLOWED_NODE_TYPES.has(n.type)) {
      throw new ConfigError(field, text, message('errors.exprNode', { what: describe(n) }));
    }
    if (n.type === 'ConstantNode') {
      const value = (n as unknown as { value: unknown }).value;
      if (typeof value !== 'number') throw new ConfigError(field, text, message('errors.exprConstant', { value: JSON.stringify(value) }));
    }
    if (n.type === 'FunctionNode') {
      const fn = (n as unknown as { fn: MathNode }).fn;
      const name = fn.type === 'SymbolNode' ? (fn as unknown as { name: string }).name : undefined;
      if (!name || !ALLOWED_FUNCTIONS.has(name)) {
        throw new ConfigError(field, text, message('errors.exprFunction', { name: name ?? describe(fn) }));
      }
    }
    if (n.type === 'SymbolNode') {
      const name = (n as unknown as { name: string }).name;
      const isCallee = parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n;
      if (!isCallee && !variables.includes(name) && !CONSTANTS.has(name)) {
        throw new ConfigError(field, text, variables === TIME_ONLY ? message('errors.exprSymbolTime', { name }) : message('errors.exprSymbol', { name, variables: variables.join(', ') }));
      }
    }
    const children = childrenOf(n);
    for (let i = children.length - 1; i >= 0; i--) pending.push([children[i], n]);
  }
}

/**
 * A checked tree compiled to a flat program for a stack machine, so that evaluating it uses no
 * recursion however deep the tree is. It does what mathjs's own compile() does for these node
 * types, with the same functions of the same mathjs instance.
 */
const PUSH = 0; // pushes value
const VARIABLE_AT = 1; // pushes the variable with index argc
const CALL = 2; // pops argc arguments, pushes fn(...arguments)
const UNLESS = 3; // pops a condition and jumps to `to` when it is false (a ?: conditional)
const JUMP = 4; // jumps to `to`
/** pops rhs and lhs of one link of a chain such as a < b <= c: if fn(lhs, rhs) holds, pushes rhs back; otherwise pushes false and jumps to `to` */
const COMPARE = 5;
const TRUE = 6; // the whole chain held: its last operand on the stack becomes true

type MathFunction = (...args: unknown[]) => unknown;

/** One instruction; every instruction has the same shape, which keeps the loop that runs them fast. */
class Instruction {
  constructor(
    readonly op: number,
    readonly value: unknown = undefined,
    readonly fn: MathFunction = noFunction,
    readonly argc = 0,
    public to = -1,
  ) {}
}
const noFunction: MathFunction = () => undefined;

function mathFunction(name: string): MathFunction {
  const fn = Object.prototype.hasOwnProperty.call(EXTRA_FUNCTIONS, name) ? EXTRA_FUNCTIONS[name] : (math as unknown as Record<string, unknown>)[name];
  if (typeof fn !== 'function') throw new Error(`no function ${name}`);
  return fn as MathFunction;
}

function compileTree(root: MathNode, variables: readonly string[]): Instruction[] {
  const program: Instruction[] = [];
  const tasks: Array<MathNode | (() => void)> = [root];
  while (tasks.length > 0) {
    const task = tasks.pop()!;
    if (typeof task === 'function') {
      task();
      continue;
    }
    const node = task as unknown as Record<string, any>;
    switch (task.type) {
      case 'ConstantNode':
        program.push(new Instruction(PUSH, node.value));
        break;
      case 'SymbolNode':
        program.push(
          variables.includes(node.name)
            ? new Instruction(VARIABLE_AT, undefined, noFunction, variables.indexOf(node.name))
            : new Instruction(PUSH, (math as unknown as Record<string, unknown>)[node.name]),
        );
        break;
      case 'ParenthesisNode':
        tasks.push(node.content);
        break;
      case 'OperatorNode':
      case 'FunctionNode': {
        const args = node.args as MathNode[];
        const call = new Instruction(CALL, undefined, mathFunction(task.type === 'OperatorNode' ? node.fn : node.fn.name), args.length);
        tasks.push(() => program.push(call));
        for (let i = args.length - 1; i >= 0; i--) tasks.push(args[i]);
        break;
      }
      case 'ConditionalNode': {
        // condition; unless -> else; true branch; jump -> end; else: false branch; end:
        const unless = new Instruction(UNLESS);
        const jump = new Instruction(JUMP);
        tasks.push(() => (jump.to = program.length));
        tasks.push(node.falseExpr);
        tasks.push(() => {
          program.push(jump);
          unless.to = program.length;
        });
        tasks.push(node.trueExpr);
        tasks.push(() => program.push(unless));
        tasks.push(node.condition);
        break;
      }
      case 'RelationalNode': {
        // p0; p1; compare -> end; p2; compare -> end; ...; true; end:
        const params = node.params as MathNode[];
        const links: Instruction[] = [];
        tasks.push(() => {
          program.push(new Instruction(TRUE));
          for (const link of links) link.to = program.length;
        });
        for (let i = params.length - 1; i >= 1; i--) {
          const link = new Instruction(COMPARE, undefined, mathFunction(node.conditionals[i - 1]));
          links.push(link);
          tasks.push(() => program.push(link));
          tasks.push(params[i]);
        }
        tasks.push(params[0]);
        break;
      }
      default:
        throw new Error(`cannot compile a ${task.type}`); // check() lets no other node through
    }
  }
  return program;
}

/** What a ?: conditional takes for true, as mathjs decides it. */
function testCondition(condition: unknown): boolean {
  if (typeof condition === 'number' || typeof condition === 'boolean' || typeof condition === 'string') return !!condition;
  if (condition) {
    if (math.isBigNumber(condition)) return !condition.isZero();
    if (math.isComplex(condition)) return !!(condition.re || condition.im);
    if (math.isUnit(condition)) return !!(condition as unknown as { value: unknown }).value;
  }
  if (condition === null || condition === undefined) return false;
  throw new TypeError(`Unsupported type of condition "${math.typeOf(condition)}"`);
}

/** Runs a program with the given values of its variables (in the order they were compiled with). */
function execute(program: readonly Instruction[], values: ArrayLike<number>, stack: unknown[]): unknown {
  let top = -1;
  for (let pc = 0; pc < program.length; ) {
    const ins = program[pc++];
    switch (ins.op) {
      case PUSH:
        stack[++top] = ins.value;
        break;
      case VARIABLE_AT:
        stack[++top] = values[ins.argc];
        break;
      case CALL: {
        const fn = ins.fn;
        const argc = ins.argc;
        if (argc === 1) stack[top] = fn(stack[top]);
        else if (argc === 2) {
          top--;
          stack[top] = fn(stack[top], stack[top + 1]);
        } else {
          const args = stack.slice(top + 1 - argc, top + 1);
          top -= argc;
          stack[++top] = fn(...args);
        }
        break;
      }
      case UNLESS:
        if (!testCondition(stack[top--])) pc = ins.to;
        break;
      case JUMP:
        pc = ins.to;
        break;
      case COMPARE: {
        const fn = ins.fn;
        const rhs = stack[top--];
        if (fn(stack[top], rhs)) stack[top] = rhs;
        else {
          stack[top] = false;
          pc = ins.to;
        }
        break;
      }
      case TRUE:
        stack[top] = true;
        break;
    }
  }
  return stack[0];
}

function describe(n: MathNode): Value {
  switch (n.type) {
    case 'AssignmentNode': return message('words.assignment');
    case 'FunctionAssignmentNode': return message('words.functionDefinition');
    case 'AccessorNode': return message('words.propertyAccess');
    case 'IndexNode': return message('words.indexing');
    case 'ObjectNode': return message('words.object');
    case 'ArrayNode': return message('words.matrix');
    case 'BlockNode': return message('words.statements');
    case 'RangeNode': return message('words.range');
    default: return n.type;
  }
}

/** Parses, checks and compiles a text of the given variables into a program; throws ConfigError naming the field. */
function compileText(raw: unknown, field: string, variables: readonly string[]): { text: string; program: Instruction[]; tree: MathNode } {
  if (typeof raw !== 'string' || raw.trim() === '') throw new ConfigError(field, raw, message('errors.exprEmpty', { variables: variables.join(', ') }));
  const text = raw.trim();
  if (text.length > MAX_EXPRESSION_LENGTH) throw new ConfigError(field, text, message('errors.exprLong', { limit: MAX_EXPRESSION_LENGTH }));
  const nesting = nestingOf(text);
  if (nesting > MAX_DEPTH) throw new ConfigError(field, text, message('errors.exprDeep', { depth: nesting, limit: MAX_DEPTH }));
  let tree: MathNode;
  try {
    tree = math.parse(text);
  } catch (e) {
    // the parser recurses for every level of parentheses and for chains such as ---t or t^t^t;
    // within the limits above it has room to spare unless a caller already used most of the stack
    if (e instanceof RangeError) throw new ConfigError(field, text, message('errors.exprComplex', { error: e.message }));
    throw new ConfigError(field, text, message('errors.exprParse', { error: (e as Error).message }));
  }
  try {
    check(tree, text, field, variables);
    return { text, program: compileTree(tree, variables), tree };
  } catch (e) {
    if (e instanceof ConfigError) throw e;
    throw new ConfigError(field, text, message('errors.exprCompile', { error: (e as Error).message }));
  }
}

/** Runs a program and returns its value as a finite number, or throws a ConfigError saying where it failed. */
function evaluateProgram(program: readonly Instruction[], values: ArrayLike<number>, stack: unknown[], field: string, text: string, where: () => Value): number {
  let value: unknown;
  try {
    value = execute(program, values, stack);
  } catch (e) {
    stack.length = 0;
    throw new ConfigError(field, text, message('errors.exprFails', { where: where(), error: (e as Error).message }));
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  const number = typeof value === 'boolean' ? Number(value) : value;
  if (typeof number !== 'number' || !Number.isFinite(number)) {
    throw new ConfigError(field, text, message('errors.exprNotFinite', { result: String(value), where: where() }));
  }
  return number;
}

/** Parses, checks and compiles an expression of t; throws ConfigError naming the field. */
export function compileExpression(raw: unknown, field = 'expression'): CompiledExpression {
  const { text, program } = compileText(raw, field, TIME_ONLY);
  const stack: unknown[] = [];
  const values = [0];
  const evaluate = (t: number): number => {
    values[0] = t;
    return evaluateProgram(program, values, stack, field, text, () => message('words.atTime', { t }));
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
  const { text, program } = compileText(raw, field, variables);
  const uses = new Set(program.filter((ins) => ins.op === VARIABLE_AT).map((ins) => variables[ins.argc]));
  const stack: unknown[] = [];
  const values = new Float64Array(variables.length);
  return {
    text,
    uses,
    evaluate(given) {
      for (let v = 0; v < variables.length; v++) values[v] = given[variables[v]] ?? NaN;
      return evaluateProgram(program, values, stack, field, text, () => Object.entries(given).map(([k, x]) => `${k} = ${x}`).join(', ') || message('words.evaluation'));
    },
  };
}
