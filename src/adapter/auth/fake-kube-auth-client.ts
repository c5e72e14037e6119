// A KubeAuthClient for tests and benchmarks: a token table, an access policy function, and call counts
// so tests can see whether a cache answered.
import type { UserInfo } from './identity.ts';
import type { AccessReviewRequest, AccessReviewResult, KubeAuthClient, TokenReviewResult } from './kube-auth-client.ts';

export interface FakeKubeAuthClientOptions {
  readonly configMap?: Record<string, string>;
  readonly tokens?: Readonly<Record<string, UserInfo>>;
  readonly policy?: (request: AccessReviewRequest) => boolean;
}

export class FakeKubeAuthClient implements KubeAuthClient {
  configMap: Record<string, string>;
  tokens: Readonly<Record<string, UserInfo>>;
  policy: (request: AccessReviewRequest) => boolean;
  /** When set, every call rejects with this error (API server down). */
  failure: Error | undefined;
  readonly tokenReviews: string[] = [];
  readonly accessReviews: AccessReviewRequest[] = [];

  constructor(options: FakeKubeAuthClientOptions = {}) {
    this.configMap = options.configMap ?? {};
    this.tokens = options.tokens ?? {};
    this.policy = options.policy ?? (() => false);
    this.failure = undefined;
  }

  readAuthenticationConfig(): Promise<Record<string, string>> {
    if (this.failure !== undefined) return Promise.reject(this.failure);
    return Promise.resolve({ ...this.configMap });
  }

  reviewToken(token: string): Promise<TokenReviewResult> {
    this.tokenReviews.push(token);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const user = Object.hasOwn(this.tokens, token) ? this.tokens[token] : undefined;
    return Promise.resolve(
      user === undefined ? { authenticated: false, error: 'unknown token' } : { authenticated: true, user },
    );
  }

  reviewAccess(request: AccessReviewRequest): Promise<AccessReviewResult> {
    this.accessReviews.push(request);
    if (this.failure !== undefined) return Promise.reject(this.failure);
    const allowed = this.policy(request);
    return Promise.resolve(allowed ? { allowed: true } : { allowed: false, reason: 'denied by fake policy' });
  }
}
