// HTTPS only, HTTP/1.1 only (no h2: the rapid-reset class of attacks, as prometheus-adapter decided).
// TLS asks for a client certificate from either trusted CA but does not reject any: each authentication
// path verifies the chain against its own CA (see auth/cert-chain.ts).
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import type { RequestListener } from 'node:http';
import type { Duplex } from 'node:stream';
import { failure } from './status.ts';

export interface AdapterServerOptions {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** PEM bundles of every CA a client certificate may chain to (request-header CA and client CA). */
  readonly clientCAs: readonly string[];
  readonly handler: RequestListener;
}

/** The secure-context part of the TLS options; also what `server.setSecureContext` takes on CA rotation. */
export function secureContextOptions(
  options: Pick<AdapterServerOptions, 'key' | 'cert' | 'clientCAs'>,
): { key: string | Buffer; cert: string | Buffer; ca?: string[]; minVersion: 'TLSv1.2' } {
  return {
    key: options.key,
    cert: options.cert,
    ...(options.clientCAs.length > 0 ? { ca: [...options.clientCAs] } : {}),
    minVersion: 'TLSv1.2',
  };
}

export function createAdapterServer(options: AdapterServerOptions): Server {
  const server = createServer(
    {
      ...secureContextOptions(options),
      // Always ask: with no CA configured yet the request is harmless, and a later rotation needs it.
      requestCert: true,
      rejectUnauthorized: false,
      ALPNProtocols: ['http/1.1'],
    },
    options.handler,
  );
  // Requests Node's HTTP parser rejects never reach express; they still get a Status body.
  server.on('clientError', (err: NodeJS.ErrnoException, socket: Duplex) => {
    if (!socket.writable || err.code === 'ECONNRESET') {
      socket.destroy();
      return;
    }
    const tooLarge = err.code === 'HPE_HEADER_OVERFLOW';
    const status = failure('BadRequest', tooLarge ? 'request header too large' : 'malformed HTTP request');
    const body = JSON.stringify(tooLarge ? { ...status, code: 431 } : status);
    socket.end(
      `HTTP/1.1 ${tooLarge ? '431 Request Header Fields Too Large' : '400 Bad Request'}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
  return server;
}

export function listen(server: Server, port: number, host: string): Promise<AddressInfo> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => {
      reject(err);
    };
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve(server.address() as AddressInfo);
    });
  });
}

export function close(server: Server): Promise<void> {
  return new Promise((resolve, reject) => {
    server.close((err) => {
      if (err === undefined) resolve();
      else reject(err);
    });
    server.closeAllConnections();
  });
}
