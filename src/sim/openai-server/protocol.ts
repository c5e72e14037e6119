/**
 * The slice of the OpenAI completions and chat completions API the simulated server speaks, as vLLM
 * serves it: `max_tokens` (or `max_completion_tokens`) output tokens exactly (the simulated engine
 * never stops early, as with vLLM's `ignore_eos`), and streaming as server-sent events.
 * Tokenizer: one token per whitespace-separated word of the prompt (or of all message contents), which
 * is what the load generator's synthetic prompts are made of.
 */

export type Api = 'completions' | 'chat';

export interface ParsedRequest {
  readonly api: Api;
  readonly model: string | undefined;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly stream: boolean;
  readonly includeUsage: boolean;
}

export function countWords(text: string): number {
  const t = text.trim();
  return t === '' ? 0 : t.split(/\s+/).length;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function promptText(api: Api, body: Record<string, unknown>): string | string[] {
  if (api === 'completions') {
    const prompt = body['prompt'];
    if (typeof prompt === 'string') return prompt;
    if (Array.isArray(prompt) && prompt.length === 1 && typeof prompt[0] === 'string') return prompt[0];
    return [`prompt must be a string`];
  }
  const messages = body['messages'];
  if (!Array.isArray(messages) || messages.length === 0) return ['messages must be a non-empty array'];
  const parts: string[] = [];
  for (const m of messages) {
    if (!isRecord(m) || typeof m['content'] !== 'string') return ['each message needs a string content'];
    parts.push(m['content']);
  }
  return parts.join(' ');
}

/** Reads a request body; a string is an error message for a 400 response. */
export function parseRequest(api: Api, body: unknown): ParsedRequest | string {
  if (!isRecord(body)) return 'the body must be a JSON object';
  const text = promptText(api, body);
  if (Array.isArray(text)) return text[0] ?? 'bad prompt';
  const promptTokens = countWords(text);
  if (promptTokens < 1) return 'the prompt is empty';
  const raw = body['max_tokens'] ?? body['max_completion_tokens'] ?? 16;
  if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < 1) return 'max_tokens must be a positive integer';
  const model = body['model'];
  const streamOptions = body['stream_options'];
  return {
    api,
    model: typeof model === 'string' ? model : undefined,
    promptTokens,
    outputTokens: raw,
    stream: body['stream'] === true,
    includeUsage: isRecord(streamOptions) && streamOptions['include_usage'] === true,
  };
}

/** The text of the k-th output token (k from 0). Deterministic, one word each. */
export function tokenText(k: number): string {
  return k === 0 ? 'tok' : ' tok';
}

export interface ChunkContext {
  readonly api: Api;
  readonly id: string;
  readonly model: string;
  readonly created: number;
}

/** One streamed chunk carrying token k; `last` marks the final one (finish_reason "length"). */
export function tokenChunk(ctx: ChunkContext, k: number, last: boolean): unknown {
  const finish = last ? 'length' : null;
  if (ctx.api === 'completions') {
    return { id: ctx.id, object: 'text_completion', created: ctx.created, model: ctx.model, choices: [{ index: 0, text: tokenText(k), logprobs: null, finish_reason: finish }] };
  }
  return { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, choices: [{ index: 0, delta: { content: tokenText(k) }, logprobs: null, finish_reason: finish }] };
}

/** The chat stream's opening chunk: the assistant role, no content yet. */
export function roleChunk(ctx: ChunkContext): unknown {
  return { id: ctx.id, object: 'chat.completion.chunk', created: ctx.created, model: ctx.model, choices: [{ index: 0, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }] };
}

export function usage(promptTokens: number, outputTokens: number): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  return { prompt_tokens: promptTokens, completion_tokens: outputTokens, total_tokens: promptTokens + outputTokens };
}

export function usageChunk(ctx: ChunkContext, promptTokens: number, outputTokens: number): unknown {
  const object = ctx.api === 'completions' ? 'text_completion' : 'chat.completion.chunk';
  return { id: ctx.id, object, created: ctx.created, model: ctx.model, choices: [], usage: usage(promptTokens, outputTokens) };
}

/** The whole response of a non-streaming request. */
export function fullResponse(ctx: ChunkContext, promptTokens: number, outputTokens: number): unknown {
  const text = Array.from({ length: outputTokens }, (_, k) => tokenText(k)).join('');
  const u = usage(promptTokens, outputTokens);
  if (ctx.api === 'completions') {
    return { id: ctx.id, object: 'text_completion', created: ctx.created, model: ctx.model, choices: [{ index: 0, text, logprobs: null, finish_reason: 'length' }], usage: u };
  }
  return { id: ctx.id, object: 'chat.completion', created: ctx.created, model: ctx.model, choices: [{ index: 0, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: 'length' }], usage: u };
}

export function errorBody(message: string, type = 'BadRequestError', code = 400): unknown {
  return { object: 'error', message, type, param: null, code };
}
