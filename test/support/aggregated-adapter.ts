import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { request as httpsRequest, type RequestOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { createEngineSimulation, type EngineSimulationOptions, type LoadProfile } from '../../src/sim/engine-server/load.ts';
import { createAuthority, mintCert, type CertPair } from '../env/certs.ts';
import type { EnvInfo } from '../env/cluster.ts';
import { waitFor } from '../env/net.ts';
import { createNetNamespace, type NetNamespace } from '../env/netns.ts';
import { tail, type ManagedProcess } from '../env/proc.ts';
import { kubectlBinary } from './helm.ts';

/*
 * The pieces an end-to-end adapter test needs on the shared cluster: a namespace, a network namespace
 * with the adapter running inside it (so the aggregator reaches it at a real, non-loopback endpoint),
 * the Service/Endpoints/RBAC/APIServices the chart would create, simulated engines on the host end of
 * the veth, raw API access as admin and the real kubectl. Everything is undone by `close()`, in reverse.
 */

const run = promisify(execFile);
const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const ADAPTER_PORT = 6443;
export const METRICS_GROUPS = [
  { group: 'custom.metrics.k8s.io', version: 'v1beta2', versionPriority: 200 },
  { group: 'custom.metrics.k8s.io', version: 'v1beta1', versionPriority: 100 },
  { group: 'external.metrics.k8s.io', version: 'v1beta1', versionPriority: 100 },
] as const;


/** `kubectl get --raw <path>` as the cluster admin; the parsed JSON body. */
export async function kubectlGetRaw(env: EnvInfo, path: string): Promise<unknown> {
  const { stdout } = await run(kubectlBinary(), ['--kubeconfig', env.kubeconfig, 'get', '--raw', path], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as unknown;
}

export interface HttpReply {
  readonly status: number;
  readonly contentType: string | undefined;
  readonly text: string;
  json(): unknown;
}

export type Tls = Pick<RequestOptions, 'ca' | 'cert' | 'key' | 'servername' | 'rejectUnauthorized'>;

/** One HTTPS request with explicit TLS material and headers (no agent: each call is its own connection). */
export function httpsCall(
  url: string,
  options: { method?: string; tls?: Tls; headers?: Record<string, string | string[]>; body?: string; timeoutMs?: number } = {},
): Promise<HttpReply> {
  return new Promise((resolvePromise, reject) => {
    const req = httpsRequest(
      url,
      { method: options.method ?? 'GET', agent: false, timeout: options.timeoutMs ?? 10_000, headers: options.headers ?? {}, ...options.tls },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolvePromise({ status: res.statusCode ?? 0, contentType: res.headers['content-type'], text, json: () => JSON.parse(text) as unknown });
        });
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout: ${url}`)));
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Raw JSON access to the API server as the admin (bodies exactly as written, no typed serializer). */
export interface KubeApi {
  call(method: string, path: string, body?: unknown, contentType?: string): Promise<HttpReply>;
  /** Like call, but a status outside 2xx (other than those in `allow`) throws with the body. */
  must(method: string, path: string, body?: unknown, contentType?: string, allow?: readonly number[]): Promise<unknown>;
}

export async function adminApi(env: EnvInfo, client: CertPair = env.certs.admin): Promise<KubeApi> {
  const [ca, cert, key] = await Promise.all([readFile(env.certs.ca.cert), readFile(client.cert), readFile(client.key)]);
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json'): Promise<HttpReply> =>
    httpsCall(`${env.server}${path}`, {
      method,
      tls: { ca, cert, key },
      headers: body === undefined ? { accept: 'application/json' } : { accept: 'application/json', 'content-type': contentType },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
  return {
    call,
    async must(method, path, body, contentType, allow = []) {
      const reply = await call(method, path, body, contentType);
      if ((reply.status < 200 || reply.status > 299) && !allow.includes(reply.status)) {
        throw new Error(`${method} ${path}: HTTP ${String(reply.status)}: ${reply.text.slice(0, 500)}`);
      }
      return reply.text === '' ? undefined : reply.json();
    },
  };
}

/** A simulated engine serving /metrics on the host end of the veth (not loopback, not 0.0.0.0). */
export interface HostEngine {
  readonly url: string;
  setLoad(load: LoadProfile): void;
  close(): Promise<void>;
}

export async function startHostEngine(host: string, options: EngineSimulationOptions): Promise<HostEngine> {
  const simulation = createEngineSimulation(options);
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    const body = simulation.render();
    res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
  });
  await new Promise<void>((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      resolvePromise();
    });
  });
  // The engine's clock follows wall time in 1 s steps, so the adapter's window sees a steady stream.
  const timer = setInterval(() => {
    simulation.advance(1);
  }, 1_000);
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${String(port)}/metrics`,
    setLoad: (load) => {
      simulation.setLoad(load);
    },
    close: () =>
      new Promise<void>((resolvePromise) => {
        clearInterval(timer);
        server.closeAllConnections();
        server.close(() => {
          resolvePromise();
        });
      }),
  };
}

export interface TargetEntry {
  readonly namespace: string;
  readonly pod: string;
  readonly url: string;
  readonly labels?: Readonly<Record<string, string>>;
}

export interface TestContext {
  readonly env: EnvInfo;
  readonly api: KubeApi;
  readonly namespace: string;
  readonly netns: NetNamespace;
  readonly dir: string;
  /** Runs `fn` at close(), before everything registered earlier. */
  defer(fn: () => Promise<unknown>): void;
  close(): Promise<void>;
}

/** A fresh namespace and network namespace; close() undoes everything deferred on it, newest first. */
export async function createTestContext(env: EnvInfo, prefix: string): Promise<TestContext> {
  const api = await adminApi(env);
  const namespace = `${prefix}-${randomBytes(3).toString('hex')}`;
  const dir = join(env.runDir, namespace);
  await mkdir(dir, { recursive: true });
  const deferred: (() => Promise<unknown>)[] = [];
  const close = async (): Promise<void> => {
    const errors: unknown[] = [];
    for (const fn of deferred.reverse()) {
      try {
        await fn();
      } catch (error) {
        errors.push(error);
      }
    }
    deferred.length = 0;
    if (errors.length > 0) throw new AggregateError(errors, `cleanup of ${namespace} failed`);
  };
  await api.must('POST', '/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });
  // Not waited for: the namespace controller finishes it after the test.
  deferred.push(() => api.call('DELETE', `/api/v1/namespaces/${namespace}`));
  let netns: NetNamespace;
  try {
    netns = await createNetNamespace();
  } catch (error) {
    await close();
    throw error;
  }
  deferred.push(() => netns.destroy());
  return { env, api, namespace, netns, dir, defer: (fn) => deferred.push(fn), close };
}

export interface AdapterInNetns {
  /** https://<namespace-side address>:6443 */
  readonly url: string;
  /** Trust and name for direct calls to the adapter. */
  readonly tls: Tls;
  readonly caPem: string;
  readonly process: ManagedProcess;
  readonly serviceAccount: string;
  log(lines?: number): string;
}

async function serviceAccountToken(api: KubeApi, namespace: string, name: string): Promise<string> {
  return waitFor(
    `a token for ServiceAccount ${namespace}/${name}`,
    async () => {
      const sa = (await api.must('GET', `/api/v1/namespaces/${namespace}/serviceaccounts/${name}`)) as { secrets?: { name?: string }[] };
      const secret = sa.secrets?.[0]?.name;
      if (secret === undefined) return undefined;
      const s = (await api.must('GET', `/api/v1/namespaces/${namespace}/secrets/${secret}`)) as { data?: { token?: string } };
      return s.data?.token === undefined ? undefined : Buffer.from(s.data.token, 'base64').toString('utf8');
    },
    { timeoutMs: 60_000, intervalMs: 300 },
  );
}

/** Creates a ServiceAccount and returns its (legacy secret) token. */
export async function createServiceAccount(ctx: TestContext, name: string): Promise<string> {
  await ctx.api.must('POST', `/api/v1/namespaces/${ctx.namespace}/serviceaccounts`, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name } });
  return serviceAccountToken(ctx.api, ctx.namespace, name);
}

/** Creates a cluster-scoped object and deletes it at close(). */
async function createClusterObject(ctx: TestContext, collection: string, body: Readonly<Record<string, unknown>> & { readonly metadata: { readonly name: string } }): Promise<void> {
  await ctx.api.must('POST', collection, body);
  ctx.defer(() => ctx.api.call('DELETE', `${collection}/${body.metadata.name}`));
}

/** A ClusterRole reading both metrics groups, bound to the given subjects. */
export async function grantMetricsRead(ctx: TestContext, name: string, subjects: readonly Record<string, string>[]): Promise<void> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  await createClusterObject(ctx, `${rbac}/clusterroles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name },
    rules: [{ apiGroups: ['custom.metrics.k8s.io', 'external.metrics.k8s.io'], resources: ['*'], verbs: ['get', 'list'] }],
  });
  await createClusterObject(ctx, `${rbac}/clusterrolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRoleBinding',
    metadata: { name },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name },
    subjects,
  });
}

