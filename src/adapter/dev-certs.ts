// Development and test certificates minted with the `openssl` CLI: a serving CA and certificate for
// 127.0.0.1/localhost, a front-proxy (request-header) CA and client certificate, and a client CA. Used
// by the tests, the benchmark and the local demo; never in a cluster (there the API server's CAs apply).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface KeyPair {
  readonly key: string;
  readonly cert: string;
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
}

/** A self-signed CA (EC P-256) valid for `days`. */
export function mintCA(dir: string, name: string, commonName: string, days = 2): KeyPair {
  openssl(
    [
      'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
      '-keyout', `${name}.key`, '-out', `${name}.crt`, '-subj', `/CN=${commonName}`, '-days', String(days),
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign',
    ],
    dir,
  );
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

export interface LeafOptions {
  /** OpenSSL subject, e.g. `/O=team-a/CN=alice`. */
  readonly subject: string;
  readonly usage: 'client' | 'server' | 'ca';
  /** For servers: `IP:127.0.0.1,DNS:localhost`. */
  readonly subjectAltName?: string;
  readonly days?: number;
}

/** A certificate signed by the CA whose files are `${caName}.crt` / `${caName}.key` in `dir`. */
export function mintSigned(dir: string, name: string, caName: string, options: LeafOptions): KeyPair {
  const ext =
    options.usage === 'ca'
      ? ['basicConstraints=critical,CA:TRUE', 'keyUsage=critical,keyCertSign,cRLSign']
      : [
          'basicConstraints=critical,CA:FALSE',
          'keyUsage=critical,digitalSignature',
          `extendedKeyUsage=${options.usage === 'client' ? 'clientAuth' : 'serverAuth'}`,
        ];
  if (options.subjectAltName !== undefined) ext.push(`subjectAltName=${options.subjectAltName}`);
  writeFileSync(join(dir, `${name}.ext`), `${ext.join('\n')}\n`);
  openssl(
    ['req', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', options.subject],
    dir,
  );
  openssl(
    [
      'x509', '-req', '-in', `${name}.csr`, '-CA', `${caName}.crt`, '-CAkey', `${caName}.key`, '-CAcreateserial',
      '-out', `${name}.crt`, '-days', String(options.days ?? 1), '-extfile', `${name}.ext`,
    ],
    dir,
  );
  return { key: readFileSync(join(dir, `${name}.key`), 'utf8'), cert: readFileSync(join(dir, `${name}.crt`), 'utf8') };
}

export interface DevCertificates {
  readonly servingCA: KeyPair;
  readonly serving: KeyPair;
  readonly frontProxyCA: KeyPair;
  /** CN `front-proxy-client`, as kubeadm names the aggregator's client certificate. */
  readonly frontProxyClient: KeyPair;
  readonly clientCA: KeyPair;
}

export function mintDevCertificates(dir: string): DevCertificates {
  const servingCA = mintCA(dir, 'serving-ca', 'canopy-serving-ca');
  const serving = mintSigned(dir, 'serving', 'serving-ca', {
    subject: '/CN=canopy-adapter',
    usage: 'server',
    subjectAltName: 'IP:127.0.0.1,DNS:localhost',
  });
  const frontProxyCA = mintCA(dir, 'front-proxy-ca', 'front-proxy-ca');
  const frontProxyClient = mintSigned(dir, 'front-proxy-client', 'front-proxy-ca', { subject: '/CN=front-proxy-client', usage: 'client' });
  const clientCA = mintCA(dir, 'client-ca', 'kubernetes-client-ca');
  return { servingCA, serving, frontProxyCA, frontProxyClient, clientCA };
}

/** The extension-apiserver-authentication ConfigMap data a kubeadm cluster would publish for these CAs. */
export function devAuthenticationConfigMap(certs: DevCertificates): Record<string, string> {
  return {
    'client-ca-file': certs.clientCA.cert,
    'requestheader-client-ca-file': certs.frontProxyCA.cert,
    'requestheader-username-headers': '["X-Remote-User"]',
    'requestheader-group-headers': '["X-Remote-Group"]',
    'requestheader-extra-headers-prefix': '["X-Remote-Extra-"]',
    'requestheader-allowed-names': '["front-proxy-client"]',
  };
}
