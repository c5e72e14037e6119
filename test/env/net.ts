import { request as httpRequest } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import { createServer } from 'node:net';

/**
 * A loopback port that was free a moment ago. Another process can still take it before the server binds,
 * so starters retry with a fresh port when a bind fails.
 */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      server.close(() => {
        if (port === 0) reject(new Error('no port assigned'));
        else resolve(port);
      });
    });
  });
}

/** True when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
export async function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => {
      resolve(false);
    });
    server.listen(port, '127.0.0.1', () => {
      server.close(() => {
        resolve(true);
      });
    });
  });
}

export interface HttpResult {
  readonly status: number;
  readonly body: string;
}

export type TlsOptions = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'rejectUnauthorized' | 'servername' | 'headers'>;

/** One GET (or POST) with a short timeout; TLS options (and extra headers) apply to https URLs. */
export async function httpGet(
  url: string,
  tls: TlsOptions = {},
  method: 'GET' | 'POST' = 'GET',
  timeoutMs = 5_000,
): Promise<HttpResult> {
  const target = new URL(url);
  const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const req = send(target, { method, timeout: timeoutMs, agent: false, ...tls }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
      });
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms: ${method} ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

export interface WaitOptions {
  readonly timeoutMs: number;
  readonly intervalMs?: number;
  /** Checked between attempts: stop waiting early with this error (e.g. the server process died). */
  readonly abort?: () => Error | undefined;
}

/**
 * Polls `probe` until it returns a value other than undefined. Errors thrown by the probe count as
 * "not yet"; the last one is reported on timeout.
 */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, options: WaitOptions): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  const interval = options.intervalMs ?? 250;
  let last: string;
  for (;;) {
    const aborted = options.abort?.();
    if (aborted !== undefined) throw aborted;
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'not ready';
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${what}: ${last}`);
    await new Promise((r) => setTimeout(r, interval));
  }
}