/** The RBAC the chart gives the adapter and the HPA (auth-delegator, auth reader, pod reader, HPA metrics reader). */
async function adapterRbac(ctx: TestContext, sa: string): Promise<void> {
  const rbac = '/apis/rbac.authorization.k8s.io/v1';
  const subject = { kind: 'ServiceAccount', name: sa, namespace: ctx.namespace };
  const base = `canopy-${ctx.namespace}`;
  await createClusterObject(ctx, `${rbac}/clusterroles`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: base },
    rules: [
      { apiGroups: [''], resources: ['pods', 'namespaces'], verbs: ['get', 'list', 'watch'] },
      { apiGroups: ['grove.io'], resources: ['podcliquesets', 'podcliques', 'podcliquescalinggroups'], verbs: ['get', 'list', 'watch'] },
    ],
  });
  const binding = (name: string, role: string): Record<string, unknown> & { metadata: { name: string } } => ({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: { name },
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: role },
    subjects: [subject],
  });
  await createClusterObject(ctx, `${rbac}/clusterrolebindings`, binding(base, base));
  await createClusterObject(ctx, `${rbac}/clusterrolebindings`, binding(`${base}:system:auth-delegator`, 'system:auth-delegator'));
  const authReader = `${base}-auth-reader`;
  await ctx.api.must('POST', `${rbac}/namespaces/kube-system/rolebindings`, {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'RoleBinding',
    metadata: { name: authReader, namespace: 'kube-system' },
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'extension-apiserver-authentication-reader' },
    subjects: [subject],
  });
  ctx.defer(() => ctx.api.call('DELETE', `${rbac}/namespaces/kube-system/rolebindings/${authReader}`));
  await grantMetricsRead(ctx, `${base}-hpa-metrics-reader`, [{ kind: 'ServiceAccount', name: 'horizontal-pod-autoscaler', namespace: 'kube-system' }]);
}

