import type { TestProject } from 'vitest/node';
import { controllerManagerOptionsFromEnv } from './controller-manager.ts';
import { startCluster, type EnvInfo } from './cluster.ts';
import { ensureInstalled } from './install.ts';
import { integrationSkipped } from './skip.ts';

/**
 * Vitest global setup of the `integration` project: one cluster (etcd, kube-apiserver,
 * kube-controller-manager) for all integration test files, torn down by the returned function.
 * Tests find it through `inject('kubeconfig')` / `inject('canopyEnv')` or $CANOPY_TEST_KUBECONFIG.
 */
export default async function setup(project: TestProject): Promise<(() => Promise<void>) | undefined> {
  if (integrationSkipped) return undefined;
  ensureInstalled();
  const cluster = await startCluster({ controllerManagerOptions: controllerManagerOptionsFromEnv() });
  process.stderr.write(`[canopy-env] cluster up in ${cluster.startupSeconds.toFixed(1)} s: ${cluster.kubeconfig}\n`);
  const info: EnvInfo = {
    runDir: cluster.runDir,
    kubeconfig: cluster.kubeconfig,
    server: cluster.server,
    certs: cluster.certs,
    etcdUrl: cluster.etcdUrl,
    pids: cluster.pids,
    ports: cluster.ports,
  };
  project.provide('kubeconfig', cluster.kubeconfig);
  project.provide('canopyEnv', info);
  // Workers are forked after global setup, so they inherit this.
  process.env['CANOPY_TEST_KUBECONFIG'] = cluster.kubeconfig;
  return async () => {
    await cluster.stop();
  };
}
