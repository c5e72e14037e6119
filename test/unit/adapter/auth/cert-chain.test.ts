import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { verifyClientChain } from '../../../../src/adapter/auth/cert-chain.ts';
import { parseCertificateBundle } from '../../../../src/adapter/auth/config.ts';
import { mintTestPki, type TestPki } from '../support/pki.ts';

let pki: TestPki;
beforeAll(() => {
  pki = mintTestPki();
});
afterAll(() => {
  pki.cleanup();
});

const certs = (pem: string): readonly X509Certificate[] => parseCertificateBundle(pem).certificates;
const one = (pem: string): X509Certificate => new X509Certificate(pem);
const now = (): Date => new Date();

describe('verifyClientChain', () => {
  it('accepts a leaf signed directly by the trusted CA', () => {
    const r = verifyClientChain(one(pki.frontProxyClient.cert), [], certs(pki.frontProxyCA.cert), now());
    expect(r.ok).toBe(true);
  });

  it('rejects a leaf from another CA, even with the same subject', () => {
    const r = verifyClientChain(one(pki.rogueFrontProxy.cert), [], certs(pki.frontProxyCA.cert), now());
    expect(r).toEqual({ ok: false, reason: 'certificate signed by unknown authority' });
  });

  it('checks against the CA it is given: a client-CA certificate fails the front-proxy CA', () => {
    expect(verifyClientChain(one(pki.clientCAFrontProxy.cert), [], certs(pki.frontProxyCA.cert), now()).ok).toBe(false);
    expect(verifyClientChain(one(pki.clientCAFrontProxy.cert), [], certs(pki.clientCA.cert), now()).ok).toBe(true);
  });

  it('builds a path through a presented intermediate', () => {
    const [leaf, intermediate] = certs(pki.carol.cert);
    if (leaf === undefined || intermediate === undefined) throw new Error('fixture');
    const r = verifyClientChain(leaf, [intermediate], certs(pki.clientCA.cert), now());
    expect(r.ok).toBe(true);
    if (r.ok) expect(r.chain.length).toBe(3);
    expect(verifyClientChain(leaf, [], certs(pki.clientCA.cert), now()).ok).toBe(false);
  });

  it('never trusts a presented self-signed certificate as a root', () => {
    const rogueCA = one(readFileSync(join(pki.dir, 'rogue-ca.crt'), 'utf8'));
    const r = verifyClientChain(one(pki.rogueFrontProxy.cert), [rogueCA], certs(pki.frontProxyCA.cert), now());
    expect(r.ok).toBe(false);
  });

  it('rejects an expired or not-yet-valid certificate', () => {
    const later = new Date(Date.now() + 30 * 24 * 3600 * 1000);
    const earlier = new Date(Date.now() - 30 * 24 * 3600 * 1000);
    expect(verifyClientChain(one(pki.alice.cert), [], certs(pki.clientCA.cert), later).ok).toBe(false);
    expect(verifyClientChain(one(pki.alice.cert), [], certs(pki.clientCA.cert), earlier).ok).toBe(false);
  });

  it('rejects a server-only certificate for client authentication', () => {
    const r = verifyClientChain(one(pki.serving.cert), [], certs(pki.servingCA.cert), now());
    expect(r).toEqual({ ok: false, reason: 'client certificate is not valid for client authentication' });
  });
});
