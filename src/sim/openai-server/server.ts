import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EngineProfile } from '../engine/profile.ts';
import { createEngineMetrics, type EngineMetrics } from '../exposition/engine-metrics.ts';
import { PlannedEngine, type TokenPlan } from './plan.ts';
import { errorBody, fullResponse, parseRequest, roleChunk, tokenChunk, usageChunk, type Api, type ChunkContext, type ParsedRequest } from './protocol.ts';

/**
 * An OpenAI-compatible streaming server whose tokens come out when the engine model says they do:
 * wall-clock time since start is engine time, one replica, continuous batching as src/sim/engine
 * models it. At low load a client measures TTFT ≈ the model's prefill time and ITL ≈ its decode step,
 * plus loopback and timer overhead (about a millisecond). Serves /v1/completions, /v1/chat/completions,
 * /v1/models, /metrics (vLLM names) and /health.
 *
 * A client that disconnects early stops receiving tokens, but the model keeps its request running to
 * the end (an abort that frees the batch slot is not modelled).
 */
export interface OpenAiServerOptions {
  readonly profile: EngineProfile;
  /** Model name served and printed in metrics (default: the profile name). */
  readonly model?: string;
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** Default 0: any free port. */
  readonly port?: number;
}

export interface OpenAiServer {
  readonly url: string;
  readonly port: number;
  readonly profile: EngineProfile;
  /** Engine seconds now (wall clock since the server started). */
  now(): number;
  close(): Promise<void>;
}

interface Stream {
  readonly id: string;
  readonly request: ParsedRequest;
  readonly ctx: ChunkContext;
  readonly res: ServerResponse;
  plan: TokenPlan;
  /** Tokens written so far. */
  sent: number;
  done: boolean;
}

const MAX_BODY_BYTES = 16 * 1024 * 1024;

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error('request body too large'));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', reject);
  });
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

export async function startOpenAiServer(options: OpenAiServerOptions): Promise<OpenAiServer> {
  const profile = options.profile;
  const model = options.model ?? profile.name;
  const engine = new PlannedEngine(profile);
  const metrics: EngineMetrics = createEngineMetrics({ dialect: 'vllm', model });
  const origin = performance.now();
  const now = (): number => (performance.now() - origin) / 1000;
  const streams = new Map<string, Stream>();
  let counter = 0;
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  const write = (s: Stream, payload: unknown): void => {
    s.res.write(`data: ${JSON.stringify(payload)}\n\n`);
  };

  const finish = (s: Stream, at: number): void => {
    s.done = true;
    streams.delete(s.id);
    metrics.requestFinished(s.id, at);
    if (s.res.writableEnded || s.res.destroyed) return;
    if (!s.request.stream) {
      sendJson(s.res, 200, fullResponse(s.ctx, s.request.promptTokens, s.request.outputTokens));
      return;
    }
    if (s.request.includeUsage) write(s, usageChunk(s.ctx, s.request.promptTokens, s.request.outputTokens));
    s.res.write('data: [DONE]\n\n');
    s.res.end();
  };

  /** Writes every token that is due, then sleeps until the next one. */
  const flush = (): void => {
    timer = undefined;
    const t = now();
    let next = Infinity;
    for (const s of [...streams.values()]) {
      if (s.plan.dropped) continue;
      const times = s.plan.tokenTimes;
      while (s.sent < times.length && (times[s.sent] ?? Infinity) <= t) {
        const at = times[s.sent] ?? t;
        const k = s.sent++;
        const last = s.sent === times.length;
        if (k === 0) metrics.firstToken(s.id, at);
        else metrics.token(s.id, at);
        if (s.request.stream && !s.res.destroyed) {
          if (k === 0 && s.request.api === 'chat') write(s, roleChunk(s.ctx));
          write(s, tokenChunk(s.ctx, k, last));
        }
        if (last) finish(s, at);
      }
      if (!s.done) next = Math.min(next, times[s.sent] ?? Infinity);
    }
    if (next < Infinity && !closed) timer = setTimeout(flush, Math.max(0, (next - now()) * 1000));
  };

  const reschedule = (): void => {
    if (timer !== undefined) clearTimeout(timer);
    flush();
  };

  const accept = (api: Api, request: ParsedRequest, res: ServerResponse): void => {
    const id = `${api === 'chat' ? 'chatcmpl' : 'cmpl'}-${String(++counter)}`;
    const arrival = now();
    const plans = engine.admit({ id, promptTokens: request.promptTokens, outputTokens: request.outputTokens }, arrival);
    const plan = plans.get(id);
    if (plan === undefined || plan.dropped) {
      sendJson(res, 400, errorBody(plan?.dropped === true ? plan.reason : 'the engine could not plan the request'));
      return;
    }
    // Later arrivals can only change tokens that are not yet due: take every open stream's new plan.
    for (const s of streams.values()) s.plan = plans.get(s.id) ?? s.plan;
    const stream: Stream = {
      id,
      request,
      ctx: { api, id, model: request.model ?? model, created: Math.floor(Date.now() / 1000) },
      res,
      plan,
      sent: 0,
      done: false,
    };
    streams.set(id, stream);
    metrics.requestArrived(id, arrival, request.promptTokens);
    if (request.stream) {
      res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache', connection: 'keep-alive' });
      res.flushHeaders();
    }
    res.on('close', () => {
      if (!stream.done) {
        stream.done = true;
        streams.delete(id);
        metrics.requestFinished(id, now());
      }
    });
    reschedule();
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    if (req.method === 'GET' && path === '/health') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end('ok\n');
      return;
    }
    if (req.method === 'GET' && path === '/metrics') {
      const g = engine.gauges(now());
      metrics.setWaiting(g.waiting);
      metrics.setRunning(g.running);
      metrics.setKvCacheUsage(g.kvUsage);
      const text = metrics.render();
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
      res.end(text);
      return;
    }
    if (req.method === 'GET' && path === '/v1/models') {
      sendJson(res, 200, { object: 'list', data: [{ id: model, object: 'model', owned_by: 'canopy-sim' }] });
      return;
    }
    const api: Api | undefined = path === '/v1/completions' ? 'completions' : path === '/v1/chat/completions' ? 'chat' : undefined;
    if (api === undefined) {
      sendJson(res, 404, errorBody(`no route ${req.method ?? ''} ${path}`, 'NotFoundError', 404));
      return;
    }
    if (req.method !== 'POST') {
      sendJson(res, 405, errorBody(`${path} takes POST`, 'MethodNotAllowed', 405));
      return;
    }
    let body: unknown;
    try {
      body = JSON.parse(await readBody(req));
    } catch (error) {
      sendJson(res, 400, errorBody(`invalid JSON body: ${error instanceof Error ? error.message : String(error)}`));
      return;
    }
    const parsed = parseRequest(api, body);
    if (typeof parsed === 'string') {
      sendJson(res, 400, errorBody(parsed));
      return;
    }
    accept(api, parsed, res);
  };

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) sendJson(res, 500, errorBody(error instanceof Error ? error.message : String(error), 'InternalServerError', 500));
      else res.destroy();
    });
  });
  // Token timing is the point of this server: no Nagle delay on the SSE writes.
  server.on('connection', (socket) => {
    socket.setNoDelay(true);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${String(address.port)}`,
    port: address.port,
    profile,
    now,
    close: async () => {
      closed = true;
      if (timer !== undefined) clearTimeout(timer);
      for (const s of streams.values()) s.res.destroy();
      streams.clear();
      server.closeAllConnections();
      await new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      });
    },
  };
}
