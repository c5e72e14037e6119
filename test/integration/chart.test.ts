import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { helmBinary } from '../support/helm.ts';
import { parseServeArgs } from '../../src/serve/flags.ts';
import type { ServeOptions } from '../../src/serve/options.ts';

const chart = fileURLToPath(new URL('../../charts/canopy', import.meta.url));

interface Rendered {
  kind: string;
  metadata: { name: string; namespace?: string };
  spec?: Record<string, unknown>;
}

function template(...args: string[]): Rendered[] {
  const out = execFileSync(helmBinary(), ['template', 'canopy', chart, '--namespace', 'canopy-system', ...args], {
    encoding: 'utf8',
  });
  return parseAllDocuments(out)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
}

describe.skipIf(process.env.CANOPY_SKIP_INTEGRATION === '1')('helm chart (real helm)', () => {
  it('passes helm lint --strict', () => {
    const res = spawnSync(helmBinary(), ['lint', '--strict', chart], { encoding: 'utf8' });
    expect(res.stdout).toContain('0 chart(s) failed');
    expect(res.status).toBe(0);
  });

  it('renders the adapter, its three APIServices and the delegated-auth RBAC', () => {
    const docs = template();
    const names = docs.map((d) => `${d.kind}/${d.metadata.name}`);
    expect(names).toEqual(
      expect.arrayContaining([
        'Deployment/canopy',
        'Service/canopy',
        'ServiceAccount/canopy',
        'APIService/v1beta2.custom.metrics.k8s.io',
        'APIService/v1beta1.custom.metrics.k8s.io',
        'APIService/v1beta1.external.metrics.k8s.io',
        'ClusterRoleBinding/canopy:system:auth-delegator',
        'RoleBinding/canopy-auth-reader',
      ]),
    );
    const reader = docs.find((d) => d.kind === 'RoleBinding');
    expect(reader?.metadata.namespace).toBe('kube-system');
    const v2 = docs.find((d) => d.metadata.name === 'v1beta2.custom.metrics.k8s.io');
    expect(v2?.spec).toMatchObject({ versionPriority: 200, service: { name: 'canopy', namespace: 'canopy-system', port: 443 } });
  });

  it('leaves external.metrics.k8s.io to another owner when asked', () => {
    const kinds = template('--set', 'metricsApi.external=false').filter((d) => d.kind === 'APIService');
    expect(kinds.map((d) => d.metadata.name).sort()).toEqual(['v1beta1.custom.metrics.k8s.io', 'v1beta2.custom.metrics.k8s.io']);
  });

  it('rejects values that values.schema.json forbids, naming the field', () => {
    const res = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'controller.mode=volcano'], { encoding: 'utf8' });
    expect(res.status).not.toBe(0);
    expect(res.stderr).toMatch(/controller[./]mode/);
    const unknown = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'scaler.syncPeriod=3'], { encoding: 'utf8' });
    expect(unknown.status).not.toBe(0);
    expect(unknown.stderr).toContain('syncPeriod');
  });
});

// The chart's container args must mean, to `canopy serve`'s own parser, what the values said: the chart
// and the command are checked against each other here, so they cannot drift apart.
interface Container {
  args?: string[];
  ports?: { name: string; containerPort: number }[];
  readinessProbe?: unknown;
  livenessProbe?: unknown;
  volumeMounts?: { name: string; mountPath: string }[];
}

interface RenderedDeployment {
  container: Container;
  volumes: { name: string; secret?: { secretName: string } }[];
  docs: Rendered[];
}

