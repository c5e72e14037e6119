import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createAuthority, leafExtensions, mintCert, subject, type CertPair } from '../env/certs.ts';
import { httpGet } from '../env/net.ts';
import { integrationSkipped } from '../env/skip.ts';

describe('certificate helpers (pure parts)', () => {
  it('escapes subject values and puts organizations before the common name', () => {
    expect(subject('system:kube-controller-manager')).toBe('/CN=system:kube-controller-manager');
    expect(subject('jane', ['system:masters', 'a/b'])).toBe('/O=system:masters/O=a\\/b/CN=jane');
  });

  it('writes SANs and extended key usage for the requested purpose', () => {
    const server = leafExtensions({ name: 's', commonName: 's', usage: 'server', dnsNames: ['a.b.svc'], ipAddresses: ['10.0.0.7'] });
    expect(server).toContain('extendedKeyUsage = serverAuth\n');
    expect(server).toContain('subjectAltName = DNS:a.b.svc, IP:10.0.0.7');
    expect(server).toContain('CA:FALSE');
    const client = leafExtensions({ name: 'c', commonName: 'c', usage: 'client' });
    expect(client).toContain('extendedKeyUsage = clientAuth\n');
    expect(client).not.toContain('subjectAltName');
    expect(leafExtensions({ name: 'x', commonName: 'x', usage: 'both' })).toContain('serverAuth,clientAuth');
  });
});

describe.skipIf(integrationSkipped)('minted certificates', () => {
  let dir: string;
  let ca: CertPair;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'canopy-certs-test-'));
    ca = await createAuthority(dir, 'ca', 'test-ca');
  });

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('chain to their CA and carry the requested names', async () => {
    const leaf = await mintCert(ca, dir, {
      name: 'adapter',
      commonName: 'canopy.canopy-system.svc',
      dnsNames: ['canopy.canopy-system.svc', 'canopy.canopy-system.svc.cluster.local'],
      ipAddresses: ['10.200.0.2'],
      usage: 'server',
    });
    const caCert = new X509Certificate(await readFile(ca.cert));
    const cert = new X509Certificate(await readFile(leaf.cert));
    expect(cert.checkIssued(caCert)).toBe(true);
    expect(cert.verify(caCert.publicKey)).toBe(true);
    expect(caCert.ca).toBe(true);
    expect(cert.ca).toBe(false);
    expect(cert.checkHost('canopy.canopy-system.svc')).toBe('canopy.canopy-system.svc');
    expect(cert.checkIP('10.200.0.2')).toBe('10.200.0.2');
    expect(cert.checkHost('other.svc')).toBeUndefined();
  });

  it('serve TLS that a client verifies against the CA by service name', async () => {
    const leaf = await mintCert(ca, dir, { name: 'svc', commonName: 'm.ns.svc', dnsNames: ['m.ns.svc'], usage: 'server' });
    const server = createServer({ cert: await readFile(leaf.cert), key: await readFile(leaf.key) }, (_req, res) => {
      res.end('hello');
    });
    await new Promise<void>((resolve) => {
      server.listen(0, '127.0.0.1', resolve);
    });
    try {
      const port = (server.address() as AddressInfo).port;
      const caPem = await readFile(ca.cert);
      const ok = await httpGet(`https://127.0.0.1:${port}/`, { ca: caPem, servername: 'm.ns.svc' });
      expect(ok).toEqual({ status: 200, body: 'hello' });
      await expect(httpGet(`https://127.0.0.1:${port}/`, { ca: caPem, servername: 'wrong.ns.svc' })).rejects.toThrow(
        /altnames|does not match/i,
      );
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('authenticate to the shared apiserver as CN = user, O = groups', async () => {
    const env = inject('canopyEnv');
    const client = await mintCert(env.certs.ca, dir, {
      name: 'jane',
      commonName: 'jane',
      organizations: ['canopy-testers'],
      usage: 'client',
    });
    const res = await httpGet(`${env.server}/api/v1/namespaces`, {
      ca: await readFile(env.certs.ca.cert),
      cert: await readFile(client.cert),
      key: await readFile(client.key),
    });
    // Known to the apiserver (not 401), but RBAC grants jane nothing.
    expect(res.status).toBe(403);
    expect(res.body).toContain('User \\"jane\\" cannot list resource \\"namespaces\\"');
  });
});
