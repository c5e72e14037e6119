import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { X509Certificate } from 'node:crypto';
import {
  authenticateCertificate,
  Authenticator,
  bearerToken,
  memoizedChainVerifier,
  type PeerCertificate,
} from '../../../../src/adapter/auth/authenticate.ts';
import { parseAuthenticationConfigMap, parseCertificateBundle, type AuthenticationConfig } from '../../../../src/adapter/auth/config.ts';
import { FakeKubeAuthClient } from '../../../../src/adapter/auth/fake-kube-auth-client.ts';
import { mintTestPki, type TestPki } from '../support/pki.ts';

let pki: TestPki;
let config: AuthenticationConfig;
beforeAll(() => {
  pki = mintTestPki();
  config = parseAuthenticationConfigMap(pki.configMap);
});
afterAll(() => {
  pki.cleanup();
});

/** The chain as a client would present it, with subject fields read from the certificate text. */
function presented(pem: string): PeerCertificate[] {
  return parseCertificateBundle(pem).certificates.map((x509: X509Certificate) => {
    const lines = x509.subject.split('\n');
    const field = (k: string): string[] => lines.filter((l) => l.startsWith(`${k}=`)).map((l) => l.slice(k.length + 1));
    return { x509, commonName: field('CN')[0], organizations: field('O') };
  });
}

const proxyHeaders = {
  'x-remote-user': ['system:serviceaccount:kube-system:horizontal-pod-autoscaler'],
  'x-remote-group': ['system:serviceaccounts'],
};

describe('authenticateCertificate', () => {
  it('front proxy with allowed CN and headers → header identity plus system:authenticated', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.frontProxyClient.cert), headers: proxyHeaders }, config, new Date());
    expect(r).toEqual({
      kind: 'authenticated',
      via: 'request-header',
      user: {
        username: 'system:serviceaccount:kube-system:horizontal-pod-autoscaler',
        groups: ['system:serviceaccounts', 'system:authenticated'],
        extra: {},
      },
    });
  });

  it('ignores X-Remote-* headers from a client-CA certificate: identity comes from the certificate', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.alice.cert), headers: proxyHeaders }, config, new Date());
    expect(r).toEqual({
      kind: 'authenticated',
      via: 'client-certificate',
      user: { username: 'alice', groups: ['team-a', 'team-b', 'system:authenticated'], extra: {} },
    });
  });

  it('a client-CA certificate named front-proxy-client does not become the front proxy', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.clientCAFrontProxy.cert), headers: proxyHeaders }, config, new Date());
    expect(r).toMatchObject({ kind: 'authenticated', via: 'client-certificate', user: { username: 'front-proxy-client' } });
  });

  it('rejects a front-proxy CA certificate whose CN is not allowed', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.otherProxy.cert), headers: proxyHeaders }, config, new Date());
    expect(r.kind).toBe('unauthenticated');
    if (r.kind === 'unauthenticated') expect(r.reasons.join(' ')).toMatch(/not an allowed front proxy/);
  });

  it('accepts any CN from the front-proxy CA when allowed-names is empty', () => {
    const open = parseAuthenticationConfigMap({ ...pki.configMap, 'requestheader-allowed-names': '[]' });
    const r = authenticateCertificate({ peerChain: presented(pki.otherProxy.cert), headers: proxyHeaders }, open, new Date());
    expect(r.kind).toBe('authenticated');
  });

  it('rejects the rogue front proxy (wrong CA)', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.rogueFrontProxy.cert), headers: proxyHeaders }, config, new Date());
    expect(r.kind).toBe('unauthenticated');
  });

  it('authenticates a client certificate through a presented intermediate', () => {
    const r = authenticateCertificate({ peerChain: presented(pki.carol.cert), headers: {} }, config, new Date());
    expect(r).toMatchObject({ kind: 'authenticated', user: { username: 'carol', groups: ['team-c', 'system:authenticated'] } });
  });

  it('no certificate → unauthenticated', () => {
    expect(authenticateCertificate({ peerChain: [], headers: proxyHeaders }, config, new Date())).toEqual({
      kind: 'unauthenticated',
      reasons: [],
    });
  });
});

