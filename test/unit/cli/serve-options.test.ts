import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { SERVE_COMPONENTS, parseServeOptions } from '../../../src/cli/commands/serve.ts';
import { parseServeArgs } from '../../../src/serve/flags.ts';
import { SERVE_COMPONENT_NAMES, type ServeOptions } from '../../../src/serve/options.ts';

const main = fileURLToPath(new URL('../../../src/cli/main.ts', import.meta.url));
const env = { POD_NAMESPACE: 'canopy-system', POD_NAME: 'canopy-7f9c-abcde' };

function ok(args: readonly string[]): ServeOptions {
  const o = parseServeArgs(args, env);
  if (typeof o === 'string') throw new Error(`expected ${args.join(' ')} to parse: ${o}`);
  return o;
}

function usage(args: readonly string[]): string {
  const o = parseServeArgs(args, env);
  if (typeof o !== 'string') throw new Error(`expected ${args.join(' ')} to be refused`);
  return o;
}

describe('canopy serve flags: each flag the chart passes', () => {
  it('with no flags: every component, self-signed TLS on loopback, scrape, Kubernetes-style timings', () => {
    const o = ok([]);
    expect(o.components).toEqual(['adapter', 'scaler', 'controller']);
    expect(o.tls).toEqual({ kind: 'self-signed', names: ['localhost', '127.0.0.1'] });
    expect(o.signals).toEqual({ source: 'scrape' });
    expect(o).toMatchObject({ securePort: 6443, bindAddress: '127.0.0.1', windowSeconds: 60, scrapeIntervalMs: 15_000, syncPeriodMs: 15_000, logLevel: 'info', printConfig: false });
    expect(o).toMatchObject({ leaseNamespace: 'canopy-system', leaseName: 'canopy-controller', leaseDurationSeconds: 15, controllerMode: 'canopy', schedulerName: 'canopy' });
    expect(o.identity.startsWith('canopy-7f9c-abcde_')).toBe(true);
  });

  it('--components', () => {
    expect(ok(['--components=adapter,controller']).components).toEqual(['adapter', 'controller']);
    expect(ok(['--components', ' scaler , ']).components).toEqual(['scaler']);
    expect(usage(['--components=adapter,metrics'])).toMatch(/^--components: unknown component\(s\) metrics; known: adapter, scaler, controller$/);
    expect(usage(['--components=,'])).toMatch(/--components needs at least one/);
  });

  it('--secure-port and --bind-address', () => {
    expect(ok(['--secure-port=8443', '--bind-address=0.0.0.0'])).toMatchObject({ securePort: 8443, bindAddress: '0.0.0.0' });
    expect(ok(['--secure-port=0', '--bind-address=::']).securePort).toBe(0);
    expect(usage(['--secure-port=65536'])).toMatch(/^--secure-port: "65536" is not a port number/);
    expect(usage(['--secure-port=https'])).toMatch(/^--secure-port:/);
    expect(usage(['--bind-address=my-host'])).toMatch(/^--bind-address: "my-host" is not an IP address/);
  });

  it('--signals-source and --prometheus-url', () => {
    expect(ok(['--signals-source=prometheus', '--prometheus-url=http://prometheus.monitoring:9090']).signals).toEqual({
      source: 'prometheus',
      prometheusUrl: 'http://prometheus.monitoring:9090',
    });
    expect(usage(['--signals-source=prometheus'])).toMatch(/^--prometheus-url is required with --signals-source=prometheus/);
    expect(usage(['--signals-source=prometheus', '--prometheus-url=prometheus:9090'])).toMatch(/^--prometheus-url: "prometheus:9090" is not an http\(s\) URL/);
    expect(usage(['--signals-source=scrape', '--prometheus-url=http://p:9090'])).toMatch(/^--prometheus-url applies only with --signals-source=prometheus/);
    expect(usage(['--signals-source=otlp'])).toMatch(/^--signals-source must be scrape or prometheus, got "otlp"/);
  });

  it('--window, --scrape-interval and --sync-period are Go durations', () => {
    expect(ok(['--window=1m30s', '--scrape-interval=2500ms', '--sync-period=1m'])).toMatchObject({ windowSeconds: 90, scrapeIntervalMs: 2_500, syncPeriodMs: 60_000 });
    expect(usage(['--window=60'])).toMatch(/^--window: "60" is not a duration/);
    expect(usage(['--window=500ms'])).toMatch(/^--window: "500ms" is shorter than 1s/);
    expect(usage(['--scrape-interval=15 s'])).toMatch(/^--scrape-interval:/);
    expect(usage(['--scrape-interval=10ms'])).toMatch(/^--scrape-interval: "10ms" is shorter than 100ms/);
    expect(usage(['--sync-period=fast'])).toMatch(/^--sync-period: "fast" is not a duration/);
    expect(usage(['--sync-period=200ms'])).toMatch(/^--sync-period: "200ms" is shorter than 1s/);
    expect(usage(['--window=30s', '--scrape-interval=30s'])).toMatch(/^--scrape-interval \(30s\) must be shorter than --window \(30s\)/);
  });

  it('--controller-mode and --scheduler-name', () => {
    expect(ok(['--controller-mode=kai', '--scheduler-name=kai-scheduler'])).toMatchObject({ controllerMode: 'kai', schedulerName: 'kai-scheduler' });
    expect(usage(['--controller-mode=volcano'])).toMatch(/^--controller-mode must be canopy or kai, got "volcano"/);
    expect(usage(['--scheduler-name= '])).toMatch(/^--scheduler-name must not be empty/);
  });

  it('--log-level', () => {
    for (const level of ['debug', 'info', 'warn', 'error'] as const) expect(ok([`--log-level=${level}`]).logLevel).toBe(level);
    expect(usage(['--log-level=trace'])).toMatch(/^--log-level must be one of debug, info, warn, error, got "trace"/);
  });

  it('--tls-cert-file and --tls-private-key-file go together; --tls-san names the self-signed certificate', () => {
    expect(ok(['--tls-cert-file=/tls/tls.crt', '--tls-private-key-file=/tls/tls.key']).tls).toEqual({ kind: 'files', certFile: '/tls/tls.crt', keyFile: '/tls/tls.key' });
    expect(usage(['--tls-cert-file=/tls/tls.crt'])).toMatch(/^--tls-cert-file and --tls-private-key-file go together/);
    expect(usage(['--tls-private-key-file=/tls/tls.key'])).toMatch(/^--tls-cert-file and --tls-private-key-file go together/);
    expect(ok(['--tls-san=canopy,canopy.ns.svc,10.0.0.7,fd00::7']).tls).toEqual({ kind: 'self-signed', names: ['canopy', 'canopy.ns.svc', '10.0.0.7', 'fd00::7'] });
    expect(usage(['--tls-san=canopy_adapter.ns.svc'])).toMatch(/^--tls-san: "canopy_adapter.ns.svc" is neither a DNS name nor an IP address/);
    expect(usage(['--tls-san=,'])).toMatch(/^--tls-san needs at least one/);
    expect(usage(['--tls-san=x', '--tls-cert-file=a', '--tls-private-key-file=b'])).toMatch(/^--tls-san .* does not apply with --tls-cert-file/);
  });

  it('lease, namespace, identity, bind delay and kubeconfig', () => {
    const o = ok(['--lease-name=canopy', '--lease-namespace=ops', '--lease-duration=4s', '--identity=me', '--namespace=team-a', '--bind-delay=250ms', '--kubeconfig=/k']);
    expect(o).toMatchObject({ leaseName: 'canopy', leaseNamespace: 'ops', leaseDurationSeconds: 4, identity: 'me', namespace: 'team-a', bindDelayMs: 250, kubeconfig: '/k' });
    expect(usage(['--lease-duration=900ms'])).toMatch(/^--lease-duration: "900ms" is shorter than 1s/);
    expect(usage(['--bind-delay=-1s'])).toMatch(/^--bind-delay: "-1s" is shorter than 0s/);
  });

  it('refuses what commander refuses: unknown flags, missing values, stray arguments', () => {
    expect(usage(['--scaler=true'])).toMatch(/unknown option '--scaler=true'/);
    expect(usage(['--window'])).toMatch(/argument missing/);
    expect(usage(['extra'])).toMatch(/too many arguments/);
  });

  it('--print-config is a switch', () => {
    expect(ok(['--print-config']).printConfig).toBe(true);
  });
});

