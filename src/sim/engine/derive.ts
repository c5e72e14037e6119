import { numberedLines, TraceParseError } from '../workload/request.ts';
import { fitLatencyModel, type DecodeObservation, type LatencyFit, type PrefillObservation } from './fit.ts';
import type { EngineProfile } from './profile.ts';

/**
 * Derivation of the shipped engine profiles from the measured GPU timings in data/profiles. The JSON
 * files under ./profiles are the output of these functions; a unit test refits and compares.
 */

interface Table {
  readonly columns: readonly string[];
  readonly rows: readonly { readonly line: number; readonly cells: readonly string[] }[];
}

function readTable(text: string, file: string): Table {
  const lines = numberedLines(text);
  const header = lines[0];
  if (header === undefined) throw new TraceParseError(file, 1, 'empty file');
  const columns = header.content.split(',');
  const rows = lines.slice(1).map(({ line, content }) => {
    const cells = content.split(',');
    if (cells.length !== columns.length) throw new TraceParseError(file, line, `expected ${columns.length} fields, got ${cells.length}`);
    return { line, cells };
  });
  return { columns, rows };
}

function numberAt(table: Table, row: Table['rows'][number], column: string, file: string): number {
  const i = table.columns.indexOf(column);
  if (i < 0) throw new TraceParseError(file, 1, `missing column ${column}`);
  const value = Number(row.cells[i]);
  if (!Number.isFinite(value)) throw new TraceParseError(file, row.line, `${column} is not a number: ${JSON.stringify(row.cells[i])}`);
  return value;
}

export interface SplitwiseSelection {
  readonly model: string;
  readonly hardware: string;
  readonly tensorParallel: number;
}

/**
 * Splitwise `perf_model.csv` has three sweeps per configuration: prompt size at batch 1 (prefill vs
 * prompt), batch size at prompt 512 / 128 tokens (decode vs batch) and generated tokens at batch 1
 * (decode vs context). `prompt_time` and `token_time` are in ms. The mean KV of a decode step is taken
 * as prompt + half the generated tokens.
 */
export function splitwiseObservations(text: string, selection: SplitwiseSelection, file = 'perf_model.csv'): {
  prefill: PrefillObservation[];
  decode: DecodeObservation[];
  kvSweep: DecodeObservation[];
} {
  const table = readTable(text, file);
  const iModel = table.columns.indexOf('model');
  const iHardware = table.columns.indexOf('hardware');
  const prefill: PrefillObservation[] = [];
  const decode: DecodeObservation[] = [];
  const kvSweep: DecodeObservation[] = [];
  for (const row of table.rows) {
    if (row.cells[iModel] !== selection.model || row.cells[iHardware] !== selection.hardware) continue;
    if (numberAt(table, row, 'tensor_parallel', file) !== selection.tensorParallel) continue;
    const prompt = numberAt(table, row, 'prompt_size', file);
    const batch = numberAt(table, row, 'batch_size', file);
    const generated = numberAt(table, row, 'token_size', file);
    const promptSeconds = numberAt(table, row, 'prompt_time', file) / 1000;
    const tokenSeconds = numberAt(table, row, 'token_time', file) / 1000;
    const kvTokens = batch * (prompt + generated / 2);
    if (batch === 1 && generated === 128) prefill.push({ tokens: prompt, seconds: promptSeconds });
    if (prompt === 512 && generated === 128) decode.push({ batch, seconds: tokenSeconds, kvTokens });
    if (prompt === 512 && batch === 1) kvSweep.push({ batch, seconds: tokenSeconds, kvTokens });
  }
  if (prefill.length === 0) throw new Error(`${file}: no rows for ${selection.model} on ${selection.hardware} at TP${selection.tensorParallel}`);
  return { prefill, decode, kvSweep };
}

/** The per-layer operator columns of a Vidur MLP profile whose medians make up an iteration (not `emb`). */
const VIDUR_LAYER_OPS = [
  'input_layernorm',
  'attn_pre_proj',
  'attn_rope',
  'attn_post_proj',
  'post_attention_layernorm',
  'mlp_up_proj',
  'mlp_act',
  'mlp_down_proj',
  'add',
] as const;

/**
 * Iteration time of the non-attention work of a Vidur MLP profile: Σ of the per-layer operator
 * medians (ms) × layers, per `num_tokens`, at one tensor-parallel degree. Rows repeated for a token
 * count are averaged.
 */
export function vidurIterationSeconds(text: string, layers: number, tensorParallel = 1, file = 'mlp.csv'): { tokens: number; seconds: number }[] {
  const table = readTable(text, file);
  const sums = new Map<number, { total: number; n: number }>();
  for (const row of table.rows) {
    if (numberAt(table, row, 'num_tensor_parallel_workers', file) !== tensorParallel) continue;
    const tokens = numberAt(table, row, 'num_tokens', file);
    const perLayerMs = VIDUR_LAYER_OPS.reduce((s, op) => s + numberAt(table, row, `time_stats.${op}.median`, file), 0);
    const entry = sums.get(tokens) ?? { total: 0, n: 0 };
    entry.total += (perLayerMs * layers) / 1000;
    entry.n += 1;
    sums.set(tokens, entry);
  }
  return [...sums.entries()].map(([tokens, { total, n }]) => ({ tokens, seconds: total / n })).sort((a, b) => a.tokens - b.tokens);
}

