// Delegated authorization: one SubjectAccessReview per distinct (user, attributes), answers cached for
// 10 s each way; system:masters bypasses the review as the API server's delegated authorizer does.
import { mastersGroup, type UserInfo } from './identity.ts';
import type { AccessAttributes, KubeAuthClient } from './kube-auth-client.ts';
import { TtlCache } from './ttl-cache.ts';

export type Authorization =
  | { readonly kind: 'allowed'; readonly reason: string }
  | { readonly kind: 'denied'; readonly reason: string }
  | { readonly kind: 'error'; readonly reason: string };

export interface AuthorizerOptions {
  readonly client: KubeAuthClient;
  readonly now?: () => number;
  readonly allowTtlMs?: number;
  readonly denyTtlMs?: number;
}

/** Allowed without a review (the pure part of the decision), or undefined when a review is needed. */
export function authorizeWithoutReview(user: UserInfo): Authorization | undefined {
  if (user.groups.includes(mastersGroup)) return { kind: 'allowed', reason: `member of ${mastersGroup}` };
  return undefined;
}

function isSorted(list: readonly string[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i - 1] ?? '') > (list[i] ?? '')) return false;
  return true;
}

// The text of a frozen attributes object (the transport shares one per path, see accessAttributesMemo)
// is worked out once. Anything a caller could still change is serialized on every call.
const accessTexts = new WeakMap<AccessAttributes, string>();

function accessText(access: AccessAttributes): string {
  if (!Object.isFrozen(access) || !Object.isFrozen(access.attributes)) return JSON.stringify(access);
  let text = accessTexts.get(access);
  if (text === undefined) {
    text = JSON.stringify(access);
    accessTexts.set(access, text);
  }
  return text;
}

// Group order and extra-key order do not change who the user is. Built on every request, so the common
// shapes (groups already in order, no extra) skip the copies. JSON text never holds a raw line break,
// so the two parts cannot run into each other.
function cacheKey(user: UserInfo, access: AccessAttributes): string {
  const keys = Object.keys(user.extra);
  const extra = keys.length === 0 ? keys : keys.sort().map((k) => [k, user.extra[k]]);
  const groups = isSorted(user.groups) ? user.groups : [...user.groups].sort();
  return `${JSON.stringify([user.username, user.uid ?? '', groups, extra])}\n${accessText(access)}`;
}

export class Authorizer {
  readonly #client: KubeAuthClient;
  readonly #allowed: TtlCache<string>;
  readonly #denied: TtlCache<string>;

  constructor(options: AuthorizerOptions) {
    const now = options.now ?? Date.now;
    this.#client = options.client;
    this.#allowed = new TtlCache<string>(options.allowTtlMs ?? 10_000, now);
    this.#denied = new TtlCache<string>(options.denyTtlMs ?? 10_000, now);
  }

  async authorize(user: UserInfo, access: AccessAttributes): Promise<Authorization> {
    const fixed = authorizeWithoutReview(user);
    if (fixed !== undefined) return fixed;
    const key = cacheKey(user, access);
    const allowedReason = this.#allowed.get(key);
    if (allowedReason !== undefined) return { kind: 'allowed', reason: allowedReason };
    const deniedReason = this.#denied.get(key);
    if (deniedReason !== undefined) return { kind: 'denied', reason: deniedReason };
    let result;
    try {
      result = await this.#client.reviewAccess({ user, access });
    } catch (err) {
      return { kind: 'error', reason: `SubjectAccessReview failed: ${err instanceof Error ? err.message : String(err)}` };
    }
    if (result.allowed) {
      const reason = result.reason ?? 'allowed by SubjectAccessReview';
      this.#allowed.set(key, reason);
      return { kind: 'allowed', reason };
    }
    const reason = result.reason ?? result.evaluationError ?? 'no RBAC policy matched';
    this.#denied.set(key, reason);
    return { kind: 'denied', reason };
  }
}
