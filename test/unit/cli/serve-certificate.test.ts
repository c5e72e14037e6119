import { X509Certificate, createPrivateKey } from 'node:crypto';
import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { connect, createServer } from 'node:tls';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { derLength, namedBits, oid, smallInteger, unsignedInteger, x509Time } from '../../../src/serve/der.ts';
import { ipBytes, selfSignedCertificate } from '../../../src/serve/self-signed.ts';

const hex = (b: Buffer): string => b.toString('hex');

describe('DER pieces (X.690)', () => {
  it('lengths: short form below 128, long form with the byte count after', () => {
    expect(hex(derLength(0))).toBe('00');
    expect(hex(derLength(127))).toBe('7f');
    expect(hex(derLength(128))).toBe('8180');
    expect(hex(derLength(200))).toBe('81c8');
    expect(hex(derLength(256))).toBe('820100');
    expect(hex(derLength(65_536))).toBe('83010000');
  });

  it('object identifiers: 40·a+b, then base 128 with continuation bits', () => {
    expect(hex(oid('1.2.840.10045.4.3.2'))).toBe('06082a8648ce3d040302');
    expect(hex(oid('2.5.29.17'))).toBe('0603551d11');
    expect(hex(oid('1.3.6.1.5.5.7.3.1'))).toBe('06082b06010505070301');
    expect(() => oid('1.40')).toThrow(/not valid/);
  });

  it('integers are minimal and stay positive', () => {
    expect(hex(smallInteger(0))).toBe('020100');
    expect(hex(smallInteger(2))).toBe('020102');
    expect(hex(smallInteger(127))).toBe('02017f');
    expect(hex(smallInteger(128))).toBe('02020080');
    expect(hex(unsignedInteger(Buffer.from([0, 0, 0x01, 0x02])))).toBe('02020102');
    expect(hex(unsignedInteger(Buffer.from([0xff])))).toBe('020200ff');
  });

  it('named bits drop trailing zero bits (keyUsage digitalSignature + keyCertSign = 03 02 02 84)', () => {
    expect(hex(namedBits([0, 5]))).toBe('03020284');
    expect(hex(namedBits([0]))).toBe('03020780');
    expect(hex(namedBits([8]))).toBe('0303070080');
  });

  it('times: UTCTime through 2049, GeneralizedTime from 2050', () => {
    expect(x509Time(new Date(Date.UTC(2026, 10, 21, 5, 6, 7))).toString('latin1')).toBe('\x17\x0d261121050607Z');
    expect(x509Time(new Date(Date.UTC(2050, 0, 1, 0, 0, 0))).toString('latin1')).toBe('\x18\x0f20500101000000Z');
  });

  it('every length survives a round trip through the long form', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 40 }), (n) => {
        const b = derLength(n);
        const first = b[0] ?? 0;
        if (first < 0x80) return n === first;
        const bytes = [...b.subarray(1)];
        return bytes.length === (first & 0x7f) && bytes[0] !== 0 && bytes.reduce((acc, x) => acc * 256 + x, 0) === n;
      }),
    );
  });
});

describe('IP addresses for subjectAltName', () => {
  it('IPv4 is four bytes; IPv6 is sixteen whatever its spelling', () => {
    expect(hex(ipBytes('10.96.0.1'))).toBe('0a600001');
    expect(hex(ipBytes('::1'))).toBe('00000000000000000000000000000001');
    expect(hex(ipBytes('fd00:10:96::a'))).toBe('fd00001000960000000000000000000a');
    expect(hex(ipBytes('::ffff:10.0.0.1'))).toBe('00000000000000000000ffff0a000001');
    expect(hex(ipBytes('2001:db8:0:0:1:0:0:1'))).toBe('20010db8000000000001000000000001');
    expect(() => ipBytes('canopy')).toThrow(/not an IP address/);
  });
});

describe('self-signed serving certificate', () => {
  const now = new Date(Date.UTC(2026, 10, 21, 12, 0, 0));
  const names = ['canopy', 'canopy.canopy-system', 'canopy.canopy-system.svc', '127.0.0.1', '::1'];

  it('is a v3 certificate for exactly the given names, valid from an hour ago for a year, signed by its own key', () => {
    const { cert, key } = selfSignedCertificate({ names, now });
    const x = new X509Certificate(cert);
    expect(x.subject).toBe('CN=canopy');
    expect(x.issuer).toBe(x.subject);
    expect(x.subjectAltName).toBe('DNS:canopy, DNS:canopy.canopy-system, DNS:canopy.canopy-system.svc, IP Address:127.0.0.1, IP Address:0:0:0:0:0:0:0:1');
    expect(new Date(x.validFrom).getTime()).toBe(now.getTime() - 3_600_000);
    expect(new Date(x.validTo).getTime()).toBe(now.getTime() + 365 * 86_400_000);
    expect(x.verify(x.publicKey)).toBe(true);
    expect(x.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(x.keyUsage).toEqual(['1.3.6.1.5.5.7.3.1']);
    expect(x.ca).toBe(true);
    expect(x.checkHost('canopy.canopy-system.svc')).toBe('canopy.canopy-system.svc');
    expect(x.checkHost('other.canopy-system.svc')).toBeUndefined();
    expect(x.checkIP('127.0.0.1')).toBe('127.0.0.1');
    expect(x.checkIP('10.0.0.1')).toBeUndefined();
    expect(/^[0-9A-F]+$/.test(x.serialNumber) && !/^0+$/.test(x.serialNumber)).toBe(true);
  });

  it('two starts give two different keys and serials', () => {
    const a = new X509Certificate(selfSignedCertificate({ names, now }).cert);
    const b = new X509Certificate(selfSignedCertificate({ names, now }).cert);
    expect(a.serialNumber).not.toBe(b.serialNumber);
    expect(a.fingerprint256).not.toBe(b.fingerprint256);
  });

  it('a TLS client that trusts it verifies the handshake by service name, and refuses a name it lacks', async () => {
    const { cert, key } = selfSignedCertificate({ names, now: new Date() });
    const server = createServer({ key, cert }, (socket) => {
      socket.end('hello');
    });
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const handshake = (servername: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const socket = connect({ host: '127.0.0.1', port, servername, ca: cert }, () => {
          socket.setEncoding('utf8');
          let body = '';
          socket.on('data', (d: string) => (body += d));
          socket.on('end', () => {
            resolve(body);
          });
        });
        socket.on('error', reject);
      });
    try {
      await expect(handshake('canopy.canopy-system.svc')).resolves.toBe('hello');
      await expect(handshake('elsewhere.example')).rejects.toThrow(/Hostname\/IP does not match/);
    } finally {
      server.close();
    }
  });

  it('refuses an empty name list', () => {
    expect(() => selfSignedCertificate({ names: [], now })).toThrow(/at least one name/);
  });
});
