/**
 * The small part of Node-RED's runtime API these nodes use, typed here so the package needs
 * no type package that lags behind Node-RED (the API is the same in Node-RED 3, 4 and 5).
 */
import type { FlowNode } from '../lib/flow/compiler';

export interface NodeMessage {
  _msgid?: string;
  topic?: string;
  payload?: unknown;
  [key: string]: unknown;
}

export type StatusFill = 'red' | 'green' | 'yellow' | 'blue' | 'grey';
export interface NodeStatus {
  fill?: StatusFill;
  shape?: 'ring' | 'dot';
  text?: string;
}

export type SendFunction = (msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>) => void;
export type DoneFunction = (err?: Error) => void;

export interface Node {
  id: string;
  type: string;
  name?: string;
  z?: string;
  on(event: 'input', handler: (msg: NodeMessage, send: SendFunction, done: DoneFunction) => void): void;
  on(event: 'close', handler: (removed: boolean, done: () => void) => void): void;
  on(event: string, handler: (...args: any[]) => void): void;
  emit(event: string, ...args: unknown[]): boolean;
  send(msg: NodeMessage | Array<NodeMessage | NodeMessage[] | null>): void;
  status(status: NodeStatus): void;
  error(err: unknown, msg?: NodeMessage): void;
  warn(message: unknown): void;
  log(message: unknown): void;
  receive(msg: NodeMessage): void;
}

export interface HttpRequest { params: Record<string, string>; body?: unknown }
export interface HttpResponse { status(code: number): HttpResponse; json(body: unknown): void; send(body?: unknown): void; sendStatus(code: number): void }
type Handler = (req: HttpRequest, res: HttpResponse) => void;

export interface NodeRED {
  nodes: {
    createNode(node: object, config: object): void;
    registerType(type: string, constructor: (this: Node, config: any) => void, options?: object): void;
    getNode(id: string): Node | null;
    eachNode(callback: (config: FlowNode) => void): void;
  };
  events: { on(event: string, handler: (...args: any[]) => void): void; removeListener(event: string, handler: (...args: any[]) => void): void };
  httpAdmin: { get(path: string, ...handlers: Array<Handler | unknown>): void; post(path: string, ...handlers: Array<Handler | unknown>): void };
  auth: { needsPermission(permission: string): unknown };
  log: { warn(message: unknown): void; info(message: unknown): void };
  /** the runtime's settings (settings.js), e.g. izhClockMemoryBudget */
  settings?: Record<string, unknown>;
  /** a text of the node set's message catalogs in the runtime's language (`namespace:key`, values for its __placeholders__) */
  _?(key: string, values?: Record<string, unknown>): string;
  /** getSetting reads an environment variable as a node sees it: its group's, its flow's, then process.env */
  util?: { getSetting?(node: Node | null, name: string): unknown };
}
