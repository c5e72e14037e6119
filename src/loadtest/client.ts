import { endpointPath, requestBody, type LoadTestApi } from './prompt.ts';
import type { LoadTestRecord } from './record.ts';
import { parseChunk, SseDecoder } from './sse.ts';

export interface StreamRequestInput {
  readonly baseUrl: string;
  readonly api: LoadTestApi;
  readonly model: string;
  readonly id: string;
  readonly promptTokens: number;
  readonly outputTokens: number;
  readonly scheduled: number;
  readonly timeoutSeconds: number;
  /** Seconds since the start of the load test (a monotonic clock). */
  readonly clock: () => number;
}

/**
 * Sends one streaming request and times it from the client's side: the send, every chunk that carries
 * text (a token chunk), and the end of the stream. Never throws: failures are in the record.
 */
export async function streamRequest(input: StreamRequestInput): Promise<LoadTestRecord> {
  const tokenTimes: number[] = [];
  let reported: number | undefined;
  let status: number | undefined;
  let error: string | undefined;
  let finish: number | undefined;
  const controller = new AbortController();
  // Only this timer aborts, so an aborted signal means a timeout.
  const timer = setTimeout(() => {
    controller.abort();
  }, input.timeoutSeconds * 1000);
  const arrival = input.clock();
  try {
    const response = await fetch(new URL(endpointPath(input.api), input.baseUrl), {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
      body: JSON.stringify(requestBody(input.api, input.model, input.promptTokens, input.outputTokens)),
      signal: controller.signal,
    });
    status = response.status;
    if (!response.ok || response.body === null) {
      error = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } else {
      const decoder = new SseDecoder();
      const text = new TextDecoder();
      let done = false;
      const reader = (response.body as ReadableStream<Uint8Array>).getReader();
      // Returns whether the stream's [DONE] marker was among the events.
      const handle = (events: readonly string[], at: number): boolean => {
        let sawDone = false;
        for (const data of events) {
          if (data === '[DONE]') {
            sawDone = true;
            continue;
          }
          const chunk = parseChunk(data);
          if (chunk === undefined) continue;
          if (chunk.text !== '') tokenTimes.push(at);
          if (chunk.completionTokens !== undefined) reported = chunk.completionTokens;
        }
        return sawDone;
      };
      for (;;) {
        const { value, done: ended } = await reader.read();
        const at = input.clock();
        if (ended) {
          done = handle(decoder.end(), at) || done;
          break;
        }
        done = handle(decoder.push(text.decode(value, { stream: true })), at) || done;
      }
      finish = input.clock();
      if (!done) error = 'the stream ended without [DONE]';
    }
  } catch (caught) {
    error = controller.signal.aborted ? `timed out after ${input.timeoutSeconds} s` : caught instanceof Error ? caught.message : String(caught);
  } finally {
    clearTimeout(timer);
  }
  const timedOut = controller.signal.aborted;
  const failed = error !== undefined || timedOut || tokenTimes.length === 0;
  return {
    id: input.id,
    scheduled: input.scheduled,
    arrival,
    promptTokens: input.promptTokens,
    requestedOutputTokens: input.outputTokens,
    outputTokens: tokenTimes.length,
    reportedOutputTokens: reported,
    firstToken: tokenTimes[0],
    finish: failed ? undefined : (tokenTimes.at(-1) ?? finish),
    tokenTimes,
    dropped: failed,
    timedOut,
    httpStatus: status,
    error: error ?? (tokenTimes.length === 0 ? 'no token chunk received' : undefined),
  };
}
