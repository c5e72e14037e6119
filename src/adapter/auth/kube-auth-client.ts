// The three API calls delegated authentication and authorization need, behind one small interface so the
// decision code is tested against a fake. The real implementation uses @kubernetes/client-node 2.x.
import { AuthenticationV1Api, AuthorizationV1Api, CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { authConfigMapName, authConfigMapNamespace } from './config.ts';
import type { UserInfo } from './identity.ts';

export type TokenReviewResult =
  | { readonly authenticated: true; readonly user: UserInfo; readonly audiences?: readonly string[] }
  | { readonly authenticated: false; readonly error?: string };

/** authorization/v1 ResourceAttributes (the subset the adapter sets). */
export interface ResourceAttributes {
  readonly namespace?: string;
  readonly verb: string;
  readonly group: string;
  readonly version: string;
  readonly resource: string;
  readonly subresource?: string;
  readonly name?: string;
}

export interface NonResourceAttributes {
  readonly path: string;
  readonly verb: string;
}

export type AccessAttributes =
  | { readonly kind: 'resource'; readonly attributes: ResourceAttributes }
  | { readonly kind: 'nonResource'; readonly attributes: NonResourceAttributes };

export interface AccessReviewRequest {
  readonly user: UserInfo;
  readonly access: AccessAttributes;
}

export interface AccessReviewResult {
  readonly allowed: boolean;
  readonly denied?: boolean;
  readonly reason?: string;
  readonly evaluationError?: string;
}

export interface KubeAuthClient {
  /** The data of kube-system/extension-apiserver-authentication. */
  readAuthenticationConfig(): Promise<Record<string, string>>;
  reviewToken(token: string, audiences?: readonly string[]): Promise<TokenReviewResult>;
  reviewAccess(request: AccessReviewRequest): Promise<AccessReviewResult>;
}

/** KubeAuthClient over a real API server. */
export class ClientNodeKubeAuthClient implements KubeAuthClient {
  readonly #core: CoreV1Api;
  readonly #authn: AuthenticationV1Api;
  readonly #authz: AuthorizationV1Api;

  constructor(kubeConfig: KubeConfig) {
    this.#core = kubeConfig.makeApiClient(CoreV1Api);
    this.#authn = kubeConfig.makeApiClient(AuthenticationV1Api);
    this.#authz = kubeConfig.makeApiClient(AuthorizationV1Api);
  }

  async readAuthenticationConfig(): Promise<Record<string, string>> {
    const cm = await this.#core.readNamespacedConfigMap({ name: authConfigMapName, namespace: authConfigMapNamespace });
    return cm.data ?? {};
  }

  async reviewToken(token: string, audiences?: readonly string[]): Promise<TokenReviewResult> {
    const spec: { token: string; audiences?: string[] } = { token };
    if (audiences !== undefined && audiences.length > 0) spec.audiences = [...audiences];
    const review = await this.#authn.createTokenReview({
      body: { apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec },
    });
    const status = review.status;
    if (status?.authenticated !== true || status.user?.username === undefined) {
      return status?.error === undefined ? { authenticated: false } : { authenticated: false, error: status.error };
    }
    const u = status.user;
    const user: UserInfo =
      u.uid === undefined
        ? { username: u.username ?? '', groups: u.groups ?? [], extra: u.extra ?? {} }
        : { username: u.username ?? '', uid: u.uid, groups: u.groups ?? [], extra: u.extra ?? {} };
    return { authenticated: true, user };
  }

  async reviewAccess(request: AccessReviewRequest): Promise<AccessReviewResult> {
    const { user, access } = request;
    const spec: {
      user: string;
      uid?: string;
      groups: string[];
      extra: Record<string, string[]>;
      resourceAttributes?: ResourceAttributes;
      nonResourceAttributes?: NonResourceAttributes;
    } = {
      user: user.username,
      groups: [...user.groups],
      extra: Object.fromEntries(Object.entries(user.extra).map(([k, v]) => [k, [...v]])),
    };
    if (user.uid !== undefined) spec.uid = user.uid;
    if (access.kind === 'resource') spec.resourceAttributes = { ...access.attributes };
    else spec.nonResourceAttributes = { ...access.attributes };
    const review = await this.#authz.createSubjectAccessReview({
      body: { apiVersion: 'authorization.k8s.io/v1', kind: 'SubjectAccessReview', spec },
    });
    const s = review.status;
    const result: { allowed: boolean; denied?: boolean; reason?: string; evaluationError?: string } = {
      allowed: s?.allowed === true,
    };
    if (s?.denied !== undefined) result.denied = s.denied;
    if (s?.reason !== undefined) result.reason = s.reason;
    if (s?.evaluationError !== undefined) result.evaluationError = s.evaluationError;
    return result;
  }
}
