/**
 * How a monitor node sends what it recorded: its display settings. The compiler checks them
 * with the rest of the network, so a run with a bad one is refused before it starts; the
 * monitor nodes read them with the same function.
 */
import { DEFAULT_CHART_POINTS } from '../render/charts';
import { oneOf, optionalNumber, toBoolean } from '../engine/validate';

/** Plain arrays, or messages a Dashboard 2 chart takes as they are. */
export const FORMATS = ['arrays', 'chart'] as const;
export type Format = (typeof FORMATS)[number];

export interface MonitorOutput {
  /** send every chunk while running, not only the result at the end */
  live: boolean;
  format: Format;
  /** most points per line in one chart message */
  chartPoints: number;
  /** state monitors: the end-of-run message also carries msg.svg */
  svg: boolean;
}

export function normalizeMonitorOutput(raw: Record<string, unknown>): MonitorOutput {
  return {
    live: toBoolean('live', raw.live, false),
    format: oneOf('format', raw.format, FORMATS, 'arrays'),
    chartPoints: optionalNumber('chartPoints', raw.chartPoints, DEFAULT_CHART_POINTS, { integer: true, min: 10, max: 100_000 }),
    svg: toBoolean('svg', raw.svg, false),
  };
}
