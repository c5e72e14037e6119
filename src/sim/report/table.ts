import { escapeHtml } from './escape.ts';
import { formatDuration, formatNumber, formatPercent, MISSING } from './format.ts';
import type { OracleReference, SummaryRow } from './types.ts';

/** GPU-hours as a multiple of the oracle's; undefined without a usable oracle. */
export function oracleRatio(gpuHours: number, oracle: OracleReference | undefined): number | undefined {
  if (oracle === undefined || !(oracle.gpuHours > 0)) return undefined;
  return gpuHours / oracle.gpuHours;
}

const COLUMNS: readonly { readonly title: string; readonly numeric: boolean }[] = [
  { title: 'Policy', numeric: false },
  { title: 'Window attainment', numeric: true },
  { title: 'Request attainment', numeric: true },
  { title: 'Goodput (req/s)', numeric: true },
  { title: 'GPU-hours', numeric: true },
  { title: 'Ratio to oracle', numeric: true },
  { title: 'Scaling actions', numeric: true },
  { title: 'Flaps', numeric: true },
  { title: 'Outside ratio band', numeric: true },
];

function cells(row: SummaryRow, oracle: OracleReference | undefined): string[] {
  const ratio = oracleRatio(row.gpuHours, oracle);
  return [
    row.policy,
    formatPercent(row.windowAttainment),
    formatPercent(row.requestAttainment),
    formatNumber(row.goodput),
    formatNumber(row.gpuHours),
    ratio === undefined ? MISSING : `${formatNumber(ratio)}×`,
    formatNumber(row.scalingActions),
    formatNumber(row.flaps),
    row.secondsOutsideRatioBand === undefined ? 'n/a' : formatDuration(row.secondsOutsideRatioBand),
  ];
}

/** The per-policy summary table, or a notice when there are no rows. */
export function renderSummaryTable(rows: readonly SummaryRow[], oracle: OracleReference | undefined): string {
  if (rows.length === 0) return '<p class="empty">No policies were scored.</p>';
  const head = COLUMNS.map((c) => `<th scope="col"${c.numeric ? ' class="num"' : ''}>${escapeHtml(c.title)}</th>`).join('');
  const body = rows
    .map((row) => {
      const tds = cells(row, oracle).map((text, i) => {
        const column = COLUMNS[i];
        return i === 0 ? `<th scope="row">${escapeHtml(text)}</th>` : `<td${column?.numeric === true ? ' class="num"' : ''}>${escapeHtml(text)}</td>`;
      });
      return `<tr>${tds.join('')}</tr>`;
    })
    .join('');
  return `<table class="summary"><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
}
