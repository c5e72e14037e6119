// The express transport: health endpoints, authentication, authorization, /metrics, then the pure
// handler. Every reply is JSON with `Content-Type: application/json` except the plain-text probes and
// the Prometheus exposition.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import { accessAttributes } from './auth/attributes.ts';
import { bearerToken, type Authenticator, type PeerCertificate } from './auth/authenticate.ts';
import type { Authorizer } from './auth/authorize.ts';
import type { AccessAttributes } from './auth/kube-auth-client.ts';
import { handleMetricsRequest } from './handler.ts';
import type { MetricsProvider } from './provider.ts';
import { parseRequestTarget, routeFor } from './routes.ts';
import { failure, type Status } from './status.ts';
import { createAdapterMetrics, methodLabel, type AdapterMetrics } from './telemetry.ts';

export interface AdapterAppOptions {
  readonly provider: MetricsProvider;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly metrics?: AdapterMetrics;
  /** /readyz answers 200 only while this holds (e.g. the signals cache is warm). Default: always. */
  readonly ready?: () => boolean;
}

const openPaths = new Set(['/healthz', '/livez', '/readyz']);

function sendJson(res: Response, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.status(status);
  res.setHeader('Content-Type', 'application/json');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

function sendStatus(res: Response, status: Status): void {
  sendJson(res, status.code, status);
}

function subjectValues(value: string | string[] | undefined): string[] {
  if (value === undefined) return [];
  return Array.isArray(value) ? value : [value];
}

// A connection's certificate cannot change mid-connection, so it is parsed once per socket.
const chains = new WeakMap<TLSSocket, PeerCertificate[]>();

/**
 * The client's certificate, leaf first, followed by whatever issuers Node links to it. On a server Node
 * links only issuers from the TLS trust store, never intermediates the client sent, so chains are
 * verified against the configured bundles (see auth/cert-chain.ts).
 */
export function peerChain(socket: TLSSocket): PeerCertificate[] {
  const cached = chains.get(socket);
  if (cached !== undefined) return cached;
  const out: PeerCertificate[] = [];
  if (typeof socket.getPeerCertificate === 'function') {
    let cert = socket.getPeerCertificate(true) as Partial<DetailedPeerCertificate> | null;
    const seen = new Set<string>();
    while (cert?.raw !== undefined && out.length < 10) {
      const x509 = new X509Certificate(cert.raw);
      if (seen.has(x509.fingerprint256)) break;
      seen.add(x509.fingerprint256);
      const subject = (cert.subject ?? {}) as unknown as Record<string, string | string[] | undefined>;
      out.push({ x509, commonName: subjectValues(subject.CN)[0], organizations: subjectValues(subject.O) });
      cert = cert.issuerCertificate ?? null;
    }
  }
  chains.set(socket, out);
  return out;
}

function forbiddenMessage(user: string, access: AccessAttributes, reason: string): string {
  if (access.kind === 'nonResource')
    return `forbidden: User ${JSON.stringify(user)} cannot ${access.attributes.verb} path ${JSON.stringify(access.attributes.path)}: ${reason}`;
  const a = access.attributes;
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const where = a.namespace === undefined ? 'at the cluster scope' : `in the namespace ${JSON.stringify(a.namespace)}`;
  return `${a.resource}.${a.group}${a.name === undefined ? '' : ` ${JSON.stringify(a.name)}`} is forbidden: User ${JSON.stringify(user)} cannot ${a.verb} resource ${JSON.stringify(resource)} in API group ${JSON.stringify(a.group)} ${where}: ${reason}`;
}

export function createAdapterApp(options: AdapterAppOptions): { app: express.Express; metrics: AdapterMetrics } {
  const metrics = options.metrics ?? createAdapterMetrics();
  const ready = options.ready ?? (() => true);
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  app.use((req: Request, res: Response, next: NextFunction) => {
    const start = process.hrtime.bigint();
    res.on('finish', () => {
      const verb = methodLabel(req.method);
      const route = typeof res.locals.route === 'string' ? res.locals.route : 'unknown';
      metrics.requests.inc({ code: String(res.statusCode), verb, route });
      metrics.duration.observe({ verb, route }, Number(process.hrtime.bigint() - start) / 1e9);
    });
    next();
  });

  app.use(async (req: Request, res: Response) => {
    const target = parseRequestTarget(req.originalUrl);
    if (!target.ok) {
      res.locals.route = 'invalid';
      sendStatus(res, failure('BadRequest', target.error));
      return;
    }
    const { path, segments } = target.target;
    const rawPath = req.originalUrl.split('?')[0] ?? '';
    if (openPaths.has(rawPath)) {
      res.locals.route = 'health';
      const ok = rawPath !== '/readyz' || ready();
      res.status(ok ? 200 : 500).type('text/plain').send(ok ? 'ok' : 'not ready');
      return;
    }
    const isMetrics = rawPath === '/metrics';
    res.locals.route = isMetrics ? 'metrics' : routeFor(segments).kind;

    const socket = req.socket as TLSSocket;
    const authn = await options.authenticator.authenticate({
      peerChain: peerChain(socket),
      headers: req.headersDistinct,
      bearerToken: bearerToken(req.headers.authorization),
    });
    if (authn.kind !== 'authenticated') {
      sendStatus(res, failure('Unauthorized', 'Unauthorized'));
      return;
    }
    const access = accessAttributes(req.method, path, segments);
    const authz = await options.authorizer.authorize(authn.user, access);
    if (authz.kind === 'error') {
      sendStatus(res, failure('InternalError', authz.reason));
      return;
    }
    if (authz.kind === 'denied') {
      sendStatus(res, failure('Forbidden', forbiddenMessage(authn.user.username, access, authz.reason)));
      return;
    }

    if (isMetrics) {
      if (req.method !== 'GET') {
        sendStatus(res, failure('MethodNotAllowed', `the server does not allow the method ${req.method} here; only GET`));
        return;
      }
      const text = await metrics.registry.metrics();
      res.status(200).setHeader('Content-Type', metrics.registry.contentType);
      res.end(text);
      return;
    }
    const response = await handleMetricsRequest({ method: req.method, url: req.originalUrl }, options.provider);
    res.locals.route = response.routeKind;
    sendJson(res, response.status, response.body);
  });

  // Anything thrown above still answers as a Status, never as express's HTML page.
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => {
    if (res.headersSent) {
      res.end();
      return;
    }
    sendStatus(res, failure('InternalError', `internal error: ${err instanceof Error ? err.message : String(err)}`));
  });

  return { app, metrics };
}
