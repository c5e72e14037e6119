import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { launch } from './launch.ts';
import { freePort, httpGet } from './net.ts';
import { startProcess, type ManagedProcess } from './proc.ts';

export interface EtcdPorts {
  readonly client: number;
  readonly peer: number;
}

export interface Etcd {
  readonly url: string;
  readonly ports: EtcdPorts;
  readonly process: ManagedProcess;
}

/** Command line for a single-member etcd on loopback, storing in `dataDir`. */
export function etcdArgs(dataDir: string, ports: EtcdPorts): string[] {
  const client = `http://127.0.0.1:${ports.client}`;
  const peer = `http://127.0.0.1:${ports.peer}`;
  return [
    '--name=canopy-test',
    `--data-dir=${dataDir}`,
    `--listen-client-urls=${client}`,
    `--advertise-client-urls=${client}`,
    `--listen-peer-urls=${peer}`,
    `--initial-advertise-peer-urls=${peer}`,
    `--initial-cluster=canopy-test=${peer}`,
    '--initial-cluster-state=new',
    '--log-level=warn',
    '--logger=zap',
  ];
}

export async function startEtcd(runDir: string, timeoutMs = 60_000): Promise<Etcd> {
  const dataDir = join(runDir, 'etcd');
  const logFile = join(runDir, 'logs', 'etcd.log');
  await mkdir(join(runDir, 'logs'), { recursive: true });
  const { process: child, prepared } = await launch({
    name: 'etcd',
    prepare: async () => ({ client: await freePort(), peer: await freePort() }),
    spawn: (ports) => startProcess({ name: 'etcd', command: 'etcd', args: etcdArgs(dataDir, ports), logFile }),
    ready: async (ports) => {
      const res = await httpGet(`http://127.0.0.1:${ports.client}/health`);
      return res.status === 200 && /"health"\s*:\s*"true"/.test(res.body);
    },
    timeoutMs,
  });
  return { url: `http://127.0.0.1:${prepared.client}`, ports: prepared, process: child };
}
