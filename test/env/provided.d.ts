import type { EnvInfo } from './cluster.ts';

// What test/env/global-setup.ts hands to the integration tests through vitest's provide/inject.
declare module 'vitest' {
  export interface ProvidedContext {
    /** Path of the admin kubeconfig of the shared test cluster. */
    kubeconfig: string;
    /** Everything else about the shared cluster: run dir, server URL, certificate paths, pids, ports. */
    canopyEnv: EnvInfo;
  }
}
