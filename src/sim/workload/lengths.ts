import type { Rng } from '../random/rng.ts';
import { sampleIndex } from '../random/samplers.ts';
import { numberedLines, parseTokenCount, TraceParseError } from './request.ts';

/** A (prompt, output) pair. Pairs are drawn together because the two lengths are correlated. */
export interface LengthPair {
  readonly promptTokens: number;
  readonly outputTokens: number;
}

/** The ShareGPT length file (`num_prefill_tokens,num_decode_tokens,...`) as pairs. */
export function parseLengthTable(text: string, file = '<length table>'): LengthPair[] {
  const lines = numberedLines(text);
  const header = lines[0];
  if (header === undefined) throw new TraceParseError(file, 1, 'empty length table');
  const columns = header.content.split(',').map((c) => c.trim());
  const iPrompt = columns.indexOf('num_prefill_tokens');
  const iOutput = columns.indexOf('num_decode_tokens');
  if (iPrompt < 0 || iOutput < 0) {
    throw new TraceParseError(file, header.line, `header must name num_prefill_tokens and num_decode_tokens, got ${JSON.stringify(header.content)}`);
  }
  const out: LengthPair[] = [];
  for (let r = 1; r < lines.length; r++) {
    const { line, content } = lines[r] ?? { line: 0, content: '' };
    const cells = content.split(',');
    if (cells.length !== columns.length) throw new TraceParseError(file, line, `expected ${columns.length} fields, got ${cells.length}`);
    out.push({
      promptTokens: parseTokenCount(cells[iPrompt], 'num_prefill_tokens', file, line),
      outputTokens: parseTokenCount(cells[iOutput], 'num_decode_tokens', file, line),
    });
  }
  return out;
}

/** One pair drawn uniformly from the table: sampling the empirical joint distribution. */
export function sampleLengthPair(rng: Rng, table: readonly LengthPair[]): LengthPair {
  const pair = table[sampleIndex(rng, table.length)];
  if (pair === undefined) throw new RangeError('cannot sample from an empty length table');
  return pair;
}
