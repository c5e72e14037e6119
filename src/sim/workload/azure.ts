import { byArrival, numberedLines, parseTokenCount, TraceParseError, type SimRequest } from './request.ts';

/**
 * Azure LLM inference trace 2023 (`TIMESTAMP,ContextTokens,GeneratedTokens`). Timestamps are wall clock
 * with 7 fractional digits and no zone; only differences matter, so they are read as UTC and turned
 * into seconds from the first request. Whole seconds and the fraction are kept apart so that the
 * sub-millisecond digits survive the subtraction.
 */
export interface AzureTraceOptions {
  /** Used in error messages (`file:line`). */
  readonly file?: string;
  /** Prefix of the generated ids (`<prefix><row>`, row counted from 0). */
  readonly idPrefix?: string;
}

const TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;

interface WallClock {
  readonly wholeSeconds: number;
  readonly fraction: number;
}

function parseTimestamp(raw: string, file: string, line: number): WallClock {
  const m = TIMESTAMP.exec(raw.trim());
  if (m === null) throw new TraceParseError(file, line, `TIMESTAMP must look like YYYY-MM-DD HH:MM:SS.fffffff, got ${JSON.stringify(raw)}`);
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  if (Number.isNaN(ms) || Number(mo) > 12 || Number(d) > 31 || Number(h) > 23 || Number(mi) > 59 || Number(s) > 60) {
    throw new TraceParseError(file, line, `TIMESTAMP is not a valid date: ${JSON.stringify(raw)}`);
  }
  return { wholeSeconds: ms / 1000, fraction: frac === undefined ? 0 : Number(`0.${frac}`) };
}

export function parseAzureTrace(text: string, options: AzureTraceOptions = {}): SimRequest[] {
  const file = options.file ?? '<azure trace>';
  const prefix = options.idPrefix ?? '';
  const lines = numberedLines(text);
  const header = lines[0];
  if (header === undefined) throw new TraceParseError(file, 1, 'empty trace: expected a header TIMESTAMP,ContextTokens,GeneratedTokens');
  const columns = header.content.split(',').map((c) => c.trim());
  const iTime = columns.indexOf('TIMESTAMP');
  const iContext = columns.indexOf('ContextTokens');
  const iGenerated = columns.indexOf('GeneratedTokens');
  if (iTime < 0 || iContext < 0 || iGenerated < 0) {
    throw new TraceParseError(file, header.line, `header must name TIMESTAMP, ContextTokens and GeneratedTokens, got ${JSON.stringify(header.content)}`);
  }
  const rows: { clock: WallClock; prompt: number; output: number }[] = [];
  for (let r = 1; r < lines.length; r++) {
    const { line, content } = lines[r] ?? { line: 0, content: '' };
    const cells = content.split(',');
    if (cells.length !== columns.length) throw new TraceParseError(file, line, `expected ${columns.length} fields, got ${cells.length}`);
    rows.push({
      clock: parseTimestamp(cells[iTime] ?? '', file, line),
      prompt: parseTokenCount(cells[iContext], 'ContextTokens', file, line),
      output: parseTokenCount(cells[iGenerated], 'GeneratedTokens', file, line),
    });
  }
  const first = rows.reduce<WallClock | undefined>((min, row) => (min === undefined || earlier(row.clock, min) ? row.clock : min), undefined);
  if (first === undefined) return [];
  return byArrival(
    rows.map((row, i) => ({
      id: `${prefix}${i}`,
      arrival: row.clock.wholeSeconds - first.wholeSeconds + (row.clock.fraction - first.fraction),
      promptTokens: row.prompt,
      outputTokens: row.output,
    })),
  );
}

function earlier(x: WallClock, y: WallClock): boolean {
  return x.wholeSeconds < y.wholeSeconds || (x.wholeSeconds === y.wholeSeconds && x.fraction < y.fraction);
}