export interface AdapterStartOptions {
  /** A targets file (`--scrape-targets`), or `'pods'`: discover pods in the test namespace (`--scrape-pods`). */
  readonly targets: readonly TargetEntry[] | 'pods';
  readonly window?: string;
  readonly interval?: string;
}

/**
 * Starts `canopy adapter` inside the network namespace as ServiceAccount `canopy` (token kubeconfig; the
 * API server, which listens on loopback only, is reached through a relay on the host end of the veth),
 * with a serving certificate for canopy.<ns>.svc from its own CA, and the selector-less Service and
 * Endpoints the aggregator dials. Returns once /readyz answers.
 */
export async function startAdapterInNetns(ctx: TestContext, options: AdapterStartOptions): Promise<AdapterInNetns> {
  const { netns, namespace, dir, env } = ctx;
  const sa = 'canopy';
  const token = await createServiceAccount(ctx, sa);
  await adapterRbac(ctx, sa);

  const ca = await createAuthority(join(dir, 'pki'), 'adapter-ca', `canopy-adapter-ca-${namespace}`);
  const serviceName = `canopy.${namespace}.svc`;
  const serving = await mintCert(ca, join(dir, 'pki'), { name: 'serving', commonName: serviceName, dnsNames: [serviceName], ipAddresses: [netns.nsAddress], usage: 'server' });
  const caPem = await readFile(ca.cert, 'utf8');

  const relayPort = await netns.forward(Number(new URL(env.server).port));
  const clusterCa = await readFile(env.certs.ca.cert, 'utf8');
  const kubeconfig = join(dir, 'adapter.kubeconfig');
  await writeFile(
    kubeconfig,
    stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'test',
          // The API server's certificate names localhost, not the relay's address.
          cluster: { server: `https://${netns.hostAddress}:${String(relayPort)}`, 'certificate-authority-data': Buffer.from(clusterCa).toString('base64'), 'tls-server-name': 'localhost' },
        },
      ],
      users: [{ name: sa, user: { token } }],
      contexts: [{ name: 'test', context: { cluster: 'test', user: sa, namespace } }],
      'current-context': 'test',
    }),
    { mode: 0o600 },
  );
  let sourceArgs: string[];
  if (options.targets === 'pods') {
    sourceArgs = ['--scrape-pods', '--namespace', namespace];
  } else {
    const targetsFile = join(dir, 'targets.json');
    await writeFile(targetsFile, JSON.stringify({ targets: options.targets }, null, 2));
    sourceArgs = ['--scrape-targets', targetsFile];
  }

  const logFile = join(dir, 'adapter.log');
  const child = netns.exec({
    name: 'canopy-adapter',
    command: join(REPO, 'node_modules', '.bin', 'node'),
    args: [
      join(REPO, 'src', 'cli', 'main.ts'),
      'adapter',
      '--kubeconfig', kubeconfig,
      '--secure-port', String(ADAPTER_PORT),
      '--bind-address', netns.nsAddress,
      '--tls-cert-file', serving.cert,
      '--tls-private-key-file', serving.key,
      ...sourceArgs,
      '--window', options.window ?? '20s',
      '--interval', options.interval ?? '1s',
      '--resync', '2s',
    ],
    logFile,
  });
  ctx.defer(() => child.stop(5_000));
  const url = `https://${netns.nsAddress}:${String(ADAPTER_PORT)}`;
  const tls: Tls = { ca: caPem, servername: serviceName };
  await waitFor(
    'canopy adapter /readyz',
    async () => ((await httpsCall(`${url}/readyz`, { tls, timeoutMs: 2_000 })).status === 200 ? true : undefined),
    { timeoutMs: 60_000, intervalMs: 300, abort: () => (child.hasExited() ? new Error(`adapter exited:\n${tail(logFile)}`) : undefined) },
  );

  await ctx.api.must('POST', `/api/v1/namespaces/${namespace}/services`, {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'canopy' },
    spec: { ports: [{ name: 'https', port: 443, targetPort: ADAPTER_PORT, protocol: 'TCP' }] },
  });
  await ctx.api.must('POST', `/api/v1/namespaces/${namespace}/endpoints`, {
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name: 'canopy' },
    subsets: [{ addresses: [{ ip: netns.nsAddress }], ports: [{ name: 'https', port: ADAPTER_PORT, protocol: 'TCP' }] }],
  });
  return { url, tls, caPem, process: child, serviceAccount: sa, log: (lines = 60) => tail(logFile, lines) };
}

