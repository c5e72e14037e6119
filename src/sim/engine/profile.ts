import { z } from 'zod';

/**
 * The performance profile of one engine replica (model × GPU × parallelism): the coefficients of the
 * iteration-time model plus the scheduler limits. Profiles are data: JSON files under ./profiles, or
 * objects built by `fitLatencyModel`. All times are in seconds, all sizes in tokens or bytes.
 *
 * Iteration time (one forward pass of the continuous batch):
 *   t = base + prefill.perTokenSeconds · N + prefill.quadraticSeconds · A
 *         + decode.perSequenceSeconds · B + decode.perKvTokenSeconds · K
 * where N = new prompt tokens in the batch, A = Σ chunk · (tokens already prefilled + chunk) over the
 * prefilling sequences (the attention work, quadratic in the prompt), B = decoding sequences and
 * K = Σ KV tokens of the decoding sequences; base = prefill.baseSeconds when N > 0, else
 * decode.baseSeconds. An isolated prompt of P tokens thus takes a_p + b_p·P + c_p·P², and a
 * decode-only step a_d + b_d·B + c_d·K, the forms the reference simulators fit.
 */
export const EngineProfileSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    /** GPUs one replica occupies (tensor × pipeline parallel): what GPU-hours count. */
    gpusPerReplica: z.number().int().positive(),
    prefill: z.strictObject({
      baseSeconds: z.number().nonnegative(),
      perTokenSeconds: z.number().nonnegative(),
      quadraticSeconds: z.number().nonnegative(),
    }),
    decode: z.strictObject({
      baseSeconds: z.number().nonnegative(),
      perSequenceSeconds: z.number().nonnegative(),
      perKvTokenSeconds: z.number().nonnegative(),
    }),
    /** vLLM `max_num_seqs`: sequences in the running batch. */
    maxNumSeqs: z.number().int().positive(),
    /** vLLM `max_num_batched_tokens`: the token budget of one iteration; longer prompts are chunked. */
    maxNumBatchedTokens: z.number().int().positive(),
    /** KV-cache capacity of the replica in tokens. */
    kvCapacityTokens: z.number().int().positive(),
    /** KV bytes per token (2 · layers · kv heads · head dim · bytes per element): sizes P→D transfers. */
    kvBytesPerToken: z.number().positive(),
    /** Bandwidth of the prefill→decode KV transfer, bytes per second. */
    kvTransferBytesPerSecond: z.number().positive(),
    /** Where the numbers come from. */
    source: z.string(),
  })
  .strict()
  .refine((p) => p.maxNumSeqs <= p.maxNumBatchedTokens, {
    message: 'maxNumSeqs must not exceed maxNumBatchedTokens: every running sequence needs one token of the budget',
    path: ['maxNumSeqs'],
  })
  .refine((p) => p.prefill.perTokenSeconds > 0 || p.prefill.baseSeconds > 0, {
    message: 'a prefill that takes no time cannot be simulated',
    path: ['prefill'],
  })
  .refine((p) => p.decode.baseSeconds > 0 || p.decode.perSequenceSeconds > 0, {
    message: 'a decode step that takes no time cannot be simulated',
    path: ['decode'],
  });

export type EngineProfile = z.infer<typeof EngineProfileSchema>;

/** Validates a profile read from JSON; errors name the offending field. */
export function parseEngineProfile(value: unknown): EngineProfile {
  const result = EngineProfileSchema.safeParse(value);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `${issue.path.join('.') || '<root>'}: ${issue.message}`);
  throw new Error(`invalid engine profile: ${lines.join('; ')}`);
}

/** Seconds of one prefill of `promptTokens` alone on an idle replica (no chunking): the isolated TTFT. */
export function isolatedPrefillSeconds(profile: EngineProfile, promptTokens: number): number {
  return profile.prefill.baseSeconds + profile.prefill.perTokenSeconds * promptTokens + profile.prefill.quadraticSeconds * promptTokens * promptTokens;
}

/** Seconds of one decode step of `batch` sequences holding `kvTokens` in total. */
export function decodeStepSeconds(profile: EngineProfile, batch: number, kvTokens: number): number {
  return profile.decode.baseSeconds + profile.decode.perSequenceSeconds * batch + profile.decode.perKvTokenSeconds * kvTokens;
}

/** Seconds to move the KV of `tokens` prompt tokens from a prefill to a decode replica. */
export function kvTransferSeconds(profile: EngineProfile, tokens: number): number {
  return (profile.kvBytesPerToken * tokens) / profile.kvTransferBytesPerSecond;
}
