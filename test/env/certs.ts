import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Paths of a PEM certificate and its private key. */
export interface CertPair {
  readonly cert: string;
  readonly key: string;
}

export interface CertSpec {
  /** File name stem inside the directory: `<name>.crt`, `<name>.key`. */
  readonly name: string;
  readonly commonName: string;
  /** Become the subject's O= entries; Kubernetes reads them as groups. */
  readonly organizations?: readonly string[];
  readonly dnsNames?: readonly string[];
  readonly ipAddresses?: readonly string[];
  readonly usage: 'server' | 'client' | 'both';
  readonly days?: number;
}

/** Every certificate and key the cluster needs for one run. */
export interface ClusterCerts {
  readonly dir: string;
  readonly ca: CertPair;
  readonly apiserver: CertPair;
  readonly admin: CertPair;
  readonly controllerManager: CertPair;
  readonly frontProxyCa: CertPair;
  readonly frontProxyClient: CertPair;
  readonly serviceAccount: { readonly publicKey: string; readonly privateKey: string };
}

/** The in-cluster address of the `kubernetes` Service: the first address of 10.0.0.0/24. */
export const SERVICE_CLUSTER_IP_RANGE = '10.0.0.0/24';
export const KUBERNETES_SERVICE_IP = '10.0.0.1';
export const FRONT_PROXY_CLIENT_CN = 'front-proxy-client';

const DAYS = 2;

/** OpenSSL subject string; values are escaped the way `-subj` expects. */
export function subject(commonName: string, organizations: readonly string[] = []): string {
  const esc = (v: string): string => v.replace(/[\\/,=+]/g, (c) => `\\${c}`);
  return [...organizations.map((o) => `/O=${esc(o)}`), `/CN=${esc(commonName)}`].join('');
}

/** The X.509 v3 extension section for a leaf certificate (config text for `openssl x509 -extfile`). */
export function leafExtensions(spec: CertSpec): string {
  const usage = { server: 'serverAuth', client: 'clientAuth', both: 'serverAuth,clientAuth' }[spec.usage];
  const sans = [
    ...(spec.dnsNames ?? []).map((d) => `DNS:${d}`),
    ...(spec.ipAddresses ?? []).map((ip) => `IP:${ip}`),
  ];
  const lines = [
    '[ext]',
    'basicConstraints = critical, CA:FALSE',
    'keyUsage = critical, digitalSignature, keyEncipherment',
    `extendedKeyUsage = ${usage}`,
    'subjectKeyIdentifier = hash',
    'authorityKeyIdentifier = keyid, issuer',
  ];
  if (sans.length > 0) lines.push(`subjectAltName = ${sans.join(', ')}`);
  return `${lines.join('\n')}\n`;
}

const CA_EXTENSIONS = [
  '[req]',
  'distinguished_name = dn',
  '[dn]',
  '[ext]',
  'basicConstraints = critical, CA:TRUE',
  'keyUsage = critical, keyCertSign, cRLSign, digitalSignature',
  'subjectKeyIdentifier = hash',
  '',
].join('\n');

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

/** A self-signed CA (ECDSA P-256, valid two days). */
export async function createAuthority(dir: string, name: string, commonName: string): Promise<CertPair> {
  await mkdir(dir, { recursive: true });
  const pair = { cert: join(dir, `${name}.crt`), key: join(dir, `${name}.key`) };
  const config = join(dir, `${name}.cnf`);
  await writeFile(config, CA_EXTENSIONS);
  await run('openssl', [
    'req', '-x509', ...EC_KEY, '-keyout', pair.key, '-out', pair.cert, '-days', String(DAYS),
    '-subj', subject(commonName), '-config', config, '-extensions', 'ext',
  ]);
  return pair;
}

/** A leaf certificate signed by `ca`: server, client or both, with the SANs of `spec`. */
export async function mintCert(ca: CertPair, dir: string, spec: CertSpec): Promise<CertPair> {
  await mkdir(dir, { recursive: true });
  const pair = { cert: join(dir, `${spec.name}.crt`), key: join(dir, `${spec.name}.key`) };
  const csr = join(dir, `${spec.name}.csr`);
  const config = join(dir, `${spec.name}.ext`);
  await writeFile(config, leafExtensions(spec));
  await run('openssl', [
    'req', '-new', ...EC_KEY, '-keyout', pair.key, '-out', csr, '-subj', subject(spec.commonName, spec.organizations),
  ]);
  await run('openssl', [
    'x509', '-req', '-in', csr, '-CA', ca.cert, '-CAkey', ca.key, '-set_serial', `0x${randomBytes(12).toString('hex')}`,
    '-days', String(spec.days ?? DAYS), '-extfile', config, '-extensions', 'ext', '-out', pair.cert,
  ]);
  return pair;
}

/** An RSA key pair for signing and verifying service-account tokens. */
export async function createServiceAccountKeys(dir: string): Promise<{ publicKey: string; privateKey: string }> {
  const privateKey = join(dir, 'sa.key');
  const publicKey = join(dir, 'sa.pub');
  await run('openssl', ['genpkey', '-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048', '-out', privateKey]);
  await run('openssl', ['pkey', '-in', privateKey, '-pubout', '-out', publicKey]);
  return { publicKey, privateKey };
}

/** The apiserver's serving names: loopback, and the names and IP by which pods reach it. */
export const APISERVER_DNS_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
] as const;

export async function createClusterCerts(dir: string): Promise<ClusterCerts> {
  await mkdir(dir, { recursive: true });
  const [ca, frontProxyCa, serviceAccount] = await Promise.all([
    createAuthority(dir, 'ca', 'canopy-test-ca'),
    createAuthority(dir, 'front-proxy-ca', 'canopy-test-front-proxy-ca'),
    createServiceAccountKeys(dir),
  ]);
  const [apiserver, admin, controllerManager, frontProxyClient] = await Promise.all([
    mintCert(ca, dir, {
      name: 'apiserver',
      commonName: 'kube-apiserver',
      dnsNames: APISERVER_DNS_NAMES,
      ipAddresses: ['127.0.0.1', KUBERNETES_SERVICE_IP],
      usage: 'server',
    }),
    mintCert(ca, dir, { name: 'admin', commonName: 'canopy-admin', organizations: ['system:masters'], usage: 'client' }),
    mintCert(ca, dir, { name: 'controller-manager', commonName: 'system:kube-controller-manager', usage: 'client' }),
    mintCert(frontProxyCa, dir, { name: 'front-proxy-client', commonName: FRONT_PROXY_CLIENT_CN, usage: 'client' }),
  ]);
  return { dir, ca, apiserver, admin, controllerManager, frontProxyCa, frontProxyClient, serviceAccount };
}
