import { join } from 'node:path';
import type { ClusterCerts } from './certs.ts';
import { kubeBinDir } from './apiserver.ts';
import { launch } from './launch.ts';
import { freePort, httpGet } from './net.ts';
import { startProcess, type ManagedProcess } from './proc.ts';

export interface ControllerManagerOptions {
  /** How often the HPA controller reconciles every HPA (Kubernetes default 15 s). */
  readonly hpaSyncPeriod?: string;
  /** How long the HPA looks back before scaling down (Kubernetes default 5 m). */
  readonly hpaDownscaleStabilization?: string;
  /** Controllers to run (kube-controller-manager names). */
  readonly controllers?: readonly string[];
}

export const DEFAULT_CONTROLLERS = [
  'horizontalpodautoscaling',
  'garbagecollector',
  'namespace',
  'serviceaccount',
  'serviceaccount-token',
] as const;

/** Overrides for the shared cluster from the environment: CANOPY_HPA_SYNC_PERIOD, CANOPY_HPA_DOWNSCALE_STABILIZATION. */
export function controllerManagerOptionsFromEnv(env: NodeJS.ProcessEnv = process.env): ControllerManagerOptions {
  const sync = env['CANOPY_HPA_SYNC_PERIOD'];
  const stabilization = env['CANOPY_HPA_DOWNSCALE_STABILIZATION'];
  return {
    ...(sync === undefined || sync === '' ? {} : { hpaSyncPeriod: sync }),
    ...(stabilization === undefined || stabilization === '' ? {} : { hpaDownscaleStabilization: stabilization }),
  };
}

export interface ControllerManager {
  readonly port: number;
  readonly process: ManagedProcess;
}

export function controllerManagerArgs(input: {
  certs: ClusterCerts;
  kubeconfig: string;
  port: number;
  runDir: string;
  options: ControllerManagerOptions;
}): string[] {
  const { certs, options } = input;
  return [
    `--kubeconfig=${input.kubeconfig}`,
    `--authentication-kubeconfig=${input.kubeconfig}`,
    `--authorization-kubeconfig=${input.kubeconfig}`,
    '--bind-address=127.0.0.1',
    `--secure-port=${input.port}`,
    '--port=0',
    `--cert-dir=${join(input.runDir, 'controller-manager-certs')}`,
    '--leader-elect=false',
    // Each controller talks to the API as its own service account, as in a real cluster: the HPA
    // controller is system:serviceaccount:kube-system:horizontal-pod-autoscaler.
    '--use-service-account-credentials=true',
    `--service-account-private-key-file=${certs.serviceAccount.privateKey}`,
    `--root-ca-file=${certs.ca.cert}`,
    `--controllers=${(options.controllers ?? DEFAULT_CONTROLLERS).join(',')}`,
    `--horizontal-pod-autoscaler-sync-period=${options.hpaSyncPeriod ?? '2s'}`,
    `--horizontal-pod-autoscaler-downscale-stabilization=${options.hpaDownscaleStabilization ?? '10s'}`,
    '--profiling=false',
    '--v=1',
  ];
}

/**
 * Starts kube-controller-manager; ready when its /healthz answers. (The caller then waits for the
 * controllers' first visible work, e.g. the default ServiceAccount.)
 */
export async function startControllerManager(
  certs: ClusterCerts,
  kubeconfig: string,
  runDir: string,
  options: ControllerManagerOptions = {},
  timeoutMs = 120_000,
): Promise<ControllerManager> {
  const logFile = join(runDir, 'logs', 'kube-controller-manager.log');
  const binary = join(kubeBinDir(), 'kube-controller-manager');
  const { process: child, prepared: port } = await launch({
    name: 'kube-controller-manager',
    prepare: freePort,
    spawn: (p) =>
      startProcess({
        name: 'kube-controller-manager',
        command: binary,
        args: controllerManagerArgs({ certs, kubeconfig, port: p, runDir, options }),
        logFile,
      }),
    // Self-signed serving certificate generated into --cert-dir: nothing to verify it against.
    ready: async (p) => (await httpGet(`https://127.0.0.1:${p}/healthz`, { rejectUnauthorized: false })).status === 200,
    timeoutMs,
  });
  return { port, process: child };
}
