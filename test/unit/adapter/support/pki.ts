// Test certificates, minted once per test file with the openssl CLI into a temp dir.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  devAuthenticationConfigMap,
  mintCA,
  mintDevCertificates,
  mintSigned,
  type DevCertificates,
  type KeyPair,
} from '../../../../src/adapter/dev-certs.ts';

export interface TestPki extends DevCertificates {
  readonly dir: string;
  /** CN front-proxy-client, but signed by an unrelated CA. */
  readonly rogueFrontProxy: KeyPair;
  /** Signed by the front-proxy CA, CN not in requestheader-allowed-names. */
  readonly otherProxy: KeyPair;
  /** Client-CA user alice in groups team-a and team-b. */
  readonly alice: KeyPair;
  /** Client-CA user admin in system:masters. */
  readonly admin: KeyPair;
  /** Client-CA user carol, signed by an intermediate CA; `cert` holds leaf + intermediate. */
  readonly carol: KeyPair;
  /** The intermediate CA under the client CA that signed carol. */
  readonly clientIntermediate: KeyPair;
  /** Signed by the client CA with CN front-proxy-client: must not pass as the front proxy. */
  readonly clientCAFrontProxy: KeyPair;
  readonly configMap: Record<string, string>;
  cleanup(): void;
}

export function mintTestPki(): TestPki {
  const dir = mkdtempSync(join(tmpdir(), 'canopy-adapter-pki-'));
  const dev = mintDevCertificates(dir);
  mintCA(dir, 'rogue-ca', 'rogue-ca');
  const rogueFrontProxy = mintSigned(dir, 'rogue-front-proxy', 'rogue-ca', { subject: '/CN=front-proxy-client', usage: 'client' });
  const otherProxy = mintSigned(dir, 'other-proxy', 'front-proxy-ca', { subject: '/CN=some-other-proxy', usage: 'client' });
  const alice = mintSigned(dir, 'alice', 'client-ca', { subject: '/O=team-a/O=team-b/CN=alice', usage: 'client' });
  const admin = mintSigned(dir, 'admin', 'client-ca', { subject: '/O=system:masters/CN=kubernetes-admin', usage: 'client' });
  const intermediate = mintSigned(dir, 'client-intermediate', 'client-ca', { subject: '/CN=client-intermediate', usage: 'ca' });
  const carolLeaf = mintSigned(dir, 'carol', 'client-intermediate', { subject: '/O=team-c/CN=carol', usage: 'client' });
  const carol = { key: carolLeaf.key, cert: carolLeaf.cert + intermediate.cert };
  const clientCAFrontProxy = mintSigned(dir, 'client-ca-front-proxy', 'client-ca', { subject: '/CN=front-proxy-client', usage: 'client' });
  return {
    ...dev,
    dir,
    rogueFrontProxy,
    otherProxy,
    alice,
    admin,
    carol,
    clientIntermediate: intermediate,
    clientCAFrontProxy,
    configMap: devAuthenticationConfigMap(dev),
    cleanup: () => {
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
