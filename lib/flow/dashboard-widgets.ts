/**
 * Node builders for the Dashboard 2 examples (@flowfuse/node-red-dashboard): the ui-base, theme,
 * pages and groups of one example, and the widgets they use, with every field the editor's dialogs
 * write, so an imported example looks like one built by hand.
 *
 * How the examples import next to an existing dashboard and next to each other: every example
 * brings its own ui-base (path /dashboard) and theme with ids of its own, and pages whose paths
 * start with /spiking-red- (one path segment: Dashboard 2 loads its scripts relative to the page's
 * URL, so a page at /dashboard/a/b works when reached from another page but not when loaded
 * directly or reloaded). Dashboard 2 (1.4 and later) allows one ui-base per Node-RED: when an
 * import adds a second one, its editor removes the newcomer and points the imported pages at the
 * ui-base already there. So an example imported into a Node-RED without a dashboard brings the
 * dashboard at /dashboard; imported next to one, its pages join that dashboard; no id is shared
 * between examples, so the editor's "nodes already exist" question never comes up.
 */
import type { FlowNode } from './compiler';

/** How the paths of all our dashboard pages start (/dashboard/spiking-red-explorer, ...). */
export const PAGE_PREFIX = '/spiking-red-';

export interface DashboardIds {
  /** the ui-base of this example (dropped by the editor when a dashboard is already there) */
  base: string;
  theme: string;
  /** name of the ui-base and the theme */
  name: string;
}

/** `path`: the page's own part, e.g. `explorer` for /dashboard/spiking-red-explorer */
export interface PageSpec { id: string; name: string; path: string; order: number; icon?: string }
export interface GroupSpec { id: string; name: string; page: string; width: number; order: number }

export function dashboardConfig(ids: DashboardIds, pages: PageSpec[], groups: GroupSpec[]): FlowNode[] {
  return [
    {
      id: ids.base, type: 'ui-base', name: ids.name, path: '/dashboard', includeClientData: true,
      acceptsClientConfig: ['ui-notification', 'ui-control'], showPathInSidebar: false, navigationStyle: 'default', titleBarStyle: 'default',
    },
    {
      id: ids.theme, type: 'ui-theme', name: ids.name,
      colors: { surface: '#ffffff', primary: '#b5651d', bgPage: '#eeeeee', groupBg: '#ffffff', groupOutline: '#cccccc' },
      sizes: { pagePadding: '12px', groupGap: '12px', groupBorderRadius: '4px', widgetGap: '12px' },
    },
    ...pages.map((p) => ({
      id: p.id, type: 'ui-page', name: p.name, ui: ids.base, path: `${PAGE_PREFIX}${p.path}`, icon: p.icon ?? 'chart-line', layout: 'grid', theme: ids.theme,
      order: p.order, className: '', visible: 'true', disabled: 'false',
    })),
    ...groups.map((g) => ({
      id: g.id, type: 'ui-group', name: g.name, page: g.page, width: String(g.width), height: '1', order: g.order,
      showTitle: true, className: '', visible: 'true', disabled: 'false',
    })),
  ];
}

/** Where a node sits: its tab and its place in the editor. */
export interface At { z: string; x: number; y: number }

export interface ChartSpec {
  id: string;
  group: string;
  label: string;
  order: number;
  type: 'line' | 'scatter' | 'bar';
  /** keys of the x and y values in each point */
  xKey: string;
  yKey: string;
  xLabel: string;
  yLabel: string;
  /** a categorical x axis (bars of a histogram); otherwise linear */
  categories?: boolean;
  ymin?: number;
  ymax?: number;
  width?: number;
  height?: number;
  legend?: boolean;
  colors?: string[];
}

export function chart(o: ChartSpec, at: At, wires: string[] = []): FlowNode {
  const scatter = o.type === 'scatter';
  return {
    id: o.id, type: 'ui-chart', z: at.z, group: o.group, name: o.label, label: o.label, order: o.order,
    chartType: o.type, category: 'topic', categoryType: 'msg',
    xAxisLabel: o.xLabel, xAxisProperty: o.xKey, xAxisPropertyType: 'property', xAxisType: o.categories ? 'category' : 'linear', xAxisFormat: '', xAxisFormatType: 'auto',
    xmin: '', xmax: '',
    yAxisLabel: o.yLabel, yAxisProperty: o.yKey, yAxisPropertyType: 'property',
    ymin: o.ymin === undefined ? '' : String(o.ymin), ymax: o.ymax === undefined ? '' : String(o.ymax),
    bins: 10, action: 'append', stackSeries: false, pointShape: scatter ? 'line' : 'false', pointRadius: scatter ? 8 : 0, showLegend: o.legend ?? false,
    removeOlder: 1, removeOlderUnit: '3600', removeOlderPoints: '',
    colors: o.colors ?? ['#b5651d', '#0095FF', '#2CA02C', '#FF7F0E', '#A347E1', '#D62728', '#FF9896', '#9467BD', '#C5B0D5'],
    textColor: ['#666666'], textColorDefault: true, gridColor: ['#e5e5e5'], gridColorDefault: true,
    width: o.width ?? 9, height: o.height ?? 4, className: '', interpolation: 'linear',
    x: at.x, y: at.y, wires: [wires],
  };
}

