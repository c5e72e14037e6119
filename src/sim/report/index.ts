export { renderReport } from './render.ts';
export { latencyWindows, offeredLoad, type Arrival } from './series.ts';
export { summaryRowFromRecords, type SummaryInput } from './summary.ts';
export { escapeHtml } from './escape.ts';
export { formatCompact, formatDuration, formatLatency, formatNumber, formatPercent } from './format.ts';
export type * from './types.ts';
