/** One inference request as the simulator sees it. Times are seconds from the start of the workload. */
export interface SimRequest {
  readonly id: string;
  readonly arrival: number;
  readonly promptTokens: number;
  readonly outputTokens: number;
  /** Ids of the prompt's KV blocks when the trace has them (Mooncake: 512-token blocks); equal ids share a prefix. */
  readonly blockHashes?: readonly number[];
}

/** A row the parser could not read, located as `file:line` so that the user can open it. */
export class TraceParseError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, message: string) {
    super(`${file}:${line}: ${message}`);
    this.name = 'TraceParseError';
    this.file = file;
    this.line = line;
  }
}

/** Token counts must be whole and positive: a request with no prompt or no output cannot be served. */
export function parseTokenCount(raw: unknown, field: string, file: string, line: number): number {
  const value = typeof raw === 'string' ? (raw.trim() === '' ? Number.NaN : Number(raw)) : raw;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new TraceParseError(file, line, `${field} must be a positive integer, got ${JSON.stringify(raw)}`);
  }
  return value;
}

/** Orders by arrival, keeping file order among equal arrivals (Array.prototype.sort is stable). */
export function byArrival(requests: SimRequest[]): SimRequest[] {
  return requests.sort((x, y) => x.arrival - y.arrival);
}

/** Splits text into lines with 1-based numbers; a missing final newline (the Azure files) is fine. */
export function numberedLines(text: string): { line: number; content: string }[] {
  const out: { line: number; content: string }[] = [];
  const parts = text.split('\n');
  for (let i = 0; i < parts.length; i++) {
    const content = (parts[i] ?? '').replace(/\r$/, '');
    if (content.trim() === '') continue;
    out.push({ line: i + 1, content });
  }
  return out;
}
