import type { Labels, MetricFamily } from './types.ts';
import { formatSampleValue } from './number.ts';

/*
 * The inverse of the parser, for simulated engines and for round-trip tests. Output is text format
 * 0.0.4: HELP, TYPE, then one line per sample, families in the order given.
 */

function escapeLabelValue(value: string): string {
  if (!/[\\"\n]/.test(value)) return value;
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function escapeHelp(help: string): string {
  if (!/[\\\n]/.test(help)) return help;
  return help.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

export function renderLabels(labels: Labels): string {
  let out = '';
  for (const name in labels) {
    const value = labels[name] ?? '';
    out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(value)}"`;
  }
  return out === '' ? '' : `{${out}}`;
}

export function renderFamily(family: MetricFamily): string {
  let out = '';
  if (family.help !== undefined) out += `# HELP ${family.name} ${escapeHelp(family.help)}\n`;
  out += `# TYPE ${family.name} ${family.type}\n`;
  for (const s of family.samples) {
    out += `${s.name}${renderLabels(s.labels)} ${formatSampleValue(s.value)}`;
    out += s.timestampMs === undefined ? '\n' : ` ${String(s.timestampMs)}\n`;
  }
  return out;
}

/** Renders families as one exposition page. */
export function renderPrometheusText(families: Iterable<MetricFamily>): string {
  let out = '';
  for (const f of families) out += renderFamily(f);
  return out;
}
