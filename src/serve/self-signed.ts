// A self-signed serving certificate (EC P-256, ECDSA with SHA-256) minted in memory at start-up, for a
// pod that was given no certificate. It has the shape `openssl req -x509` gives (CA:TRUE, so a client
// may trust it directly as its own anchor) plus serverAuth and the service's names. Being new on every
// start and different on every replica, it cannot be pinned in an APIService caBundle: it suits
// `insecureSkipTLSVerify` (test clusters). Production mounts a certificate (metricsApi.tls.secretName).
import { createHash, generateKeyPairSync, randomBytes, sign, type KeyObject } from 'node:crypto';
import { isIP } from 'node:net';
import { bitString, boolean, explicit, implicitPrimitive, namedBits, octetString, oid, sequence, set, smallInteger, unsignedInteger, utf8String, x509Time } from './der.ts';

const OID = {
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  commonName: '2.5.4.3',
  subjectKeyIdentifier: '2.5.29.14',
  keyUsage: '2.5.29.15',
  subjectAltName: '2.5.29.17',
  basicConstraints: '2.5.29.19',
  extKeyUsage: '2.5.29.37',
  serverAuth: '1.3.6.1.5.5.7.3.1',
} as const;

const KEY_USAGE = { digitalSignature: 0, keyCertSign: 5 } as const;

export interface SelfSignedOptions {
  /** DNS names and IP addresses the certificate is valid for (at least one). */
  readonly names: readonly string[];
  readonly now: Date;
  /** Default 365. */
  readonly days?: number;
  /** Default: the first DNS name, else `canopy`. */
  readonly commonName?: string;
}

export interface SelfSignedCertificate {
  /** PKCS#8 PEM. */
  readonly key: string;
  readonly cert: string;
}

/** IPv4 → 4 bytes, IPv6 (any textual form, including an embedded IPv4 tail) → 16 bytes. */
export function ipBytes(text: string): Buffer {
  const family = isIP(text);
  if (family === 4) return Buffer.from(text.split('.').map(Number));
  if (family !== 6) throw new SyntaxError(`${text} is not an IP address`);
  let head = text;
  let tail: number[] = [];
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4?.[1] !== undefined) {
    const [a = 0, b = 0, c = 0, d = 0] = v4[1].split('.').map(Number);
    tail = [(a << 8) | b, (c << 8) | d];
    head = text.slice(0, -v4[1].length);
    if (head.endsWith(':') && !head.endsWith('::')) head = head.slice(0, -1);
  }
  const groups = (s: string): number[] => (s === '' ? [] : s.split(':').map((g) => parseInt(g, 16)));
  const [left = '', right] = head.split('::');
  const l = groups(left);
  const r = right === undefined ? [] : groups(right);
  const zeros = right === undefined ? 0 : 8 - l.length - r.length - tail.length;
  const words = [...l, ...new Array<number>(zeros).fill(0), ...r, ...tail];
  const out = Buffer.alloc(16);
  words.forEach((w, i) => out.writeUInt16BE(w, 2 * i));
  return out;
}

function extension(id: string, critical: boolean, value: Buffer): Buffer {
  return sequence(oid(id), ...(critical ? [boolean(true)] : []), octetString(value));
}

function name(commonName: string): Buffer {
  return sequence(set(sequence(oid(OID.commonName), utf8String(commonName))));
}

/** GeneralName: dNSName [2] IA5String, iPAddress [7] OCTET STRING. */
function generalName(entry: string): Buffer {
  return isIP(entry) === 0 ? implicitPrimitive(2, Buffer.from(entry, 'ascii')) : implicitPrimitive(7, ipBytes(entry));
}

function pem(label: string, der: Buffer): string {
  const lines = der.toString('base64').match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join('\n')}\n-----END ${label}-----\n`;
}

/** The DER certificate for `publicKey`, signed by `privateKey`. Deterministic given the serial. */
export function buildCertificate(options: SelfSignedOptions, keys: { readonly publicKey: KeyObject; readonly privateKey: KeyObject }, serial: Buffer): Buffer {
  if (options.names.length === 0) throw new RangeError('a serving certificate needs at least one name');
  const days = options.days ?? 365;
  const commonName = options.commonName ?? options.names.find((n) => isIP(n) === 0) ?? 'canopy';
  const spki = keys.publicKey.export({ type: 'spki', format: 'der' });
  // Key identifier per RFC 5280 4.2.1.2 method 1 would hash only the key bits; hashing the whole SPKI is
  // equally unique and what RFC 7093 allows.
  const keyId = createHash('sha1').update(spki).digest();
  const algorithm = sequence(oid(OID.ecdsaWithSha256));
  // Back-dated an hour so a client whose clock lags the pod's still accepts it.
  const notBefore = new Date(options.now.getTime() - 3_600_000);
  const notAfter = new Date(options.now.getTime() + days * 86_400_000);
  const tbs = sequence(
    explicit(0, smallInteger(2)),
    unsignedInteger(serial),
    algorithm,
    name(commonName),
    sequence(x509Time(notBefore), x509Time(notAfter)),
    name(commonName),
    spki,
    explicit(
      3,
      sequence(
        extension(OID.basicConstraints, true, sequence(boolean(true))),
        extension(OID.keyUsage, true, namedBits([KEY_USAGE.digitalSignature, KEY_USAGE.keyCertSign])),
        extension(OID.extKeyUsage, false, sequence(oid(OID.serverAuth))),
        extension(OID.subjectKeyIdentifier, false, octetString(keyId)),
        extension(OID.subjectAltName, false, sequence(...options.names.map(generalName))),
      ),
    ),
  );
  const signature = sign('sha256', tbs, { key: keys.privateKey, dsaEncoding: 'der' });
  return sequence(tbs, algorithm, bitString(signature));
}

export function selfSignedCertificate(options: SelfSignedOptions): SelfSignedCertificate {
  const keys = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const serial = randomBytes(16);
  // Positive and non-zero, as RFC 5280 4.1.2.2 requires.
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const der = buildCertificate(options, keys, serial);
  return { key: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), cert: pem('CERTIFICATE', der) };
}
