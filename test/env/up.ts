// Starts the integration environment for use from a shell: `node test/env/up.ts`.
// Stays up until Ctrl-C (or SIGTERM), then tears everything down.
import { controllerManagerOptionsFromEnv } from './controller-manager.ts';
import { startCluster } from './cluster.ts';
import { ensureInstalled } from './install.ts';
import { registerCleanup } from './proc.ts';

ensureInstalled();
const cluster = await startCluster({ controllerManagerOptions: controllerManagerOptionsFromEnv() });
// proc.ts stops the processes on SIGINT/SIGTERM; this also removes the run directory before exit.
registerCleanup({ async: () => cluster.stop(), sync: () => undefined });
process.stdout.write(
  [
    `canopy test cluster up in ${cluster.startupSeconds.toFixed(1)} s`,
    `  apiserver:  ${cluster.server}`,
    `  run dir:    ${cluster.runDir} (logs/ has every component's log)`,
    `  kubeconfig: ${cluster.kubeconfig}`,
    '',
    `export KUBECONFIG=${cluster.kubeconfig}`,
    '',
    'Press Ctrl-C to stop.',
    '',
  ].join('\n'),
);
// Keep the event loop alive until a signal arrives.
setInterval(() => undefined, 1 << 30);
