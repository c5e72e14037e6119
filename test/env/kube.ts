import { KubeConfig } from '@kubernetes/client-node';
import { inject } from 'vitest';

/** The shared test cluster's admin kubeconfig path (inside an integration test). */
export function testKubeconfigPath(): string {
  const provided = inject('kubeconfig') as string | undefined;
  const path = provided ?? process.env['CANOPY_TEST_KUBECONFIG'];
  if (path === undefined || path === '') {
    throw new Error('no test cluster: run through `vitest run --project integration` (global setup starts it)');
  }
  return path;
}

export function testKubeConfig(): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(testKubeconfigPath());
  return kc;
}
