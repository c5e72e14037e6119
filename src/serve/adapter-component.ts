// The metrics adapter under `canopy serve`: custom.metrics.k8s.io and external.metrics.k8s.io over HTTPS
// (plus /healthz, /readyz, /livez for the kubelet) from the shared signals hub. Not leader-only: every
// replica serves, so the aggregator can reach any of them through the Service.
import { readFileSync } from 'node:fs';
import { ClientNodeKubeAuthClient, type KubeAuthClient } from '../adapter/auth/kube-auth-client.ts';
import { startAdapter, type RunningAdapter } from '../adapter/start.ts';
import type { ServingTls } from './options.ts';
import { selfSignedCertificate } from './self-signed.ts';
import type { RunningComponent, ServeComponent, ServeContext } from './types.ts';

export interface ServingKeyPair {
  readonly key: string | Buffer;
  readonly cert: string | Buffer;
  /** How it was obtained, for the start-up log line. */
  readonly origin: string;
}

/** Reads the mounted certificate, or mints a self-signed one for the configured names. */
export function servingKeyPair(tls: ServingTls, readFile: (path: string) => Buffer = (p) => readFileSync(p), now: Date = new Date()): ServingKeyPair {
  if (tls.kind === 'files') {
    return { cert: readFile(tls.certFile), key: readFile(tls.keyFile), origin: `certificate ${tls.certFile}` };
  }
  const minted = selfSignedCertificate({ names: tls.names, now });
  return { ...minted, origin: `self-signed certificate for ${tls.names.join(', ')}` };
}

export interface AdapterComponentDeps {
  /** Default: the API server of the context's kubeconfig. */
  readonly kubeAuthClient?: KubeAuthClient;
  readonly readFile?: (path: string) => Buffer;
}

export interface RunningAdapterComponent extends RunningComponent {
  readonly adapter: RunningAdapter;
  readonly tls: ServingKeyPair;
}

export async function startAdapterComponent(ctx: ServeContext, deps: AdapterComponentDeps = {}): Promise<RunningAdapterComponent> {
  const tls = servingKeyPair(ctx.options.tls, deps.readFile);
  const signals = await ctx.signals();
  const adapter = await startAdapter({
    provider: signals.hub,
    kubeAuthClient: deps.kubeAuthClient ?? new ClientNodeKubeAuthClient(ctx.kc),
    tls,
    host: ctx.options.bindAddress,
    port: ctx.options.securePort,
    ready: () => signals.loop.ready(),
  });
  const { address, port } = adapter.address;
  const shown = address.includes(':') ? `[${address}]` : address;
  ctx.log(`adapter: serving the metrics APIs on https://${shown}:${String(port)} with a ${tls.origin}`);
  return { adapter, tls, stop: () => adapter.stop() };
}

export const adapterComponent: ServeComponent = {
  name: 'adapter',
  leaderOnly: false,
  start: (ctx) => startAdapterComponent(ctx),
};
