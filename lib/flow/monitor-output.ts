/**
 * How a monitor node sends what it recorded: its display settings. The compiler checks them
 * with the rest of the network, so a run with a bad one is refused before it starts; the
 * monitor nodes read them with the same function.
 */
import { FORMATS, readerOf } from '../engine/schema';

/** Plain arrays, or messages a Dashboard 2 chart takes as they are. */
export { FORMATS };
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

/** A monitor's display settings (the fields every monitor has; the state monitor's svg, off for the others). */
export function normalizeMonitorOutput(raw: Record<string, unknown>): MonitorOutput {
  // the four monitors share these fields; the state monitor's schema holds them all
  const read = readerOf('izh-state-monitor', raw);
  return {
    live: read.boolean('live'),
    format: read.choice<Format>('format'),
    chartPoints: read.number('chartPoints'),
    svg: read.boolean('svg'),
  };
}
