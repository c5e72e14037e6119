// The delegated-authentication settings the API server publishes in
// kube-system/extension-apiserver-authentication, parsed into what the authenticator needs.
import { X509Certificate } from 'node:crypto';

export const authConfigMapNamespace = 'kube-system';
export const authConfigMapName = 'extension-apiserver-authentication';

export interface CertificateAuthority {
  /** PEM bundle, handed to TLS as `ca` so clients know which certificates to present. */
  readonly pem: string;
  readonly certificates: readonly X509Certificate[];
}

export interface RequestHeaderConfig {
  readonly ca: CertificateAuthority;
  readonly usernameHeaders: readonly string[];
  readonly uidHeaders: readonly string[];
  readonly groupHeaders: readonly string[];
  readonly extraHeaderPrefixes: readonly string[];
  /** Empty: any certificate the CA signed may front requests. */
  readonly allowedNames: readonly string[];
}

export interface AuthenticationConfig {
  readonly clientCA: CertificateAuthority | undefined;
  readonly requestHeader: RequestHeaderConfig | undefined;
}

const pemBlock = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM bundle; throws when a block does not parse or there is none. */
export function parseCertificateBundle(pem: string): CertificateAuthority {
  const blocks = pem.match(pemBlock) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate in bundle');
  return { pem, certificates: blocks.map((b) => new X509Certificate(b)) };
}

/** `'["X-Remote-User"]'` → ['X-Remote-User']. The ConfigMap stores string lists as JSON inside strings. */
export function parseStringList(raw: string | undefined, key: string): string[] {
  if (raw === undefined || raw.trim() === '') return [];
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new Error(`${key}: not a JSON array of strings`);
  }
  if (!Array.isArray(value) || !value.every((v): v is string => typeof v === 'string'))
    throw new Error(`${key}: not a JSON array of strings`);
  return value;
}

/** ConfigMap data → config. A missing CA key disables that path; malformed content throws. */
export function parseAuthenticationConfigMap(data: Readonly<Record<string, string>>): AuthenticationConfig {
  const clientPem = data['client-ca-file'];
  const rhPem = data['requestheader-client-ca-file'];
  const clientCA = clientPem === undefined || clientPem.trim() === '' ? undefined : parseCertificateBundle(clientPem);
  let requestHeader: RequestHeaderConfig | undefined;
  if (rhPem !== undefined && rhPem.trim() !== '') {
    requestHeader = {
      ca: parseCertificateBundle(rhPem),
      usernameHeaders: parseStringList(data['requestheader-username-headers'], 'requestheader-username-headers'),
      uidHeaders: parseStringList(data['requestheader-uid-headers'], 'requestheader-uid-headers'),
      groupHeaders: parseStringList(data['requestheader-group-headers'], 'requestheader-group-headers'),
      extraHeaderPrefixes: parseStringList(data['requestheader-extra-headers-prefix'], 'requestheader-extra-headers-prefix'),
      allowedNames: parseStringList(data['requestheader-allowed-names'], 'requestheader-allowed-names'),
    };
  }
  return { clientCA, requestHeader };
}

/** The union of both CA bundles, for the TLS `ca` option (which certificates the server asks for). */
export function tlsClientCAs(config: AuthenticationConfig): string[] {
  const out: string[] = [];
  if (config.requestHeader !== undefined) out.push(config.requestHeader.ca.pem);
  if (config.clientCA !== undefined) out.push(config.clientCA.pem);
  return out;
}
