// Delegated authentication, in the API server's order: front-proxy request headers (certificate chained
// to the request-header CA, CN allowed) → client certificate (client CA; CN = user, O = groups) →
// bearer token via TokenReview. The certificate paths are a pure function of the presented chain;
// the token path is the only I/O and is cached.
import { createHash, type X509Certificate } from 'node:crypto';
import { verifyClientChain, type ChainResult } from './cert-chain.ts';
import type { AuthenticationConfig } from './config.ts';
import { withAuthenticatedGroup, type UserInfo } from './identity.ts';
import type { KubeAuthClient } from './kube-auth-client.ts';
import { identityFromHeaders, type HeaderLines } from './request-header.ts';
import { TtlCache } from './ttl-cache.ts';

/** A presented client certificate with the subject fields the authenticator reads. */
export interface PeerCertificate {
  readonly x509: X509Certificate;
  readonly commonName: string | undefined;
  readonly organizations: readonly string[];
}

export interface Credentials {
  /** Leaf first, then whatever else the client presented. Empty when no certificate. */
  readonly peerChain: readonly PeerCertificate[];
  readonly headers: HeaderLines;
  readonly bearerToken: string | undefined;
}

export type CertificateAuthentication =
  | { readonly kind: 'authenticated'; readonly user: UserInfo; readonly via: 'request-header' | 'client-certificate' }
  | { readonly kind: 'unauthenticated'; readonly reasons: readonly string[] };

export type ChainVerifier = (
  leaf: X509Certificate,
  intermediates: readonly X509Certificate[],
  roots: readonly X509Certificate[],
  now: Date,
) => ChainResult;

/** The two certificate paths. Pure: same chain, headers, config and time → same answer. */
export function authenticateCertificate(
  credentials: Omit<Credentials, 'bearerToken'>,
  config: AuthenticationConfig,
  now: Date,
  verify: ChainVerifier = verifyClientChain,
): CertificateAuthentication {
  const [leaf, ...rest] = credentials.peerChain;
  if (leaf === undefined) return { kind: 'unauthenticated', reasons: [] };
  const intermediates = rest.map((c) => c.x509);
  const reasons: string[] = [];

  const rh = config.requestHeader;
  if (rh !== undefined) {
    const chain = verify(leaf.x509, intermediates, rh.ca.certificates, now);
    if (!chain.ok) reasons.push(`request-header: ${chain.reason}`);
    else if (rh.allowedNames.length > 0 && !rh.allowedNames.includes(leaf.commonName ?? ''))
      reasons.push(`request-header: common name ${JSON.stringify(leaf.commonName ?? '')} is not an allowed front proxy`);
    else {
      const user = identityFromHeaders(credentials.headers, rh);
      if (user !== undefined) return { kind: 'authenticated', user: withAuthenticatedGroup(user), via: 'request-header' };
      reasons.push('request-header: no username header');
    }
  }

  const ca = config.clientCA;
  if (ca !== undefined) {
    const chain = verify(leaf.x509, intermediates, ca.certificates, now);
    if (!chain.ok) reasons.push(`client-certificate: ${chain.reason}`);
    else if (leaf.commonName === undefined || leaf.commonName === '') reasons.push('client-certificate: empty common name');
    else
      return {
        kind: 'authenticated',
        user: withAuthenticatedGroup({ username: leaf.commonName, groups: [...leaf.organizations], extra: {} }),
        via: 'client-certificate',
      };
  }
  return { kind: 'unauthenticated', reasons };
}

export type Authentication =
  | { readonly kind: 'authenticated'; readonly user: UserInfo; readonly via: 'request-header' | 'client-certificate' | 'token' }
  | { readonly kind: 'unauthenticated'; readonly reasons: readonly string[] };

export interface AuthenticatorOptions {
  readonly config: AuthenticationConfig;
  readonly client: KubeAuthClient;
  /** Milliseconds since the epoch; injected for tests. */
  readonly now?: () => number;
  /** TokenReview results (both verdicts) are reused this long. Default 10 s. */
  readonly tokenCacheTtlMs?: number;
  readonly audiences?: readonly string[];
}

