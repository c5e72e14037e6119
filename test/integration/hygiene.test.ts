import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { startCluster, sweepStaleRunDirs } from '../env/cluster.ts';
import { httpGet, isPortFree, waitFor } from '../env/net.ts';
import { isAlive } from '../env/proc.ts';
import { clientTls } from '../env/apiserver.ts';
import { integrationSkipped } from '../env/skip.ts';

interface Held {
  readonly pids: number[];
  readonly ports: number[];
  readonly runDir: string;
}

const holder = fileURLToPath(new URL('./fixtures/hold-env.ts', import.meta.url));

/** Runs the holder script in its own Node process; resolves with what it started and the child. */
const holders: ReturnType<typeof spawn>[] = [];

async function hold(mode: 'exit' | 'wait'): Promise<{ held: Held; child: ReturnType<typeof spawn> }> {
  const child = spawn(process.execPath, [holder, mode], { stdio: ['ignore', 'pipe', 'pipe'] });
  holders.push(child);
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr.setEncoding('utf8').on('data', (c: string) => (err += c));
  const held = await waitFor(
    'the holder to report its env',
    () => {
      const line = out.split('\n').find((l) => l.startsWith('{'));
      return Promise.resolve(line === undefined ? undefined : (JSON.parse(line) as Held));
    },
    {
      timeoutMs: 150_000,
      abort: () => (child.exitCode !== null && !out.includes('{') ? new Error(`holder exited: ${err}`) : undefined),
    },
  );
  return { held, child };
}

async function expectGone(held: Held): Promise<void> {
  // The kernel delivers the kill asynchronously when the holder dies: poll, do not time.
  await waitFor('every env process to be gone', () => Promise.resolve(held.pids.every((p) => !isAlive(p)) ? true : undefined), {
    timeoutMs: 30_000,
  });
  for (const pid of held.pids) expect(isAlive(pid)).toBe(false);
  for (const port of held.ports) expect(await isPortFree(port)).toBe(true);
}

async function exitOf(child: ReturnType<typeof spawn>): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  if (child.exitCode !== null || child.signalCode !== null) return { code: child.exitCode, signal: child.signalCode };
  return new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      resolve({ code, signal });
    });
  });
}

describe.skipIf(integrationSkipped)('process hygiene', () => {
  // If an assertion fails half-way, SIGKILL the holders: their servers die with them (pdeathsig).
  afterEach(() => {
    for (const child of holders.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('stop() ends an independent etcd + kube-apiserver env: pids dead, ports free, run dir gone', async () => {
    const env = await startCluster({ controllerManager: false });
    expect(env.pids).toHaveLength(2);
    expect(env.ports).toHaveLength(3);
    for (const pid of env.pids) expect(isAlive(pid)).toBe(true);
    const ready = await httpGet(`${env.server}/readyz`, await clientTls(env.certs));
    expect(ready.status).toBe(200);
    // Not the shared cluster: its own port and directory.
    expect(env.kubeconfig).not.toBe(process.env['CANOPY_TEST_KUBECONFIG']);

    await env.stop();
    for (const pid of env.pids) expect(isAlive(pid)).toBe(false);
    for (const port of env.ports) expect(await isPortFree(port)).toBe(true);
    expect(existsSync(env.runDir)).toBe(false);
    // Stopping twice is harmless.
    await env.stop();
  });

  it('cleans up when the owning process calls process.exit without stopping', async () => {
    const { held, child } = await hold('exit');
    const { code } = await exitOf(child);
    expect(code).toBe(0);
    await expectGone(held);
    expect(existsSync(held.runDir)).toBe(false);
  });

  it('cleans up when the owning process gets SIGTERM', async () => {
    const { held, child } = await hold('wait');
    child.kill('SIGTERM');
    const { code } = await exitOf(child);
    expect(code).toBe(143);
    await expectGone(held);
    expect(existsSync(held.runDir)).toBe(false);
  });

  it('leaves no server running when the owning process is SIGKILLed', async () => {
    const { held, child } = await hold('wait');
    child.kill('SIGKILL');
    const { signal } = await exitOf(child);
    expect(signal).toBe('SIGKILL');
    await expectGone(held);
    // Nothing in the killed process could remove its directory; the next start sweeps it.
    expect(existsSync(held.runDir)).toBe(true);
    expect(await sweepStaleRunDirs()).toContain(held.runDir);
    expect(existsSync(held.runDir)).toBe(false);
  });
});
