// Wiring: read the delegated-authentication ConfigMap, build the authenticator, authorizer and app, and
// serve HTTPS. The lead's `serve`/`demo` commands call this with the real or the static provider.
import type { Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { Counter } from 'prom-client';
import { createAdapterApp } from './app.ts';
import { Authenticator } from './auth/authenticate.ts';
import { Authorizer } from './auth/authorize.ts';
import { parseAuthenticationConfigMap, tlsClientCAs, type AuthenticationConfig } from './auth/config.ts';
import type { KubeAuthClient } from './auth/kube-auth-client.ts';
import type { MetricsProvider } from './provider.ts';
import { close, createAdapterServer, listen, secureContextOptions } from './server.ts';
import { createAdapterMetrics, type AdapterMetrics } from './telemetry.ts';
import { withTimeout } from './timeout-provider.ts';

export interface StartAdapterOptions {
  readonly provider: MetricsProvider;
  readonly kubeAuthClient: KubeAuthClient;
  /** Serving certificate and key (PEM). */
  readonly tls: { readonly key: string | Buffer; readonly cert: string | Buffer };
  readonly host?: string;
  readonly port?: number;
  /** Use this instead of reading kube-system/extension-apiserver-authentication (and never reload). */
  readonly authenticationConfig?: AuthenticationConfig;
  /** Re-read the ConfigMap this often to pick up CA rotation; 0 disables. Default 60 s. */
  readonly reloadIntervalMs?: number;
  /** A provider read slower than this is answered 503. Default 4 s (the aggregator waits 5 s). */
  readonly providerTimeoutMs?: number;
  readonly now?: () => number;
  readonly ready?: () => boolean;
  readonly metrics?: AdapterMetrics;
}

export interface RunningAdapter {
  readonly server: Server;
  readonly address: AddressInfo;
  readonly metrics: AdapterMetrics;
  authenticationConfig(): AuthenticationConfig;
  /** Re-reads the ConfigMap now; returns whether anything changed. Throws if it cannot be read or parsed. */
  reloadAuthenticationConfig(): Promise<boolean>;
  stop(): Promise<void>;
}

export async function startAdapter(options: StartAdapterOptions): Promise<RunningAdapter> {
  const fixed = options.authenticationConfig;
  let raw = fixed === undefined ? await options.kubeAuthClient.readAuthenticationConfig() : undefined;
  const config = fixed ?? parseAuthenticationConfigMap(raw ?? {});
  const now = options.now ?? Date.now;
  const authenticator = new Authenticator({ config, client: options.kubeAuthClient, now });
  const authorizer = new Authorizer({ client: options.kubeAuthClient, now });
  const metrics = options.metrics ?? createAdapterMetrics();
  const reloads = new Counter({
    name: 'canopy_adapter_auth_config_reloads_total',
    help: 'Reads of the extension-apiserver-authentication ConfigMap after start, by result.',
    labelNames: ['result'] as const,
    registers: [metrics.registry],
  });
  const { app } = createAdapterApp({
    provider: withTimeout(options.provider, options.providerTimeoutMs ?? 4_000),
    authenticator,
    authorizer,
    metrics,
    ...(options.ready === undefined ? {} : { ready: options.ready }),
  });
  const server = createAdapterServer({ key: options.tls.key, cert: options.tls.cert, clientCAs: tlsClientCAs(config), handler: app });
  const address = await listen(server, options.port ?? 6443, options.host ?? '127.0.0.1');

  const reload = async (): Promise<boolean> => {
    if (fixed !== undefined) return false;
    const next = await options.kubeAuthClient.readAuthenticationConfig();
    if (raw !== undefined && JSON.stringify(next) === JSON.stringify(raw)) return false;
    const parsed = parseAuthenticationConfigMap(next);
    server.setSecureContext(secureContextOptions({ key: options.tls.key, cert: options.tls.cert, clientCAs: tlsClientCAs(parsed) }));
    authenticator.updateConfig(parsed);
    raw = next;
    return true;
  };

  const interval = options.reloadIntervalMs ?? 60_000;
  const timer =
    interval > 0 && fixed === undefined
      ? setInterval(() => {
          // A failed read keeps the current CAs: the adapter must not lock everyone out on an API blip.
          reload().then(
            (changed) => {
              reloads.inc({ result: changed ? 'changed' : 'unchanged' });
            },
            () => {
              reloads.inc({ result: 'error' });
            },
          );
        }, interval)
      : undefined;
  timer?.unref();

  return {
    server,
    address,
    metrics,
    authenticationConfig: () => authenticator.config,
    reloadAuthenticationConfig: reload,
    stop: async () => {
      clearInterval(timer);
      await close(server);
    },
  };
}
