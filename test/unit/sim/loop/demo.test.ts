import { readFileSync, mkdtempSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runDemo } from '../../../../src/sim/demo/run.ts';
import { httpGet, type HttpResult } from '../../../env/net.ts';

function get(url: string, ca: string, token: string): Promise<HttpResult> {
  return httpGet(url, { ca, headers: { authorization: `Bearer ${token}` } });
}

describe('canopy demo', () => {
  it('serves the live signals on HTTPS with the printed curl command, then writes the report', async () => {
    const out = mkdtempSync(join(tmpdir(), 'canopy-demo-test-'));
    let stdout = '';
    const answers: { status: number; body: string }[] = [];
    let polling: Promise<void> | undefined;
    const io = {
      stdout: {
        write: (t: string) => {
          stdout += t;
          const m = /curl --cacert (\S+) -H 'Authorization: Bearer ([^']+)' (\S+)/.exec(stdout);
          if (m !== null && polling === undefined) {
            const [, caFile = '', token = '', url = ''] = m;
            polling = (async () => {
              for (let i = 0; i < 100 && !answers.some((a) => a.status === 200); i++) {
                answers.push(await get(url, readFileSync(caFile, 'utf8'), token));
                await new Promise((r) => setTimeout(r, 100));
              }
            })();
          }
          return true;
        },
      },
      stderr: { isTTY: false, write: () => true },
    };
    const code = await runDemo({ speed: 30, durationSeconds: 240, serve: true, outDir: out, scale: 2, seed: 1, startupSeconds: 60 }, io);
    await polling;
    expect(code).toBe(0);
    const ok = answers.find((a) => a.status === 200);
    expect(ok).toBeDefined();
    const doc = JSON.parse(ok?.body ?? '{}') as { kind?: string; items?: { metric: { name: string }; value: string }[] };
    expect(doc.kind).toBe('MetricValueList');
    expect(doc.items?.[0]?.metric.name).toBe('ttft_p90_seconds');
    expect(stdout).toMatch(/Canopy: [\d.]+% of 1-min windows met/);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
    expect(JSON.parse(readFileSync(join(out, 'summary.json'), 'utf8'))).toHaveProperty('canopy.gpuHours');
  }, 30_000);
});
