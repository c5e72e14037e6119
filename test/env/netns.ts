import { execFile, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { isAlive, registerCleanup, startProcess, type ManagedProcess } from './proc.ts';

const run = promisify(execFile);

/*
 * A network namespace owned by one test: a veth pair with a private /30 (host side .1, namespace side
 * .2), so that the kube-apiserver reaches a server in it through a real, non-loopback endpoint address,
 * which the aggregator requires. Only namespaces, links and addresses created here are ever touched.
 * A record per namespace (owner pid, host link) lets the next run remove what a SIGKILLed owner left.
 */

/** Addresses are picked inside this /16 only. */
export const NETNS_SUPERNET = '10.200.0.0/16';
const NAME_PREFIX = 'canopy-';
const STATE_DIR = join(tmpdir(), 'canopy-netns');

export interface NetNamespace {
  /** `canopy-<hex>`, as `ip netns` knows it. */
  readonly name: string;
  /** The veth end in the host namespace and its address (servers the namespace must reach bind here). */
  readonly hostInterface: string;
  readonly hostAddress: string;
  /** The veth end inside the namespace and its address (what the Endpoints object points at). */
  readonly nsInterface: string;
  readonly nsAddress: string;
  /** Starts a process inside the namespace (same hygiene as proc.ts: own group, log file, pdeathsig). */
  exec(options: { name: string; command: string; args: readonly string[]; logFile: string; env?: NodeJS.ProcessEnv }): ManagedProcess;
  /**
   * A TCP relay on hostAddress:<returned port> to `targetHost:targetPort` in the host namespace, for
   * servers that listen on the host's loopback only (the kube-apiserver). Closed by destroy().
   */
  forward(targetPort: number, targetHost?: string): Promise<number>;
  /** Stops the processes, relays, the veth pair and the namespace. Idempotent. */
  destroy(): Promise<void>;
}

interface NetnsRecord {
  readonly owner: number;
  readonly name: string;
  readonly hostInterface: string;
}

/** The /30 blocks of 10.200.0.0/16 as [third octet, fourth octet of the network address]. */
export function blockAddresses(third: number, block: number): { network: string; host: string; ns: string } {
  const base = block * 4;
  return { network: `10.200.${third}.${base}`, host: `10.200.${third}.${base + 1}`, ns: `10.200.${third}.${base + 2}` };
}

function ipv4ToInt(ip: string): number {
  return ip.split('.').reduce((acc, part) => acc * 256 + Number(part), 0);
}

/** Whether the CIDR `cidr` (or a bare address) overlaps [start, start + size). */
export function overlaps(cidr: string, start: number, size: number): boolean {
  const [addr, bitsText] = cidr.split('/');
  if (addr === undefined || !/^\d+\.\d+\.\d+\.\d+$/.test(addr)) return false;
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const span = 2 ** (32 - bits);
  const lo = Math.floor(ipv4ToInt(addr) / span) * span;
  return lo < start + size && start < lo + span;
}

/** Every IPv4 prefix in use in the host namespace (addresses and routes), as CIDR strings. */
async function usedPrefixes(): Promise<string[]> {
  const [addrs, routes] = await Promise.all([run('ip', ['-j', '-4', 'addr']), run('ip', ['-j', '-4', 'route', 'show', 'table', 'all'])]);
  const out: string[] = [];
  for (const link of JSON.parse(addrs.stdout) as { addr_info?: { local?: string; prefixlen?: number }[] }[]) {
    for (const a of link.addr_info ?? []) if (a.local !== undefined) out.push(`${a.local}/${String(a.prefixlen ?? 32)}`);
  }
  for (const r of JSON.parse(routes.stdout) as { dst?: string }[]) if (r.dst !== undefined && r.dst !== 'default') out.push(r.dst);
  return out;
}

async function ip(args: readonly string[]): Promise<void> {
  try {
    await run('ip', [...args]);
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr ?? '';
    throw new Error(`ip ${args.join(' ')}: ${stderr.trim() || (error instanceof Error ? error.message : String(error))}`, { cause: error });
  }
}

function ipSync(args: readonly string[]): void {
  spawnSync('ip', [...args], { stdio: 'ignore' });
}

function namespaceExists(name: string): boolean {
  return spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').some((l) => l.split(' ')[0] === name);
}

/** Removes the veth pair and the namespace; the record goes only once the namespace is gone (else a later sweep retries). */
function removeSync(record: Pick<NetnsRecord, 'name' | 'hostInterface'>): boolean {
  // Deleting one end of a veth deletes both; the namespace goes with its last reference.
  ipSync(['link', 'del', record.hostInterface]);
  ipSync(['netns', 'del', record.name]);
  const gone = !namespaceExists(record.name);
  if (gone) rmSync(join(STATE_DIR, `${record.name}.json`), { force: true });
  return gone;
}

/** Removes namespaces (and their veth pairs) whose owning process has died. Returns their names. */
export function sweepStaleNamespaces(): string[] {
  let files: string[];
  try {
    files = readdirSync(STATE_DIR).filter((f) => f.startsWith(NAME_PREFIX) && f.endsWith('.json'));
  } catch {
    return [];
  }
  const removed: string[] = [];
  for (const file of files) {
    let record: NetnsRecord;
    try {
      record = JSON.parse(readFileSync(join(STATE_DIR, file), 'utf8')) as NetnsRecord;
    } catch {
      continue;
    }
    if (!record.name.startsWith(NAME_PREFIX) || isAlive(record.owner)) continue;
    // Anything still running in it belonged to the dead owner's test.
    killNamespacePids(record.name);
    if (removeSync(record)) removed.push(record.name);
  }
  return removed;
}

function killNamespacePids(name: string): void {
  const pids = spawnSync('ip', ['netns', 'pids', name], { encoding: 'utf8' }).stdout;
  for (const line of pids.split('\n')) {
    const pid = Number.parseInt(line, 10);
    if (Number.isInteger(pid) && pid > 1 && pid !== process.pid) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
  }
}

async function pickBlock(attempts = 50): Promise<{ host: string; ns: string }> {
  const used = await usedPrefixes();
  for (let i = 0; i < attempts; i++) {
    const third = randomBytes(1)[0] ?? 0;
    const block = (randomBytes(1)[0] ?? 0) % 64;
    const a = blockAddresses(third, block);
    if (!used.some((p) => overlaps(p, ipv4ToInt(a.network), 4))) return a;
  }
  throw new Error(`no free /30 found in ${NETNS_SUPERNET} after ${String(attempts)} tries`);
}

/**
 * Creates the namespace, the veth pair and addresses, and brings lo and both ends up. Fails with a
 * clear message when the machine does not allow it (no root / no CAP_NET_ADMIN).
 */
export async function createNetNamespace(): Promise<NetNamespace> {
  sweepStaleNamespaces();
  const id = randomBytes(3).toString('hex');
  const name = `${NAME_PREFIX}${id}`;
  const hostInterface = `cnp${id}h`;
  const nsInterface = `cnp${id}n`;
  try {
    await ip(['netns', 'add', name]);
  } catch (error) {
    throw new Error(
      `cannot create a network namespace (${error instanceof Error ? error.message : String(error)}); ` +
        'the aggregator tests need root or CAP_SYS_ADMIN + CAP_NET_ADMIN (set CANOPY_SKIP_INTEGRATION=1 to skip them)',
      { cause: error },
    );
  }
  mkdirSync(STATE_DIR, { recursive: true });
  const record: NetnsRecord = { owner: process.pid, name, hostInterface };
  writeFileSync(join(STATE_DIR, `${name}.json`), `${JSON.stringify(record)}\n`);

  const processes = new Set<ManagedProcess>();
  const relays = new Set<Server>();
  const sockets = new Set<Socket>();
  let destroyed = false;
  const destroy = async (): Promise<void> => {
    if (destroyed) return;
    destroyed = true;
    unregister();
    await Promise.all([...processes].map((p) => p.stop(3_000)));
    for (const s of sockets) s.destroy();
    await Promise.all([...relays].map((r) => new Promise<void>((resolve) => {
          r.close(() => {
            resolve();
          });
        })));
    killNamespacePids(name);
    if (!removeSync(record)) throw new Error(`network namespace ${name} could not be deleted (ip netns del)`);
  };
  const unregister = registerCleanup({
    async: destroy,
    sync: () => {
      killNamespacePids(name);
      removeSync(record);
    },
  });

  try {
    const { host, ns } = await pickBlock();
    await ip(['link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', nsInterface]);
    await ip(['link', 'set', nsInterface, 'netns', name]);
    await ip(['addr', 'add', `${host}/30`, 'dev', hostInterface]);
    await ip(['link', 'set', hostInterface, 'up']);
    await ip(['netns', 'exec', name, 'ip', 'addr', 'add', `${ns}/30`, 'dev', nsInterface]);
    await ip(['netns', 'exec', name, 'ip', 'link', 'set', nsInterface, 'up']);
    await ip(['netns', 'exec', name, 'ip', 'link', 'set', 'lo', 'up']);

    return {
      name,
      hostInterface,
      hostAddress: host,
      nsInterface,
      nsAddress: ns,
      exec(options) {
        if (destroyed) throw new Error(`network namespace ${name} is gone`);
        // `ip netns exec` enters the namespace and execs the command: the pid is the command's.
        const child = startProcess({
          name: options.name,
          command: 'ip',
          args: ['netns', 'exec', name, options.command, ...options.args],
          logFile: options.logFile,
          ...(options.env === undefined ? {} : { env: options.env }),
        });
        processes.add(child);
        void child.exited.then(() => processes.delete(child));
        return child;
      },
      async forward(targetPort, targetHost = '127.0.0.1') {
        const server = createServer((client) => {
          const upstream = createConnection({ host: targetHost, port: targetPort });
          sockets.add(client);
          sockets.add(upstream);
          const end = (): void => {
            client.destroy();
            upstream.destroy();
            sockets.delete(client);
            sockets.delete(upstream);
          };
          client.on('error', end).on('close', end);
          upstream.on('error', end).on('close', end);
          client.pipe(upstream);
          upstream.pipe(client);
        });
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(0, host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        relays.add(server);
        const address = server.address();
        if (address === null || typeof address === 'string') throw new Error('relay has no port');
        return address.port;
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
