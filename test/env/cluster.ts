import { existsSync, rmSync } from 'node:fs';
import { mkdtemp, mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { clientTls, startApiServer, type ApiServer } from './apiserver.ts';
import { createClusterCerts, type ClusterCerts } from './certs.ts';
import { startControllerManager, type ControllerManager, type ControllerManagerOptions } from './controller-manager.ts';
import { startEtcd, type Etcd } from './etcd.ts';
import { writeKubeconfig } from './kubeconfig.ts';
import { httpGet, waitFor, type TlsOptions } from './net.ts';
import { isAlive, registerCleanup, withLogs, type ManagedProcess } from './proc.ts';

export interface ClusterOptions {
  /** Start kube-controller-manager too (default true). */
  readonly controllerManager?: boolean;
  readonly controllerManagerOptions?: ControllerManagerOptions;
  /** Keep the run directory after stop (for reading logs). Default: the CANOPY_ENV_KEEP=1 env var. */
  readonly keepRunDir?: boolean;
}

/** What a test needs to know about a running environment; plain data, so it crosses vitest's provide/inject. */
export interface EnvInfo {
  readonly runDir: string;
  readonly kubeconfig: string;
  readonly server: string;
  readonly certs: ClusterCerts;
  readonly etcdUrl: string;
  readonly pids: readonly number[];
  readonly ports: readonly number[];
}

export interface Cluster extends EnvInfo {
  readonly processes: readonly ManagedProcess[];
  readonly startupSeconds: number;
  stop(): Promise<void>;
}

/**
 * Starts etcd, kube-apiserver and (optionally) kube-controller-manager in a fresh temp directory and
 * returns once the API is ready, the aggregator's authentication configmap exists and the controllers
 * have done their first work. On any failure everything started so far is stopped again.
 */
export async function startCluster(options: ClusterOptions = {}): Promise<Cluster> {
  const started = Date.now();
  await sweepStaleRunDirs();
  const runDir = await mkdtemp(join(tmpdir(), RUN_DIR_PREFIX));
  await mkdir(join(runDir, 'logs'), { recursive: true });
  await writeFile(join(runDir, OWNER_FILE), `${process.pid}\n`);
  const keep = options.keepRunDir ?? process.env['CANOPY_ENV_KEEP'] === '1';
  const processes: ManagedProcess[] = [];
  let stopped = false;
  const stopAllInOrder = async (): Promise<void> => {
    // Reverse start order: controllers first, the store last.
    for (const p of [...processes].reverse()) await p.stop();
  };
  const unregister = registerCleanup({
    async: stopAllInOrder,
    sync: () => {
      if (!keep) rmSync(runDir, { recursive: true, force: true });
    },
  });
  const stop = async (): Promise<void> => {
    if (stopped) return;
    stopped = true;
    // A component that died during the run explains the failures the tests saw: show why.
    const died = processes.filter((p) => p.hasExited());
    if (died.length > 0) process.stderr.write(`${withLogs('[canopy-env] died during the run:', died).message}\n`);
    await stopAllInOrder();
    unregister();
    if (keep) await writeFile(join(runDir, KEPT_FILE), 'kept on request (CANOPY_ENV_KEEP=1 or keepRunDir)\n');
    else await rm(runDir, { recursive: true, force: true });
  };

  try {
    const certs = await createClusterCerts(join(runDir, 'pki'));
    const etcd: Etcd = await startEtcd(runDir);
    processes.push(etcd.process);
    const apiserver: ApiServer = await startApiServer(certs, etcd.url, runDir);
    processes.push(apiserver.process);
    const kubeconfig = await writeKubeconfig(join(runDir, 'kubeconfig'), apiserver.url, certs.ca, certs.admin, 'canopy-admin');
    const tls = await clientTls(certs);
    await waitForApiBootstrap(apiserver.url, tls);

    const ports = [etcd.ports.client, etcd.ports.peer, apiserver.port];
    if (options.controllerManager ?? true) {
      const kcmKubeconfig = await writeKubeconfig(
        join(runDir, 'controller-manager.kubeconfig'),
        apiserver.url,
        certs.ca,
        certs.controllerManager,
        'system:kube-controller-manager',
      );
      const kcm: ControllerManager = await startControllerManager(
        certs,
        kcmKubeconfig,
        runDir,
        options.controllerManagerOptions,
      );
      processes.push(kcm.process);
      ports.push(kcm.port);
      await waitForControllers(apiserver.url, tls);
    }

    const info: EnvInfo = {
      runDir,
      kubeconfig,
      server: apiserver.url,
      certs,
      etcdUrl: etcd.url,
      pids: processes.map((p) => p.pid),
      ports,
    };
    await writeFile(join(runDir, 'env.json'), `${JSON.stringify(info, null, 2)}\n`);
    return { ...info, processes, startupSeconds: (Date.now() - started) / 1000, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

const RUN_DIR_PREFIX = 'canopy-env-';
const OWNER_FILE = 'owner.pid';
const KEPT_FILE = 'KEPT';

/**
 * Removes run directories left by owners that died without cleaning up (SIGKILL, a killed test
 * worker). Their servers are already gone (pdeathsig); only the files remain. Directories of live
 * owners (other runs on this machine) and ones kept on request are left alone.
 */
export async function sweepStaleRunDirs(): Promise<string[]> {
  const base = tmpdir();
  const removed: string[] = [];
  for (const name of await readdir(base)) {
    if (!name.startsWith(RUN_DIR_PREFIX)) continue;
    const dir = join(base, name);
    const owner = Number.parseInt(await readFile(join(dir, OWNER_FILE), 'utf8').catch(() => ''), 10);
    if (!Number.isInteger(owner) || owner <= 0 || isAlive(owner)) continue;
    if (existsSync(join(dir, KEPT_FILE))) continue;
    await rm(dir, { recursive: true, force: true });
    removed.push(dir);
  }
  return removed;
}

/** The apiserver's post-start hooks: system namespaces and the aggregator's authentication configmap. */
async function waitForApiBootstrap(server: string, tls: TlsOptions): Promise<void> {
  await waitFor(
    'namespace default and configmap kube-system/extension-apiserver-authentication',
    async () => {
      const ns = await httpGet(`${server}/api/v1/namespaces/default`, tls);
      const cm = await httpGet(`${server}/api/v1/namespaces/kube-system/configmaps/extension-apiserver-authentication`, tls);
      return ns.status === 200 && cm.status === 200 && cm.body.includes('requestheader-client-ca-file') ? true : undefined;
    },
    { timeoutMs: 60_000, intervalMs: 300 },
  );
}

/**
 * The serviceaccount and token controllers have run once the default ServiceAccount exists and has its
 * token secret; pods (and HPA clients using service-account credentials) need both.
 */
async function waitForControllers(server: string, tls: TlsOptions): Promise<void> {
  await waitFor(
    'the default ServiceAccount and its token',
    async () => {
      const sa = await httpGet(`${server}/api/v1/namespaces/default/serviceaccounts/default`, tls);
      if (sa.status !== 200) return undefined;
      const body = JSON.parse(sa.body) as { secrets?: unknown[] };
      return (body.secrets?.length ?? 0) > 0 ? true : undefined;
    },
    { timeoutMs: 90_000, intervalMs: 300 },
  );
}
