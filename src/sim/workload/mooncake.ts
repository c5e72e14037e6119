import { byArrival, numberedLines, parseTokenCount, TraceParseError, type SimRequest } from './request.ts';

/**
 * Mooncake FAST'25 traces: one JSON object per line with `timestamp` (ms from the start),
 * `input_length`, `output_length` and `hash_ids` (512-token prompt blocks).
 */
export interface MooncakeTraceOptions {
  readonly file?: string;
  readonly idPrefix?: string;
}

export function parseMooncakeTrace(text: string, options: MooncakeTraceOptions = {}): SimRequest[] {
  const file = options.file ?? '<mooncake trace>';
  const prefix = options.idPrefix ?? '';
  const out: SimRequest[] = [];
  for (const { line, content } of numberedLines(text)) {
    let row: unknown;
    try {
      row = JSON.parse(content);
    } catch (error) {
      throw new TraceParseError(file, line, `not JSON: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (typeof row !== 'object' || row === null || Array.isArray(row)) throw new TraceParseError(file, line, 'expected a JSON object');
    const fields = row as Record<string, unknown>;
    const timestamp = fields['timestamp'];
    if (typeof timestamp !== 'number' || !Number.isFinite(timestamp) || timestamp < 0) {
      throw new TraceParseError(file, line, `timestamp must be a non-negative number of milliseconds, got ${JSON.stringify(timestamp)}`);
    }
    const hashes = fields['hash_ids'];
    if (hashes !== undefined && (!Array.isArray(hashes) || !hashes.every((h) => Number.isInteger(h)))) {
      throw new TraceParseError(file, line, 'hash_ids must be an array of integers');
    }
    const request: SimRequest = {
      id: `${prefix}${out.length}`,
      arrival: timestamp / 1000,
      promptTokens: parseTokenCount(fields['input_length'], 'input_length', file, line),
      outputTokens: parseTokenCount(fields['output_length'], 'output_length', file, line),
      ...(hashes === undefined ? {} : { blockHashes: hashes as number[] }),
    };
    out.push(request);
  }
  return byArrival(out);
}
