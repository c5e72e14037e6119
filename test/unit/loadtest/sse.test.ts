import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parseChunk, SseDecoder } from '../../../src/loadtest/sse.ts';

describe('SseDecoder', () => {
  it('splits events at blank lines and joins multi-line data', () => {
    const d = new SseDecoder();
    expect(d.push('data: {"a":1}\n\n: comment\nevent: x\ndata: line1\ndata:line2\n\ndata: [DONE]\n\n')).toEqual(['{"a":1}', 'line1\nline2', '[DONE]']);
  });
  it('handles CRLF and an event cut off by the end of the stream', () => {
    const d = new SseDecoder();
    expect(d.push('data: a\r\n\r\ndata: b')).toEqual(['a']);
    expect(d.end()).toEqual(['b']);
  });
  it('gives the same events however the bytes are split', () => {
    const events = ['{"x":1}', 'hello', '[DONE]'];
    const wire = events.map((e) => `data: ${e}\n\n`).join('');
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: wire.length }), { maxLength: 10 }), (cuts) => {
        const points = [0, ...[...cuts].sort((a, b) => a - b), wire.length];
        const d = new SseDecoder();
        const got: string[] = [];
        for (let i = 1; i < points.length; i++) got.push(...d.push(wire.slice(points[i - 1], points[i])));
        got.push(...d.end());
        expect(got).toEqual(events);
      }),
    );
  });
});

describe('parseChunk', () => {
  it('reads completion text, chat deltas, finish reasons and usage', () => {
    expect(parseChunk('{"choices":[{"index":0,"text":" hi","finish_reason":null}]}')).toEqual({ text: ' hi', finishReason: undefined, completionTokens: undefined });
    expect(parseChunk('{"choices":[{"delta":{"content":"yo"},"finish_reason":"length"}]}')).toEqual({ text: 'yo', finishReason: 'length', completionTokens: undefined });
    expect(parseChunk('{"choices":[{"delta":{"role":"assistant","content":""}}]}')?.text).toBe('');
    expect(parseChunk('{"choices":[],"usage":{"prompt_tokens":3,"completion_tokens":7}}')?.completionTokens).toBe(7);
  });
  it('ignores what is not a JSON object', () => {
    expect(parseChunk('[DONE]')).toBeUndefined();
    expect(parseChunk('[1,2]')).toBeUndefined();
  });
});