describe('Authenticator token path', () => {
  function setup(): { client: FakeKubeAuthClient; authenticator: Authenticator; clock: { now: number } } {
    const clock = { now: Date.now() };
    const client = new FakeKubeAuthClient({ tokens: { good: { username: 'dave', groups: ['devs'], extra: {} } } });
    return { client, authenticator: new Authenticator({ config, client, now: () => clock.now }), clock };
  }

  it('TokenReview authenticates a bearer token and the verdict is cached for 10 s', async () => {
    const { client, authenticator, clock } = setup();
    const creds = { peerChain: [], headers: {}, bearerToken: 'good' };
    expect(await authenticator.authenticate(creds)).toEqual({
      kind: 'authenticated',
      via: 'token',
      user: { username: 'dave', groups: ['devs', 'system:authenticated'], extra: {} },
    });
    clock.now += 9_000;
    await authenticator.authenticate(creds);
    expect(client.tokenReviews).toEqual(['good']);
    clock.now += 1_000;
    await authenticator.authenticate(creds);
    expect(client.tokenReviews).toEqual(['good', 'good']);
  });

  it('caches rejections too, but not TokenReview failures', async () => {
    const { client, authenticator } = setup();
    const bad = { peerChain: [], headers: {}, bearerToken: 'bad' };
    expect((await authenticator.authenticate(bad)).kind).toBe('unauthenticated');
    expect((await authenticator.authenticate(bad)).kind).toBe('unauthenticated');
    expect(client.tokenReviews).toEqual(['bad']);
    client.failure = new Error('down');
    const other = { peerChain: [], headers: {}, bearerToken: 'good' };
    expect((await authenticator.authenticate(other)).kind).toBe('unauthenticated');
    client.failure = undefined;
    expect((await authenticator.authenticate(other)).kind).toBe('authenticated');
  });

  it('certificates win over a token; no token and no certificate is unauthenticated without a review', async () => {
    const { client, authenticator } = setup();
    const r = await authenticator.authenticate({ peerChain: presented(pki.alice.cert), headers: {}, bearerToken: 'good' });
    expect(r).toMatchObject({ via: 'client-certificate' });
    expect((await authenticator.authenticate({ peerChain: [], headers: {}, bearerToken: undefined })).kind).toBe('unauthenticated');
    expect(client.tokenReviews).toEqual([]);
  });

  it('bearerToken parses only the Bearer scheme', () => {
    expect(bearerToken('Bearer abc.def')).toBe('abc.def');
    expect(bearerToken('bearer   xyz ')).toBe('xyz');
    expect(bearerToken('Basic Zm9v')).toBeUndefined();
    expect(bearerToken('Bearer a b')).toBeUndefined();
    expect(bearerToken(undefined)).toBeUndefined();
  });
});

describe('memoizedChainVerifier', () => {
  it('reuses a verdict per certificate and trust bundle, and re-verifies after the TTL', () => {
    const clock = { now: Date.now() };
    const verify = memoizedChainVerifier(() => clock.now, 10_000);
    const proxyRoots = config.requestHeader?.ca.certificates ?? [];
    const clientRoots = config.clientCA?.certificates ?? [];
    const proxy = presented(pki.frontProxyClient.cert)[0]?.x509;
    const rogue = presented(pki.rogueFrontProxy.cert)[0]?.x509;
    if (proxy === undefined || rogue === undefined) throw new Error('fixture');
    const first = verify(proxy, [], proxyRoots, new Date(clock.now));
    expect(first.ok).toBe(true);
    expect(verify(proxy, [], proxyRoots, new Date(clock.now))).toBe(first);
    // Same certificate, other bundle: its own verdict.
    expect(verify(proxy, [], clientRoots, new Date(clock.now)).ok).toBe(false);
    // Same subject, other certificate: its own verdict.
    expect(verify(rogue, [], proxyRoots, new Date(clock.now)).ok).toBe(false);
    clock.now += 10_000;
    const again = verify(proxy, [], proxyRoots, new Date(clock.now));
    expect(again).not.toBe(first);
    expect(again.ok).toBe(true);
  });
});
