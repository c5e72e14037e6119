import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

const root = new URL('../../../data/', import.meta.url);

const expected: Record<string, string> = {
  'traces/azure-llm-2023/AzureLLMInferenceTrace_code.csv': '54e9a6d2a4bd06ba1e060304b900abbc74cbea53de96506e60fe5bb4f2277fb6',
  'traces/azure-llm-2023/AzureLLMInferenceTrace_conv.csv': '2f1e5b666d4e3055fdbba98598ce2ec307767b9064e03e2fa46676dbcc7d0bf8',
  'traces/mooncake-fast25/synthetic_trace.jsonl': 'bd070915a98fc0ed264d7cfef2ce746002eb3076a695ec31ba2674c0111ec131',
  'lengths/sharegpt_8k_filtered_stats_llama2_tokenizer.csv': '6d6c296302a853e2669a674a96f269283e60c57e60363bd450588a1066919f9f',
  'profiles/splitwise/perf_model.csv': 'dbbe505d1d64fc4bd1ec03c50edf944643586de4f68a81e94cbd55dd5bdfbf41',
  'profiles/vidur/h100_Llama-2-7b-hf_mlp.csv': 'b1a2def08857d10e5f66c3b5b2d046b6e8caed5c30b2bc920a0462598e3b2a59',
};

describe('shipped data files', () => {
  const sources = readFileSync(new URL('SOURCES.md', root), 'utf8');
  for (const [path, sha] of Object.entries(expected)) {
    it(`${path} is byte-for-byte the published file`, () => {
      const digest = createHash('sha256').update(readFileSync(new URL(path, root))).digest('hex');
      expect(digest).toBe(sha);
    });
    it(`${path} is documented in SOURCES.md with its checksum`, () => {
      expect(sources).toContain(`\`${path}\``);
      expect(sources).toContain(sha);
    });
  }
});
