// The identity a trusted front proxy (the kube-apiserver aggregator) asserts in X-Remote-* headers.
// Only called after the proxy's client certificate has been verified against the request-header CA.
import type { RequestHeaderConfig } from './config.ts';
import type { UserInfo } from './identity.ts';

/** Header name (lower case) → every value received, one per header line, in order. */
export type HeaderLines = Readonly<Record<string, readonly string[] | undefined>>;

function firstValue(headers: HeaderLines, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = headers[name.toLowerCase()]?.[0];
    if (v !== undefined && v.length > 0) return v;
  }
  return undefined;
}

function decodeExtraKey(key: string): string {
  try {
    return decodeURIComponent(key);
  } catch {
    return key;
  }
}

/** Undefined when no username header is present: the request is then not authenticated by the proxy. */
export function identityFromHeaders(headers: HeaderLines, config: RequestHeaderConfig): UserInfo | undefined {
  const username = firstValue(headers, config.usernameHeaders);
  if (username === undefined) return undefined;
  const groups: string[] = [];
  for (const name of config.groupHeaders) groups.push(...(headers[name.toLowerCase()] ?? []));
  const extra: Record<string, string[]> = {};
  const prefixes = config.extraHeaderPrefixes.map((p) => p.toLowerCase());
  for (const [name, values] of Object.entries(headers)) {
    const prefix = prefixes.find((p) => name.startsWith(p) && name.length > p.length);
    if (prefix === undefined || values === undefined) continue;
    // Keys arrive lower-cased and percent-escaped (X-Remote-Extra-Scopes%2Fa): undo the escaping.
    const key = decodeExtraKey(name.slice(prefix.length).toLowerCase());
    (extra[key] ??= []).push(...values);
  }
  const uid = firstValue(headers, config.uidHeaders);
  return uid === undefined ? { username, groups, extra } : { username, uid, groups, extra };
}