/**
 * Vidur gives one curve, time vs tokens in the batch. Above 512 tokens it is the prefill regime
 * (compute-bound, linear); up to 128 tokens it is what a decode step of that many sequences costs
 * (memory-bound, nearly flat). Attention is not in the file, so there is no KV term to fit.
 */
export function vidurObservations(text: string, layers: number, tensorParallel = 1, file = 'mlp.csv'): {
  prefill: PrefillObservation[];
  decode: DecodeObservation[];
} {
  const curve = vidurIterationSeconds(text, layers, tensorParallel, file);
  return {
    prefill: curve.filter((p) => p.tokens >= 512).map((p) => ({ tokens: p.tokens, seconds: p.seconds })),
    decode: curve.filter((p) => p.tokens <= 128).map((p) => ({ batch: p.tokens, seconds: p.seconds })),
  };
}

/** Llama-2-70B, TP8 on H100-80GB, from Splitwise. Limits and sizes are stated assumptions (see `source`). */
export function deriveSplitwiseLlama70bH100(perfModelCsv: string): EngineProfile {
  const observations = splitwiseObservations(perfModelCsv, { model: 'llama2-70b', hardware: 'h100-80gb', tensorParallel: 8 });
  const fit = fitLatencyModel({ ...observations, prefillShape: 'quadratic' });
  return {
    name: 'llama2-70b-tp8-h100',
    description: 'Llama-2-70B in fp16, tensor parallel 8 on H100-80GB, fitted from the Splitwise measurements.',
    gpusPerReplica: 8,
    prefill: { baseSeconds: fit.prefill.baseSeconds, perTokenSeconds: fit.prefill.perTokenSeconds, quadraticSeconds: fit.prefill.quadraticSeconds },
    decode: decodeOf(fit),
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
    // 8 × 80 GB × 0.9 − 140 GB of weights − activations ≈ 400 GB at 320 KiB per token.
    kvCapacityTokens: 1_200_000,
    kvBytesPerToken: 2 * 80 * 8 * 128 * 2,
    kvTransferBytesPerSecond: 64e9,
    source:
      'Fitted by deriveSplitwiseLlama70bH100 from data/profiles/splitwise/perf_model.csv (Splitwise, MIT): prefill = least-squares a + b N + c N^2 through batch-1 prompt_time vs prompt size N (the curve is super-linear); decode KV cost = slope of token_time vs prompt + generated/2 at batch 1; decode base and per-sequence cost = line through the batch sweep at prompt 512. KV capacity, limits and transfer bandwidth are assumptions.',
  };
}

/** Llama-2-7B on one H100 from Vidur's MLP profile; the KV cost is borrowed from the 8b-h100 default. */
export function deriveVidurLlama7bH100(mlpCsv: string): EngineProfile {
  const fit = fitLatencyModel(vidurObservations(mlpCsv, 32, 1));
  return {
    name: 'llama2-7b-h100-vidur',
    description: 'Llama-2-7B in fp16 on one H100, non-attention costs fitted from the Vidur profile.',
    gpusPerReplica: 1,
    prefill: { baseSeconds: fit.prefill.baseSeconds, perTokenSeconds: fit.prefill.perTokenSeconds, quadraticSeconds: 0 },
    decode: { baseSeconds: fit.decode.baseSeconds, perSequenceSeconds: fit.decode.perSequenceSeconds, perKvTokenSeconds: 3e-7 },
    maxNumSeqs: 256,
    maxNumBatchedTokens: 8192,
    // 80 GB × 0.9 − 13.5 GB of weights − activations ≈ 52 GB at 512 KiB per token (no GQA).
    kvCapacityTokens: 100_000,
    kvBytesPerToken: 2 * 32 * 32 * 128 * 2,
    kvTransferBytesPerSecond: 64e9,
    source:
      'Fitted by deriveVidurLlama7bH100 from data/profiles/vidur/h100_Llama-2-7b-hf_mlp.csv (Vidur, MIT): iteration time = 32 layers x sum of per-layer operator medians at TP1; prefill = line over 512-4096 tokens; decode = line over batches 1-128. Attention is not profiled: the KV cost (0.3 us per KV token) is the 8b-h100 default. KV capacity, limits and transfer bandwidth are assumptions.',
  };
}

function decodeOf(fit: LatencyFit): EngineProfile['decode'] {
  return { baseSeconds: fit.decode.baseSeconds, perSequenceSeconds: fit.decode.perSequenceSeconds, perKvTokenSeconds: fit.decode.perKvTokenSeconds };
}
