import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { httpGet, waitFor } from '../env/net.ts';
import { blockAddresses, createNetNamespace, overlaps, sweepStaleNamespaces } from '../env/netns.ts';
import { isAlive } from '../env/proc.ts';
import { integrationSkipped } from '../env/skip.ts';

const run = promisify(execFile);

/** Runs a Node one-liner inside the namespace (async: the servers it calls live in this process). */
async function nodeInside(ns: string, script: string): Promise<string> {
  const { stdout } = await run('ip', ['netns', 'exec', ns, process.execPath, '-e', script], { timeout: 15_000 });
  return stdout.trim();
}

const ip = (...args: string[]): { status: number | null; stdout: string } => {
  const r = spawnSync('ip', args, { encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout };
};

describe('netns address arithmetic', () => {
  it('splits 10.200.0.0/16 into /30 blocks: network, host end (.1), namespace end (.2)', () => {
    expect(blockAddresses(7, 0)).toEqual({ network: '10.200.7.0', host: '10.200.7.1', ns: '10.200.7.2' });
    expect(blockAddresses(255, 63)).toEqual({ network: '10.200.255.252', host: '10.200.255.253', ns: '10.200.255.254' });
  });

  it('detects overlap between a prefix in use and a candidate block', () => {
    const block = (a: string): number => a.split('.').reduce((acc, p) => acc * 256 + Number(p), 0);
    expect(overlaps('10.200.7.1/30', block('10.200.7.0'), 4)).toBe(true);
    expect(overlaps('10.200.0.0/16', block('10.200.7.4'), 4)).toBe(true);
    expect(overlaps('10.200.7.4/30', block('10.200.7.0'), 4)).toBe(false);
    expect(overlaps('10.200.7.3', block('10.200.7.0'), 4)).toBe(true);
    expect(overlaps('192.0.2.0/24', block('10.200.7.0'), 4)).toBe(false);
    expect(overlaps('fd00::/64', block('10.200.7.0'), 4)).toBe(false);
  });
});

describe.skipIf(integrationSkipped)('a network namespace owned by the test', () => {
  it('connects the host end and the namespace end, runs processes inside, and leaves nothing behind', async () => {
    const netns = await createNetNamespace();
    const server = createServer((_req, res) => {
      res.end('host side');
    });
    try {
      expect(ip('netns', 'list').stdout).toContain(netns.name);
      expect(ip('-4', '-br', 'addr', 'show', netns.hostInterface).stdout).toContain(`${netns.hostAddress}/30`);
      const inside = spawnSync('ip', ['netns', 'exec', netns.name, 'ip', '-4', '-br', 'addr'], { encoding: 'utf8' }).stdout;
      expect(inside).toContain(`${netns.nsAddress}/30`);
      expect(inside).toMatch(/^lo\s+UNKNOWN\s+127\.0\.0\.1\/8/m);

      // A server inside, bound to the namespace address, answers the host.
      const dir = mkdtempSync(join(tmpdir(), 'canopy-netns-test-'));
      const child = netns.exec({
        name: 'inside',
        command: process.execPath,
        args: ['-e', `require('node:http').createServer((q, s) => s.end('inside')).listen(8080, '${netns.nsAddress}')`],
        logFile: join(dir, 'inside.log'),
      });
      const reply = await waitFor('the server inside the namespace', async () => {
        const r = await httpGet(`http://${netns.nsAddress}:8080/`);
        return r.status === 200 ? r.body : undefined;
      }, { timeoutMs: 15_000, intervalMs: 200 });
      expect(reply).toBe('inside');

      // The host end is reachable from inside; the host's loopback is not the namespace's.
      await new Promise<void>((resolve) => server.listen(0, netns.hostAddress, resolve));
      const port = (server.address() as { port: number }).port;
      const fromInside = (host: string): Promise<string> =>
        nodeInside(netns.name, `fetch('http://${host}:${String(port)}/').then(r => r.text()).then(t => console.log(t), () => console.log('unreachable'))`);
      expect(await fromInside(netns.hostAddress)).toBe('host side');
      expect(await fromInside('127.0.0.1')).toBe('unreachable');

      // The relay makes a host-loopback server reachable on the host end.
      const loop = createServer((_req, res) => res.end('loopback'));
      await new Promise<void>((resolve) => loop.listen(0, '127.0.0.1', resolve));
      const relay = await netns.forward((loop.address() as { port: number }).port);
      const relayed = await nodeInside(netns.name, `fetch('http://${netns.hostAddress}:${String(relay)}/').then(r => r.text()).then(t => console.log(t))`);
      expect(relayed).toBe('loopback');
      loop.closeAllConnections();
      loop.close();

      await netns.destroy();
      expect(child.hasExited()).toBe(true);
      expect(isAlive(child.pid)).toBe(false);
      rmSync(dir, { recursive: true, force: true });
    } finally {
      server.closeAllConnections();
      server.close();
      await netns.destroy();
    }
    expect(ip('netns', 'list').stdout).not.toContain(netns.name);
    expect(ip('link', 'show', netns.hostInterface).status).not.toBe(0);
    expect(readdirSync(join(tmpdir(), 'canopy-netns')).filter((f) => f.startsWith(netns.name))).toEqual([]);
  });

  it('sweeps a namespace whose owner died, and only such namespaces', async () => {
    const live = await createNetNamespace();
    try {
      const dead = spawnSync('true').pid;
      const name = `canopy-dead${String(process.pid % 100)}`;
      const hostInterface = `cnpdead${String(process.pid % 100)}h`;
      expect(ip('netns', 'add', name).status).toBe(0);
      expect(ip('link', 'add', hostInterface, 'type', 'veth', 'peer', 'name', `cnpdead${String(process.pid % 100)}n`).status).toBe(0);
      mkdirSync(join(tmpdir(), 'canopy-netns'), { recursive: true });
      writeFileSync(join(tmpdir(), 'canopy-netns', `${name}.json`), JSON.stringify({ owner: dead, name, hostInterface }));
      expect(sweepStaleNamespaces()).toEqual([name]);
      expect(ip('netns', 'list').stdout).not.toContain(name);
      expect(ip('link', 'show', hostInterface).status).not.toBe(0);
      // This test's own namespace has a live owner: kept.
      expect(ip('netns', 'list').stdout).toContain(live.name);
    } finally {
      await live.destroy();
    }
  });
});
