import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseServeOptions, SERVE_COMPONENTS, type RawServeOptions } from '../../../../src/cli/commands/serve.ts';

const raw: RawServeOptions = { components: 'controller', schedulerName: 'canopy', controllerMode: 'canopy', bindDelay: '0s', leaseName: 'canopy-controller', leaseDuration: '15s' };
const main = fileURLToPath(new URL('../../../../src/cli/main.ts', import.meta.url));

describe('canopy serve options', () => {
  it('fills defaults: lease namespace from POD_NAMESPACE, identity from POD_NAME', () => {
    const o = parseServeOptions({ ...raw, bindDelay: '500ms', leaseDuration: '4s' }, { POD_NAMESPACE: 'canopy-system', POD_NAME: 'canopy-0' });
    if (typeof o === 'string') throw new Error(o);
    expect(o).toMatchObject({ components: ['controller'], leaseNamespace: 'canopy-system', bindDelayMs: 500, leaseDurationSeconds: 4, controllerMode: 'canopy' });
    expect(o.identity.startsWith('canopy-0_')).toBe(true);
  });

  it('rejects unknown components, modes and durations with a message', () => {
    expect(parseServeOptions({ ...raw, components: 'controller,scaler9' }, {})).toMatch(/unknown component\(s\) scaler9/);
    expect(parseServeOptions({ ...raw, controllerMode: 'volcano' }, {})).toMatch(/canopy or kai/);
    expect(parseServeOptions({ ...raw, bindDelay: 'soon' }, {})).toMatch(/--bind-delay/);
    expect(parseServeOptions({ ...raw, leaseDuration: '100ms' }, {})).toMatch(/--lease-duration/);
    expect(parseServeOptions({ ...raw, components: ' , ' }, {})).toMatch(/at least one/);
  });

  it('accepts kai mode and lists the controller as a leader-only component', () => {
    expect(typeof parseServeOptions({ ...raw, controllerMode: 'kai' }, {})).toBe('object');
    expect(SERVE_COMPONENTS.find((c) => c.name === 'controller')?.leaderOnly).toBe(true);
    expect(new Set(SERVE_COMPONENTS.map((c) => c.name)).size).toBe(SERVE_COMPONENTS.length);
  });

  it('exits 2 on a usage error, before touching any cluster', () => {
    const r = spawnSync(process.execPath, [main, 'serve', '--controller-mode', 'volcano', '--kubeconfig', '/nonexistent'], { encoding: 'utf8' });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--controller-mode must be canopy or kai/);
  });
});
