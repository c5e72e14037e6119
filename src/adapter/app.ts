// The express transport: health endpoints, authentication, authorization, /metrics, then the pure
// handler. Every reply is JSON with `Content-Type: application/json` except the plain-text probes and
// the Prometheus exposition.
import { X509Certificate } from 'node:crypto';
import type { DetailedPeerCertificate, TLSSocket } from 'node:tls';
import express, { type NextFunction, type Request, type Response } from 'express';
import { accessAttributesMemo } from './auth/attributes.ts';
import { bearerToken, type Authenticator, type PeerCertificate } from './auth/authenticate.ts';
import type { Authorizer } from './auth/authorize.ts';
import type { AccessAttributes } from './auth/kube-auth-client.ts';
import { handleRequestTarget } from './handler.ts';
import type { MetricsProvider } from './provider.ts';
import { ResponseCache } from './response-cache.ts';
import { targetInfoMemo } from './routes.ts';
import { failure, type Status } from './status.ts';
import { createAdapterMetrics, requestRecorder, type AdapterMetrics } from './telemetry.ts';

export interface AdapterAppOptions {
  readonly provider: MetricsProvider;
  readonly authenticator: Authenticator;
  readonly authorizer: Authorizer;
  readonly metrics?: AdapterMetrics;
  /** /readyz answers 200 only while this holds (e.g. the signals cache is warm). Default: always. */
  readonly ready?: () => boolean;
  /** Rendered answers reused per provider snapshot (only for a provider with `snapshotVersion`). */
  readonly responseCache?: ResponseCache;
}

const openPaths = new Set(['/healthz', '/livez', '/readyz']);

/** Encoded once, so a reused answer is written as the same bytes without encoding it again. */
function encodeJson(body: unknown): Buffer {
  return Buffer.from(JSON.stringify(body), 'utf8');
}

function sendJsonBytes(res: Response, status: number, body: Buffer): void {
  // The raw header list skips the per-header bookkeeping of setHeader; nothing else sets headers here.
  res.writeHead(status, ['Content-Type', 'application/json', 'Content-Length', String(body.length)]);
  res.end(body);
}

function sendStatus(res: Response, status: Status): void {
  sendJsonBytes(res, status.code, encodeJson(status));
}

/** The provider's snapshot version, or undefined when it names none (absent, not a finite number, or failing). */
function snapshotVersion(provider: MetricsProvider): number | undefined {
  try {
    const version = provider.snapshotVersion?.();
    return version !== undefined && Number.isFinite(version) ? version : undefined;
  } catch {
    // The read itself will report the provider's trouble; here it only means "do not reuse".
    return undefined;
  }
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
  const record = requestRecorder(metrics);
  const ready = options.ready ?? (() => true);
  const provider = options.provider;
  const responses = options.responseCache ?? new ResponseCache();
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');

  // One middleware for everything: express's router runs a single layer per request.
  app.use(async (req: Request, res: Response) => {
    const start = process.hrtime.bigint();
    let route = 'unknown';
    res.once('finish', () => {
      record(req.method, res.statusCode, route, Number(process.hrtime.bigint() - start) / 1e9);
    });

    const url = req.originalUrl;
    const info = targetInfoMemo(url);
    const target = info.parsed;
    if (!target.ok) {
      route = 'invalid';
      sendStatus(res, failure('BadRequest', target.error));
      return;
    }
    const { path, segments } = target.target;
    const rawPath = info.rawPath;
    if (openPaths.has(rawPath)) {
      route = 'health';
      const ok = rawPath !== '/readyz' || ready();
      res.status(ok ? 200 : 500).type('text/plain').send(ok ? 'ok' : 'not ready');
      return;
    }
    const isMetrics = rawPath === '/metrics';
    route = isMetrics ? 'metrics' : info.routeKind;

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
    const access = accessAttributesMemo(req.method, path, segments);
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

    // Only now, with this caller authorized for this target, may an answer rendered earlier be reused.
    const version = req.method === 'GET' ? snapshotVersion(provider) : undefined;
    const reused = version === undefined ? undefined : responses.get(version, url);
    if (reused !== undefined) {
      route = reused.routeKind;
      sendJsonBytes(res, reused.status, reused.body);
      return;
    }
    const response = await handleRequestTarget(req.method, target, provider);
    route = response.routeKind;
    const body = encodeJson(response.body);
    if (version !== undefined) responses.set(version, url, { status: response.status, body, routeKind: response.routeKind });
    sendJsonBytes(res, response.status, body);
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
