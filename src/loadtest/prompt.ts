export type LoadTestApi = 'completions' | 'chat';

/**
 * A prompt of about `tokens` tokens: the same short word repeated, which common tokenizers (and the
 * simulated server's one-token-per-word rule) count as one token each.
 */
export function syntheticPrompt(tokens: number): string {
  return Array.from({ length: Math.max(1, tokens) }, () => 'hello').join(' ');
}

/**
 * The request body for one trace request: exactly `outputTokens` tokens (`ignore_eos` keeps vLLM from
 * stopping early), streamed, with usage in the last chunk.
 */
export function requestBody(api: LoadTestApi, model: string, promptTokens: number, outputTokens: number): Record<string, unknown> {
  const common = {
    model,
    max_tokens: outputTokens,
    ignore_eos: true,
    temperature: 0,
    stream: true,
    stream_options: { include_usage: true },
  };
  const prompt = syntheticPrompt(promptTokens);
  return api === 'chat' ? { ...common, messages: [{ role: 'user', content: prompt }] } : { ...common, prompt };
}

export function endpointPath(api: LoadTestApi): string {
  return api === 'chat' ? '/v1/chat/completions' : '/v1/completions';
}
