// The identity a trusted front proxy (the kube-apiserver aggregator) asserts in X-Remote-* headers.
// Only called after the proxy's client certificate has been verified against the request-header CA.
import type { RequestHeaderConfig } from './config.ts';
import type { UserInfo } from './identity.ts';

/** Header name (lower case) → every value received, one per header line, in order. */
export type HeaderLines = Readonly<Record<string, readonly string[] | undefined>>;

/** A configuration's header names, lower-cased as Node delivers them; worked out once per configuration. */
interface HeaderNames {
  readonly username: readonly string[];
  readonly uid: readonly string[];
  readonly group: readonly string[];
  readonly extraPrefixes: readonly string[];
}

const namesByConfig = new WeakMap<RequestHeaderConfig, HeaderNames>();

function headerNames(config: RequestHeaderConfig): HeaderNames {
  let names = namesByConfig.get(config);
  if (names === undefined) {
    const lower = (list: readonly string[]): string[] => list.map((n) => n.toLowerCase());
    names = {
      username: lower(config.usernameHeaders),
      uid: lower(config.uidHeaders),
      group: lower(config.groupHeaders),
      extraPrefixes: lower(config.extraHeaderPrefixes),
    };
    namesByConfig.set(config, names);
  }
  return names;
}

function firstValue(headers: HeaderLines, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = headers[name]?.[0];
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
  const names = headerNames(config);
  const username = firstValue(headers, names.username);
  if (username === undefined) return undefined;
  const groups: string[] = [];
  for (const name of names.group) groups.push(...(headers[name] ?? []));
  const extra: Record<string, string[]> = {};
  const prefixes = names.extraPrefixes;
  if (prefixes.length > 0) {
    for (const name of Object.keys(headers)) {
      const prefix = prefixes.find((p) => name.startsWith(p) && name.length > p.length);
      const values = headers[name];
      if (prefix === undefined || values === undefined) continue;
      // Keys arrive lower-cased and percent-escaped (X-Remote-Extra-Scopes%2Fa): undo the escaping.
      const key = decodeExtraKey(name.slice(prefix.length).toLowerCase());
      (extra[key] ??= []).push(...values);
    }
  }
  const uid = firstValue(headers, names.uid);
  return uid === undefined ? { username, groups, extra } : { username, uid, groups, extra };
}