type TokenVerdict = { authenticated: true; user: UserInfo } | { authenticated: false; reason: string };

export class Authenticator {
  #config: AuthenticationConfig;
  readonly #client: KubeAuthClient;
  readonly #now: () => number;
  readonly #tokens: TtlCache<TokenVerdict>;
  readonly #audiences: readonly string[] | undefined;
  readonly #verify: ChainVerifier;

  constructor(options: AuthenticatorOptions) {
    this.#config = options.config;
    this.#client = options.client;
    this.#now = options.now ?? Date.now;
    this.#tokens = new TtlCache<TokenVerdict>(options.tokenCacheTtlMs ?? 10_000, this.#now);
    this.#audiences = options.audiences;
    this.#verify = memoizedChainVerifier(this.#now);
  }

  get config(): AuthenticationConfig {
    return this.#config;
  }

  /** Swaps in new CAs and header names (ConfigMap rotation). Chain verdicts are per bundle, so none carry over. */
  updateConfig(config: AuthenticationConfig): void {
    this.#config = config;
  }

  async authenticate(credentials: Credentials): Promise<Authentication> {
    const byCert = authenticateCertificate(credentials, this.#config, new Date(this.#now()), this.#verify);
    if (byCert.kind === 'authenticated') return byCert;
    const token = credentials.bearerToken;
    if (token === undefined || token === '') return byCert;
    const verdict = await this.#reviewToken(token);
    if (verdict.authenticated) return { kind: 'authenticated', user: withAuthenticatedGroup(verdict.user), via: 'token' };
    return { kind: 'unauthenticated', reasons: [...byCert.reasons, `token: ${verdict.reason}`] };
  }

  async #reviewToken(token: string): Promise<TokenVerdict> {
    // Keyed by a digest so raw tokens never sit in memory longer than the request.
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.#tokens.get(key);
    if (cached !== undefined) return cached;
    let verdict: TokenVerdict;
    try {
      const review = await this.#client.reviewToken(token, this.#audiences);
      verdict = review.authenticated
        ? { authenticated: true, user: review.user }
        : { authenticated: false, reason: review.error ?? 'token not authenticated' };
    } catch (err) {
      // A failed review is not a verdict: do not cache it.
      return { authenticated: false, reason: `TokenReview failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    this.#tokens.set(key, verdict);
    return verdict;
  }
}

/** `Authorization: Bearer <token>` → token; anything else → undefined. */
export function bearerToken(authorization: string | undefined): string | undefined {
  if (authorization === undefined) return undefined;
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  return m?.[1];
}

/**
 * Signature checks dominate per-request cost, and the aggregator presents the same certificate on every
 * request. A verdict depends only on the certificate bytes, the trust bundle and the time, so it is
 * reused for up to 10 s (never past the leaf's expiry); a new CA bundle object is a new key.
 */
export function memoizedChainVerifier(now: () => number, ttlMs = 10_000): ChainVerifier {
  const byRoots = new WeakMap<readonly X509Certificate[], TtlCache<ChainResult>>();
  // A certificate's expiry never changes; parsing its date text once per certificate object is enough.
  const expiries = new WeakMap<X509Certificate, number>();
  const expiry = (cert: X509Certificate): number => {
    let ms = expiries.get(cert);
    if (ms === undefined) {
      ms = new Date(cert.validTo).getTime();
      expiries.set(cert, ms);
    }
    return ms;
  };
  return (leaf, intermediates, roots, at) => {
    let cache = byRoots.get(roots);
    if (cache === undefined) {
      cache = new TtlCache<ChainResult>(ttlMs, now, 1024);
      byRoots.set(roots, cache);
    }
    const key = intermediates.length === 0 ? leaf.fingerprint256 : [leaf, ...intermediates].map((c) => c.fingerprint256).join(',');
    const cached = cache.get(key);
    if (cached !== undefined && at.getTime() <= expiry(leaf)) return cached;
    const result = verifyClientChain(leaf, intermediates, roots, at);
    cache.set(key, result);
    return result;
  };
}
