// Traces by file path or by built-in name (the files under data/ shipped with Canopy, with their licences
// in data/SOURCES.md). Load scaling thins or replicates requests, never compresses time.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRng, deriveSeed } from '../random/rng.ts';
import { parseAzureTrace } from '../workload/azure.ts';
import { parseMooncakeTrace } from '../workload/mooncake.ts';
import type { SimRequest } from '../workload/request.ts';
import { scaleLoad } from '../workload/scale.ts';

export const BUILTIN_TRACES: Readonly<Record<string, { readonly file: string; readonly title: string }>> = {
  'azure-conv': { file: 'traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv', title: 'Azure LLM inference 2023, conversation' },
  'azure-code': { file: 'traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv', title: 'Azure LLM inference 2023, code' },
  'mooncake-synthetic': { file: 'traces/mooncake-fast25/synthetic_trace.jsonl', title: 'Mooncake FAST25 synthetic' },
};

/** The project's data/ directory, found upwards from this module (works from src/ and from dist/src/). */
export function dataDirectory(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 8; i++) {
    if (existsSync(join(dir, 'data', 'traces'))) return join(dir, 'data');
    dir = dirname(dir);
  }
  throw new Error('cannot find the data/ directory with the built-in traces');
}

export interface LoadedTrace {
  readonly name: string;
  readonly title: string;
  readonly checksum: string;
  readonly requests: SimRequest[];
}

export interface TraceOptions {
  /** Load factor (thinning below 1, replication above). */
  readonly scale?: number;
  readonly seed?: number;
  /** Keep only arrivals before this many seconds. */
  readonly durationSeconds?: number;
}

export function loadTrace(nameOrPath: string, options: TraceOptions = {}): LoadedTrace {
  const builtin = BUILTIN_TRACES[nameOrPath];
  const path = builtin === undefined ? resolve(nameOrPath) : join(dataDirectory(), builtin.file);
  const text = readFileSync(path, 'utf8');
  const checksum = `sha256:${createHash('sha256').update(text).digest('hex')}`;
  const trimmed = text.trimStart();
  let requests = trimmed.startsWith('{') ? parseMooncakeTrace(text, { file: path }) : parseAzureTrace(text, { file: path });
  const scale = options.scale ?? 1;
  if (scale !== 1) requests = scaleLoad(createRng(deriveSeed(options.seed ?? 0, 'load-scale')), requests, scale);
  if (options.durationSeconds !== undefined) {
    const d = options.durationSeconds;
    requests = requests.filter((r) => r.arrival < d);
  }
  return { name: nameOrPath, title: builtin?.title ?? nameOrPath, checksum, requests };
}