interface ApiServiceStatus {
  status?: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

/**
 * The three APIServices, pointing at Service canopy in the test namespace with the adapter's CA, and
 * waits until each reports Available=True. Deleted first at close() (a namespace with an unavailable
 * APIService would hang in Terminating).
 */
export async function registerApiServices(ctx: TestContext, adapter: AdapterInNetns): Promise<void> {
  const collection = '/apis/apiregistration.k8s.io/v1/apiservices';
  const names = METRICS_GROUPS.map((g) => `${g.version}.${g.group}`);
  for (const name of names) await ctx.api.call('DELETE', `${collection}/${name}`);
  for (const g of METRICS_GROUPS) {
    const name = `${g.version}.${g.group}`;
    await ctx.api.must('POST', collection, {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name },
      spec: {
        group: g.group,
        version: g.version,
        service: { namespace: ctx.namespace, name: 'canopy', port: 443 },
        caBundle: Buffer.from(adapter.caPem).toString('base64'),
        groupPriorityMinimum: 100,
        versionPriority: g.versionPriority,
      },
    });
    ctx.defer(() => ctx.api.call('DELETE', `${collection}/${name}`));
  }
  let last = '';
  await waitFor(
    'the metrics APIServices to be Available',
    async () => {
      const states = await Promise.all(
        names.map(async (name) => {
          const s = (await ctx.api.must('GET', `${collection}/${name}`)) as ApiServiceStatus;
          const c = s.status?.conditions?.find((x) => x.type === 'Available');
          return { name, ok: c?.status === 'True', why: `${c?.reason ?? '?'}: ${c?.message ?? ''}` };
        }),
      );
      last = states.filter((s) => !s.ok).map((s) => `${s.name} ${s.why}`).join('; ');
      return states.every((s) => s.ok) ? true : undefined;
    },
    { timeoutMs: 120_000, intervalMs: 500 },
  ).catch((error: unknown) => {
    throw new Error(`${error instanceof Error ? error.message : String(error)}\n${last}\n--- adapter log ---\n${adapter.log()}`);
  });
  // Available=True comes from the availability controller; the proxy route is installed by another
  // controller and can lag it by a moment (seen: a 404 for v1beta1 right after Available).
  await waitFor(
    'the aggregator to proxy every metrics group-version',
    async () => {
      const codes = await Promise.all(METRICS_GROUPS.map(async (g) => (await ctx.api.call('GET', `/apis/${g.group}/${g.version}`)).status));
      return codes.every((c) => c === 200) ? true : undefined;
    },
    { timeoutMs: 30_000, intervalMs: 250 },
  );
}

