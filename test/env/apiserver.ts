import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { FRONT_PROXY_CLIENT_CN, SERVICE_CLUSTER_IP_RANGE, type ClusterCerts } from './certs.ts';
import { launch } from './launch.ts';
import { freePort, httpGet, type TlsOptions } from './net.ts';
import { startProcess, type ManagedProcess } from './proc.ts';

export interface ApiServer {
  readonly url: string;
  readonly port: number;
  readonly process: ManagedProcess;
}

export const SERVICE_ACCOUNT_ISSUER = 'https://kubernetes.default.svc.cluster.local';

/** The request-header settings the aggregator uses to vouch for the user it proxies for. */
export const REQUEST_HEADER = {
  allowedNames: [FRONT_PROXY_CLIENT_CN],
  usernameHeaders: ['X-Remote-User'],
  groupHeaders: ['X-Remote-Group'],
  extraHeadersPrefix: ['X-Remote-Extra-'],
} as const;

/** Command line for kube-apiserver 1.20 on 127.0.0.1:port with RBAC and the aggregation layer. */
export function apiserverArgs(input: { certs: ClusterCerts; etcdUrl: string; port: number; runDir: string }): string[] {
  const { certs } = input;
  return [
    `--etcd-servers=${input.etcdUrl}`,
    '--bind-address=127.0.0.1',
    '--advertise-address=127.0.0.1',
    `--secure-port=${input.port}`,
    '--insecure-port=0',
    `--cert-dir=${join(input.runDir, 'apiserver-certs')}`,
    `--tls-cert-file=${certs.apiserver.cert}`,
    `--tls-private-key-file=${certs.apiserver.key}`,
    `--client-ca-file=${certs.ca.cert}`,
    '--authorization-mode=Node,RBAC',
    `--service-cluster-ip-range=${SERVICE_CLUSTER_IP_RANGE}`,
    `--service-account-issuer=${SERVICE_ACCOUNT_ISSUER}`,
    `--service-account-key-file=${certs.serviceAccount.publicKey}`,
    `--service-account-signing-key-file=${certs.serviceAccount.privateKey}`,
    `--requestheader-client-ca-file=${certs.frontProxyCa.cert}`,
    `--requestheader-allowed-names=${REQUEST_HEADER.allowedNames.join(',')}`,
    `--requestheader-username-headers=${REQUEST_HEADER.usernameHeaders.join(',')}`,
    `--requestheader-group-headers=${REQUEST_HEADER.groupHeaders.join(',')}`,
    `--requestheader-extra-headers-prefix=${REQUEST_HEADER.extraHeadersPrefix.join(',')}`,
    `--proxy-client-cert-file=${certs.frontProxyClient.cert}`,
    `--proxy-client-key-file=${certs.frontProxyClient.key}`,
    // Route aggregated APIs to the Service's endpoint addresses, not its cluster IP: there is no kube-proxy.
    '--enable-aggregator-routing=true',
    '--allow-privileged=true',
    '--profiling=false',
    '--v=1',
  ];
}

/** TLS options for talking to the apiserver as the given client. */
export async function clientTls(certs: ClusterCerts, client = certs.admin): Promise<TlsOptions> {
  const [ca, cert, key] = await Promise.all([
    readFile(certs.ca.cert),
    readFile(client.cert),
    readFile(client.key),
  ]);
  return { ca, cert, key };
}

export async function startApiServer(
  certs: ClusterCerts,
  etcdUrl: string,
  runDir: string,
  timeoutMs = 150_000,
): Promise<ApiServer> {
  const logFile = join(runDir, 'logs', 'kube-apiserver.log');
  const binary = join(kubeBinDir(), 'kube-apiserver');
  const tls = await clientTls(certs);
  const { process: child, prepared: port } = await launch({
    name: 'kube-apiserver',
    prepare: freePort,
    spawn: (p) =>
      startProcess({
        name: 'kube-apiserver',
        command: binary,
        args: apiserverArgs({ certs, etcdUrl, port: p, runDir }),
        logFile,
      }),
    ready: async (p) => (await httpGet(`https://127.0.0.1:${p}/readyz`, tls)).status === 200,
    timeoutMs,
  });
  return { url: `https://127.0.0.1:${port}`, port, process: child };
}

/** Where install.sh caches the kube 1.20.2 binaries. */
export function kubeBinDir(): string {
  const cache = process.env['CANOPY_CACHE'] ?? join(process.env['HOME'] ?? '/root', '.cache', 'canopy');
  return join(cache, 'kube-1.20.2');
}
