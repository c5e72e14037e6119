/**
 * Incremental server-sent-events decoding: bytes arrive in arbitrary pieces, events end at a blank
 * line, and an event's data is its `data:` lines joined by newlines (comments and other fields are
 * ignored). Only what OpenAI-style streams use.
 */
export class SseDecoder {
  #buffer = '';
  #data: string[] = [];

  /** Feeds text; returns the data of every event completed by it, in order. */
  push(text: string): string[] {
    this.#buffer += text;
    const out: string[] = [];
    for (;;) {
      const nl = this.#buffer.indexOf('\n');
      if (nl < 0) break;
      const line = this.#buffer.slice(0, nl).replace(/\r$/, '');
      this.#buffer = this.#buffer.slice(nl + 1);
      if (line === '') {
        if (this.#data.length > 0) out.push(this.#data.join('\n'));
        this.#data = [];
      } else if (line.startsWith('data:')) {
        const value = line.slice(5);
        this.#data.push(value.startsWith(' ') ? value.slice(1) : value);
      }
    }
    return out;
  }

  /** The data of an event cut off by the end of the stream (no closing blank line), if any. */
  end(): string[] {
    const rest = this.push('\n\n');
    this.#buffer = '';
    return rest;
  }
}

/** What one streamed chunk of an OpenAI completion carries. */
export interface ChunkContent {
  /** Generated text in this chunk ('' for role-only or usage-only chunks). */
  readonly text: string;
  readonly finishReason: string | undefined;
  /** `usage.completion_tokens` when the chunk carries usage. */
  readonly completionTokens: number | undefined;
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** Reads a completions (`choices[].text`) or chat (`choices[].delta.content`) chunk; undefined if it is not JSON. */
export function parseChunk(data: string): ChunkContent | undefined {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return undefined;
  }
  const chunk = record(value);
  if (chunk === undefined) return undefined;
  let text = '';
  let finishReason: string | undefined;
  const choices = Array.isArray(chunk['choices']) ? (chunk['choices'] as unknown[]) : [];
  for (const c of choices) {
    const choice = record(c);
    if (choice === undefined) continue;
    const delta = record(choice['delta']);
    const piece = typeof choice['text'] === 'string' ? choice['text'] : typeof delta?.['content'] === 'string' ? delta['content'] : '';
    text += piece;
    if (typeof choice['finish_reason'] === 'string') finishReason = choice['finish_reason'];
  }
  const usage = record(chunk['usage']);
  const completion = usage?.['completion_tokens'];
  return { text, finishReason, completionTokens: typeof completion === 'number' ? completion : undefined };
}
