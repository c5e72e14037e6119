import { readFile, writeFile } from 'node:fs/promises';
import { stringify } from 'yaml';
import type { CertPair } from './certs.ts';

export interface KubeconfigInput {
  readonly server: string;
  readonly user: string;
  readonly caPem: string;
  readonly certPem: string;
  readonly keyPem: string;
}

/**
 * A kubeconfig with one cluster, user and context, credentials embedded so the file works when copied
 * elsewhere (the certificate files are deleted with the run directory).
 */
export function kubeconfigDocument(input: KubeconfigInput): string {
  const b64 = (pem: string): string => Buffer.from(pem, 'utf8').toString('base64');
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'canopy-test', cluster: { server: input.server, 'certificate-authority-data': b64(input.caPem) } }],
    users: [
      {
        name: input.user,
        user: { 'client-certificate-data': b64(input.certPem), 'client-key-data': b64(input.keyPem) },
      },
    ],
    contexts: [{ name: 'canopy-test', context: { cluster: 'canopy-test', user: input.user, namespace: 'default' } }],
    'current-context': 'canopy-test',
    preferences: {},
  });
}

export async function writeKubeconfig(path: string, server: string, ca: CertPair, client: CertPair, user: string): Promise<string> {
  const [caPem, certPem, keyPem] = await Promise.all([
    readFile(ca.cert, 'utf8'),
    readFile(client.cert, 'utf8'),
    readFile(client.key, 'utf8'),
  ]);
  await writeFile(path, kubeconfigDocument({ server, user, caPem, certPem, keyPem }), { mode: 0o600 });
  return path;
}
