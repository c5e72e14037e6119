import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { adapterConfig, loadSignalsSource, type AdapterFlags } from '../../../src/cli/commands/adapter.ts';

const run = promisify(execFile);
const MAIN = join(import.meta.dirname, '..', '..', '..', 'src', 'cli', 'main.ts');

const base: AdapterFlags = {
  securePort: '6443',
  bindAddress: '127.0.0.1',
  tlsCertFile: 'tls.crt',
  tlsPrivateKeyFile: 'tls.key',
  scrapeTargets: 'targets.json',
  resolvePods: true,
  window: '60s',
  interval: '2s',
  resync: '10s',
};

function usage(flags: AdapterFlags): string {
  const r = adapterConfig(flags);
  if (r.ok) throw new Error('expected a usage error');
  return r.error;
}

describe('adapterConfig', () => {
  it('turns the documented defaults into seconds and milliseconds', () => {
    const r = adapterConfig(base);
    expect(r).toEqual({
      ok: true,
      config: {
        kubeconfig: undefined,
        port: 6443,
        host: '127.0.0.1',
        certFile: 'tls.crt',
        keyFile: 'tls.key',
        source: { kind: 'targets', file: 'targets.json', resolvePods: true },
        windowSeconds: 60,
        intervalMs: 2_000,
        resyncMs: 10_000,
      },
    });
  });

  it('takes --scrape-pods with its namespace, selector and default metrics port', () => {
    const r = adapterConfig({ ...base, scrapeTargets: undefined, scrapePods: true, namespace: 'ns', podSelector: 'app=vllm', metricsPort: '8000', window: '1m', interval: '500ms' });
    expect(r.ok && r.config.source).toEqual({ kind: 'pods', namespace: 'ns', labelSelector: 'app=vllm', port: 8000 });
    expect(r.ok && [r.config.windowSeconds, r.config.intervalMs]).toEqual([60, 500]);
  });

  it('requires exactly one signals source', () => {
    expect(usage({ ...base, scrapePods: true })).toMatch(/exactly one/);
    expect(usage({ ...base, scrapeTargets: undefined })).toMatch(/exactly one/);
  });

  it('refuses to run without TLS material (HTTPS only)', () => {
    expect(usage({ ...base, tlsCertFile: undefined })).toMatch(/--tls-cert-file/);
    expect(usage({ ...base, tlsPrivateKeyFile: undefined })).toMatch(/--tls-private-key-file/);
  });

  it('rejects bad ports and durations, and an interval that leaves no two scrapes in the window', () => {
    expect(usage({ ...base, securePort: '70000' })).toMatch(/--secure-port/);
    expect(usage({ ...base, securePort: '-1' })).toMatch(/--secure-port/);
    expect(usage({ ...base, window: '60' })).toMatch(/--window/);
    expect(usage({ ...base, interval: '0s' })).toMatch(/--interval/);
    expect(usage({ ...base, resync: 'soon' })).toMatch(/--resync/);
    expect(usage({ ...base, window: '10s', interval: '10s' })).toMatch(/shorter than --window/);
  });

  it('rejects --scrape-pods options given with --scrape-targets', () => {
    expect(usage({ ...base, namespace: 'ns' })).toMatch(/apply to --scrape-pods only/);
    expect(usage({ ...base, scrapeTargets: undefined, scrapePods: true, metricsPort: 'http' })).toMatch(/--metrics-port/);
  });
});

describe('loadSignalsSource', () => {
  it('reads and validates the targets file, naming the file in errors', () => {
    const ok = loadSignalsSource({ kind: 'targets', file: 't.json', resolvePods: false }, () => '[{"namespace":"n","pod":"p","url":"http://e:1/metrics"}]');
    expect(ok).toEqual({ ok: true, source: { kind: 'targets', resolvePods: false, targets: [{ namespace: 'n', pod: 'p', url: 'http://e:1/metrics', labels: {} }] } });
    const bad = loadSignalsSource({ kind: 'targets', file: 't.json', resolvePods: true }, () => '[{"namespace":"n"}]');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && bad.error.split('\n').every((l) => l.startsWith('t.json: 0.'))).toBe(true);
  });

  it('passes the pod source through, the metrics port as the scrape default', () => {
    expect(loadSignalsSource({ kind: 'pods', port: 9000 }, () => '')).toEqual({ ok: true, source: { kind: 'pods', defaults: { port: 9000 } } });
  });
});

describe('canopy adapter (process)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'canopy-adapter-cli-'));
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  const canopy = async (args: readonly string[]): Promise<{ code: number; stderr: string }> => {
    try {
      const r = await run(process.execPath, [MAIN, 'adapter', ...args]);
      return { code: 0, stderr: r.stderr };
    } catch (error) {
      const e = error as { code?: number; stderr?: string };
      return { code: e.code ?? -1, stderr: e.stderr ?? '' };
    }
  };

  it('exits 2 on usage errors, with the reason on stderr', async () => {
    const missing = await canopy(['--scrape-pods']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--tls-cert-file/);
    const unknown = await canopy(['--no-such-flag']);
    expect(unknown.code).toBe(2);
  });

  it('exits 1 on an invalid targets file or unreadable certificate', async () => {
    const targets = join(dir, 'targets.json');
    writeFileSync(targets, '{"targets": [{"namespace": "n", "pod": "p", "url": "gopher://x"}]}');
    const invalid = await canopy(['--tls-cert-file', join(dir, 'none.crt'), '--tls-private-key-file', join(dir, 'none.key'), '--scrape-targets', targets]);
    expect(invalid.code).toBe(1);
    expect(invalid.stderr).toContain(`${targets}: targets.0.url`);
    writeFileSync(targets, '[]');
    const noCert = await canopy(['--tls-cert-file', join(dir, 'none.crt'), '--tls-private-key-file', join(dir, 'none.key'), '--scrape-targets', targets]);
    expect(noCert.code).toBe(1);
    expect(noCert.stderr).toMatch(/none\.crt/);
  });
});
