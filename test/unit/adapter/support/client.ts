// A minimal HTTPS client for the in-process server tests.
import { Agent, request } from 'node:https';

export interface Reply {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly text: string;
}

export interface CallOptions {
  readonly method?: string;
  readonly headers?: Readonly<Record<string, string | string[]>>;
  /** Client certificate; none when omitted. */
  readonly identity?: { readonly key: string; readonly cert: string };
  readonly agent?: Agent;
}

export function call(port: number, ca: string, path: string, options: CallOptions = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        path,
        method: options.method ?? 'GET',
        headers: options.headers ?? {},
        ca,
        ...(options.identity === undefined ? {} : { key: options.identity.key, cert: options.identity.cert }),
        ...(options.agent === undefined ? { agent: false } : { agent: options.agent }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end();
  });
}

export function json(reply: Reply): unknown {
  return JSON.parse(reply.text) as unknown;
}
