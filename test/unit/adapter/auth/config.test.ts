import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { parseAuthenticationConfigMap, parseStringList, tlsClientCAs } from '../../../../src/adapter/auth/config.ts';
import { mintTestPki, type TestPki } from '../support/pki.ts';

let pki: TestPki;
beforeAll(() => {
  pki = mintTestPki();
});
afterAll(() => {
  pki.cleanup();
});

describe('parseAuthenticationConfigMap', () => {
  it('reads both CAs and the request-header lists (JSON arrays inside strings)', () => {
    const c = parseAuthenticationConfigMap({
      ...pki.configMap,
      'requestheader-username-headers': '["X-Remote-User","X-Other-User"]',
      'requestheader-uid-headers': '["X-Remote-Uid"]',
    });
    expect(c.clientCA?.certificates.length).toBe(1);
    expect(c.clientCA?.certificates[0]?.subject).toContain('CN=kubernetes-client-ca');
    expect(c.requestHeader).toMatchObject({
      usernameHeaders: ['X-Remote-User', 'X-Other-User'],
      uidHeaders: ['X-Remote-Uid'],
      groupHeaders: ['X-Remote-Group'],
      extraHeaderPrefixes: ['X-Remote-Extra-'],
      allowedNames: ['front-proxy-client'],
    });
    expect(c.requestHeader?.ca.certificates[0]?.subject).toContain('CN=front-proxy-ca');
    expect(tlsClientCAs(c)).toEqual([pki.frontProxyCA.cert, pki.clientCA.cert]);
  });

  it('reads every certificate of a bundle', () => {
    const c = parseAuthenticationConfigMap({ 'client-ca-file': pki.clientCA.cert + pki.servingCA.cert });
    expect(c.clientCA?.certificates.length).toBe(2);
    expect(c.requestHeader).toBeUndefined();
  });

  it('disables a path whose CA key is absent', () => {
    expect(parseAuthenticationConfigMap({})).toEqual({ clientCA: undefined, requestHeader: undefined });
  });

  it('rejects malformed lists and bundles without a certificate', () => {
    expect(() => parseStringList('X-Remote-User', 'k')).toThrow(/JSON array/);
    expect(() => parseStringList('[1]', 'k')).toThrow(/JSON array/);
    expect(parseStringList('', 'k')).toEqual([]);
    expect(() => parseAuthenticationConfigMap({ 'client-ca-file': 'not a pem' })).toThrow(/no PEM/);
  });
});