function renderDeployment(release: string, ...sets: string[]): RenderedDeployment {
  const out = execFileSync(helmBinary(), ['template', release, chart, '--namespace', 'canopy-system', ...sets.flatMap((s) => ['--set', s])], { encoding: 'utf8' });
  const docs = parseAllDocuments(out)
    .map((d) => d.toJS() as Rendered | null)
    .filter((d): d is Rendered => d !== null);
  const deployment = docs.find((d) => d.kind === 'Deployment');
  const pod = (deployment?.spec as { template?: { spec?: { containers?: Container[]; volumes?: RenderedDeployment['volumes'] } } } | undefined)?.template?.spec;
  const container = pod?.containers?.[0];
  if (container === undefined) throw new Error('no container rendered');
  return { container, volumes: pod?.volumes ?? [], docs };
}

const podEnv = { POD_NAMESPACE: 'canopy-system', POD_NAME: 'canopy-5d8f7-x2x9q' };

function serveOptions(container: Container): ServeOptions {
  const [command, ...args] = container.args ?? [];
  expect(command).toBe('serve');
  const parsed = parseServeArgs(args, podEnv);
  if (typeof parsed === 'string') throw new Error(`canopy serve refuses the chart's args (${args.join(' ')}): ${parsed}`);
  return parsed;
}