describe('canopy serve components', () => {
  it('the parser knows exactly the registered components, adapter on every replica and the rest leader-only', () => {
    expect(SERVE_COMPONENTS.map((c) => c.name)).toEqual([...SERVE_COMPONENT_NAMES]);
    expect(Object.fromEntries(SERVE_COMPONENTS.map((c) => [c.name, c.leaderOnly]))).toEqual({ adapter: false, scaler: true, controller: true });
  });

  it('parseServeOptions (the CLI action) and parseServeArgs agree', () => {
    const viaArgs = ok(['--components=adapter', '--window=2m', '--identity=x']);
    const viaRaw = parseServeOptions({ components: 'adapter', window: '2m', identity: 'x' }, env);
    expect(viaRaw).toEqual(viaArgs);
  });
});

describe('canopy serve as a process', () => {
  it('--print-config prints the parsed configuration as JSON and exits 0 without a cluster', () => {
    const r = spawnSync(process.execPath, [main, 'serve', '--kubeconfig', '/nonexistent', '--signals-source=prometheus', '--prometheus-url=http://prom:9090', '--sync-period=30s', '--print-config'], {
      encoding: 'utf8',
      env: { ...process.env, ...env },
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const printed = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(printed).toMatchObject({ signals: { source: 'prometheus', prometheusUrl: 'http://prom:9090' }, syncPeriodMs: 30_000, kubeconfig: '/nonexistent', leaseNamespace: 'canopy-system' });
  });

  it('exits 2 with the field in the message on a bad value, and on an unknown flag', () => {
    const bad = spawnSync(process.execPath, [main, 'serve', '--window=sixty', '--kubeconfig', '/nonexistent'], { encoding: 'utf8' });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^canopy serve: --window: "sixty" is not a duration/);
    const unknown = spawnSync(process.execPath, [main, 'serve', '--scaler=true', '--kubeconfig', '/nonexistent'], { encoding: 'utf8' });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown option '--scaler=true'/);
  });
});