export function slider(id: string, group: string, label: string, topic: string, [min, max, step]: [number, number, number], order: number, at: At, wire: string): FlowNode {
  return {
    id, type: 'ui-slider', z: at.z, group, name: label, label, tooltip: '', order, width: 0, height: 0, passthru: false, outs: 'end',
    topic, topicType: 'str', thumbLabel: true, showTicks: 'never', min, max, step, className: 'izh-slider', iconPrepend: '', iconAppend: '',
    color: '', colorTrack: '', colorThumb: '', showTextField: true, x: at.x, y: at.y, wires: [[wire]],
  };
}

export function dropdown(id: string, group: string, label: string, topic: string, options: Array<{ label: string; value: string }>, order: number, at: At, wires: string[]): FlowNode {
  return {
    id, type: 'ui-dropdown', z: at.z, group, name: label, label, tooltip: '', order, width: 0, height: 0, passthru: false,
    multiple: false, chips: false, clearable: false, options: options.map((o) => ({ ...o, type: 'str' })),
    payload: '', topic, topicType: 'str', className: '', typeIsComboBox: true, msgTrigger: 'onChange', x: at.x, y: at.y, wires: [wires],
  };
}

export function button(id: string, group: string, label: string, icon: string, topic: string, payload: string, order: number, at: At, wires: string[]): FlowNode {
  return {
    id, type: 'ui-button', z: at.z, group, name: label, label, order, width: 0, height: 0, emulateClick: false, tooltip: '', color: '', bgcolor: '',
    className: '', icon, iconPosition: 'left', payload, payloadType: 'str', topic, topicType: 'str', buttonColor: '', textColor: '', iconColor: '',
    enableClick: true, enablePointerdown: false, pointerdownPayload: '', pointerdownPayloadType: 'str', enablePointerup: false, pointerupPayload: '',
    pointerupPayloadType: 'str', x: at.x, y: at.y, wires: [wires],
  };
}

export function numberInput(id: string, group: string, label: string, topic: string, [min, max, step]: [number, number, number], order: number, at: At, wires: string[]): FlowNode {
  return {
    id, type: 'ui-number-input', z: at.z, group, name: label, label, order, width: 0, height: 0, topic, topicType: 'str', min, max, step, tooltip: '',
    delay: 300, passthru: false, sendOnDelay: false, sendOnBlur: true, sendOnEnter: true, className: '', clearable: false, icon: '', iconPosition: 'left',
    iconInnerPosition: 'inside', spinner: 'default', x: at.x, y: at.y, wires: [wires],
  };
}

export function text(id: string, group: string, label: string, order: number, at: At, width = 0): FlowNode {
  return {
    id, type: 'ui-text', z: at.z, group, order, width, height: 0, name: label, label, format: '{{msg.payload}}', layout: 'row-left', style: false, font: '',
    fontSize: 14, color: '#717171', wrapText: true, className: '', value: 'payload', valueType: 'msg', x: at.x, y: at.y, wires: [],
  };
}

/** A ui-template widget of a group (`format` holds the Vue component), or a page's style sheet. */
export function template(id: string, name: string, format: string, place: { group: string; order: number; width: number; height?: number } | { page: string }, at: At, wires: string[] = []): FlowNode {
  const widget = 'group' in place;
  return {
    id, type: 'ui-template', z: at.z, group: widget ? place.group : '', page: widget ? '' : place.page, ui: '', name, order: widget ? place.order : 0,
    width: widget ? String(place.width) : 0, height: widget ? String(place.height ?? 0) : 0, head: '', format, storeOutMessages: false, passthru: false,
    resendOnRefresh: false, templateScope: widget ? 'local' : 'page:style', className: '', x: at.x, y: at.y, wires: [wires],
  };
}

export function functionNode(id: string, name: string, func: string, outputs: number, at: At, wires: string[][]): FlowNode {
  return { id, type: 'function', z: at.z, name, func, outputs, timeout: 0, noerr: 0, initialize: '', finalize: '', libs: [], x: at.x, y: at.y, wires };
}

export function comment(id: string, name: string, info: string, at: At): FlowNode {
  return { id, type: 'comment', z: at.z, name, info, x: at.x, y: at.y, wires: [] };
}

export function inject(id: string, name: string, topic: string, payload: string, payloadType: 'str' | 'num' | 'json', at: At, wires: string[], repeat = ''): FlowNode {
  return {
    id, type: 'inject', z: at.z, name, props: [{ p: 'payload' }, { p: 'topic', vt: 'str' }], repeat, crontab: '', once: true, onceDelay: 0.5,
    topic, payload, payloadType, x: at.x, y: at.y, wires: [wires],
  };
}