describe.skipIf(process.env.CANOPY_SKIP_INTEGRATION === '1')('helm chart args → canopy serve (real helm, serve\'s own parser)', () => {
  it('default values: all three components, scrape, the chart\'s timings, a self-signed certificate for the Service the APIServices name', () => {
    const { container, docs } = renderDeployment('canopy');
    const o = serveOptions(container);
    expect(o.components).toEqual(['adapter', 'scaler', 'controller']);
    expect(o).toMatchObject({ securePort: 6443, bindAddress: '0.0.0.0', windowSeconds: 60, scrapeIntervalMs: 15_000, syncPeriodMs: 15_000, controllerMode: 'canopy', schedulerName: 'canopy', logLevel: 'info', printConfig: false });
    expect(o.signals).toEqual({ source: 'scrape' });
    expect(o).toMatchObject({ leaseName: 'canopy', leaseNamespace: 'canopy-system' });
    expect(o.identity.startsWith('canopy-5d8f7-x2x9q_')).toBe(true);
    expect(o.tls.kind).toBe('self-signed');
    const api = docs.find((d) => d.kind === 'APIService')?.spec as { service: { name: string; namespace: string }; insecureSkipTLSVerify?: boolean };
    expect(o.tls.kind === 'self-signed' && o.tls.names).toContain(`${api.service.name}.${api.service.namespace}.svc`);
    // A self-signed certificate cannot be pinned, so the APIServices must not claim to verify it.
    expect(api.insecureSkipTLSVerify).toBe(true);
    expect(container.ports).toEqual([{ name: 'https', containerPort: o.securePort }]);
    expect(container.readinessProbe).toMatchObject({ httpGet: { path: '/readyz', port: 'https', scheme: 'HTTPS' } });
  });

  it('signals.source=prometheus with prometheusUrl (and another release name)', () => {
    const { container } = renderDeployment('inference', 'signals.source=prometheus', 'signals.prometheusUrl=http://prometheus.monitoring:9090', 'signals.windowSeconds=120', 'signals.scrapeIntervalSeconds=10');
    const o = serveOptions(container);
    expect(o.signals).toEqual({ source: 'prometheus', prometheusUrl: 'http://prometheus.monitoring:9090' });
    expect(o).toMatchObject({ windowSeconds: 120, scrapeIntervalMs: 10_000, leaseName: 'inference-canopy' });
    expect(o.tls.kind === 'self-signed' && o.tls.names).toEqual(['inference-canopy', 'inference-canopy.canopy-system', 'inference-canopy.canopy-system.svc']);
  });

  it('a prometheusUrl left over with source=scrape is not passed on', () => {
    const o = serveOptions(renderDeployment('canopy', 'signals.prometheusUrl=http://prometheus.monitoring:9090').container);
    expect(o.signals).toEqual({ source: 'scrape' });
  });

  it('controller.mode=kai, its scheduler name, the scaler off, debug logs and a slower sync', () => {
    const o = serveOptions(renderDeployment('canopy', 'controller.mode=kai', 'controller.schedulerName=kai-scheduler', 'scaler.enabled=false', 'scaler.syncPeriodSeconds=30', 'logLevel=debug').container);
    expect(o).toMatchObject({ controllerMode: 'kai', schedulerName: 'kai-scheduler', components: ['adapter', 'controller'], syncPeriodMs: 30_000, logLevel: 'debug' });
  });

  it('metricsApi.tls.secretName: the mounted pair is what serve reads, on the chart\'s port, and the APIServices pin the CA', () => {
    const { container, volumes, docs } = renderDeployment('canopy', 'metricsApi.tls.secretName=canopy-serving', 'metricsApi.caBundle=Zm9v', 'metricsApi.port=8443');
    const o = serveOptions(container);
    expect(o.securePort).toBe(8443);
    expect(container.ports).toEqual([{ name: 'https', containerPort: 8443 }]);
    if (o.tls.kind !== 'files') throw new Error(`expected mounted files, got ${JSON.stringify(o.tls)}`);
    const mount = container.volumeMounts?.find((m) => o.tls.kind === 'files' && o.tls.certFile.startsWith(`${m.mountPath}/`));
    expect(mount).toBeDefined();
    expect(o.tls.keyFile.startsWith(`${mount?.mountPath ?? '?'}/`)).toBe(true);
    expect(volumes.find((v) => v.name === mount?.name)?.secret?.secretName).toBe('canopy-serving');
    const apis = docs.filter((d) => d.kind === 'APIService').map((d) => d.spec);
    expect(apis).toHaveLength(3);
    for (const spec of apis) expect(spec).toMatchObject({ caBundle: 'Zm9v' });
    for (const spec of apis) expect(spec?.['insecureSkipTLSVerify']).toBeUndefined();
  });

  it('metricsApi.enabled=false: no adapter, hence no HTTPS port and no probes', () => {
    const { container } = renderDeployment('canopy', 'metricsApi.enabled=false');
    expect(serveOptions(container).components).toEqual(['scaler', 'controller']);
    expect(container.ports).toBeUndefined();
    expect(container.readinessProbe).toBeUndefined();
    expect(container.livenessProbe).toBeUndefined();
  });

  it('values serve would refuse are refused by the chart first, naming the value', () => {
    const interval = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'signals.scrapeIntervalSeconds=60'], { encoding: 'utf8' });
    expect(interval.status).not.toBe(0);
    expect(interval.stderr).toContain('signals.scrapeIntervalSeconds must be shorter than signals.windowSeconds');
    const url = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'signals.source=prometheus', '--set', 'signals.prometheusUrl=prometheus:9090'], { encoding: 'utf8' });
    expect(url.status).not.toBe(0);
    expect(url.stderr).toMatch(/signals[./]prometheusUrl/);
    const pinned = spawnSync(helmBinary(), ['template', 'canopy', chart, '--set', 'metricsApi.caBundle=Zm9v'], { encoding: 'utf8' });
    expect(pinned.status).not.toBe(0);
    expect(pinned.stderr).toMatch(/metricsApi[./]tls[./]secretName/);
  });

  it('the real CLI accepts the rendered args: --print-config exits 0 with the same configuration', () => {
    const { container } = renderDeployment('canopy', 'signals.source=prometheus', 'signals.prometheusUrl=http://prometheus.monitoring:9090');
    const expected = serveOptions(container);
    const main = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
    const res = spawnSync(process.execPath, [main, ...(container.args ?? []), '--print-config'], { encoding: 'utf8', env: { ...process.env, ...podEnv } });
    expect(res.stderr).toBe('');
    expect(res.status).toBe(0);
    const printed = JSON.parse(res.stdout) as ServeOptions;
    expect({ ...printed, identity: '', printConfig: false }).toEqual({ ...expected, identity: '' });
  });
});