/**
 * Creates a pod and marks it Running and Ready through the status subresource (no kubelet here). A
 * `podIP` (e.g. the host end of the veth, where its simulated engine listens) makes it scrapeable.
 */
export async function createReadyPod(
  ctx: TestContext,
  name: string,
  labels: Readonly<Record<string, string>>,
  extra: { readonly annotations?: Readonly<Record<string, string>>; readonly podIP?: string } = {},
): Promise<void> {
  const base = `/api/v1/namespaces/${ctx.namespace}/pods`;
  await ctx.api.must('POST', base, {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels, annotations: extra.annotations ?? {} },
    spec: { containers: [{ name: 'engine', image: 'canopy.test/simulated-engine:0' }] },
  });
  const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  await ctx.api.must(
    'PATCH',
    `${base}/${name}/status`,
    {
      status: {
        phase: 'Running',
        startTime: now,
        ...(extra.podIP === undefined ? {} : { podIP: extra.podIP, podIPs: [{ ip: extra.podIP }] }),
        conditions: [
          { type: 'PodScheduled', status: 'True', lastTransitionTime: now },
          { type: 'Initialized', status: 'True', lastTransitionTime: now },
          { type: 'ContainersReady', status: 'True', lastTransitionTime: now },
          { type: 'Ready', status: 'True', lastTransitionTime: now },
        ],
      },
    },
    'application/merge-patch+json',
  );
}

/** A Quantity string as the adapter writes it (`98m`, `2`, `1500m`, `2k`) → number. */
export function quantityValue(q: string): number {
  const m = /^(-?\d+(?:\.\d+)?)(m|k|M|G)?$/.exec(q);
  if (m === null) throw new Error(`not a quantity this test reads: ${JSON.stringify(q)}`);
  const scale = { m: 1e-3, k: 1e3, M: 1e6, G: 1e9 }[m[2] ?? ''] ?? 1;
  return Number(m[1]) * scale;
}
