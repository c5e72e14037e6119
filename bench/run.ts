// `npm run bench [-- name...]`: runs every benchmark module in bench/ (or the named ones) and prints each figure
// with its ratio against the baseline measured in the same run. Figures go into BENCHMARKS.md by hand, with this command.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchResult } from './types.ts';

interface BenchModule {
  run: () => Promise<BenchResult | BenchResult[]>;
}

function isBenchModule(value: unknown): value is BenchModule {
  return typeof value === 'object' && value !== null && 'run' in value && typeof value.run === 'function';
}

const here = dirname(fileURLToPath(import.meta.url));
const wanted = process.argv.slice(2);
const files = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => wanted.length === 0 || wanted.some((w) => f.startsWith(w)))
  .sort();

let failures = 0;
for (const file of files) {
  process.stdout.write(`\n## ${file}\n`);
  try {
    const mod: unknown = await import(pathToFileURL(join(here, file)).href);
    if (!isBenchModule(mod)) throw new Error('module does not export run()');
    const out = await mod.run();
    for (const r of Array.isArray(out) ? out : [out]) {
      process.stdout.write(`${r.name}: ${r.figure}\n  ratio ${r.ratio.toFixed(2)}x vs ${r.baseline}\n`);
      for (const [k, v] of Object.entries(r.details)) process.stdout.write(`  ${k} = ${Number.isInteger(v) ? v : v.toFixed(4)}\n`);
    }
  } catch (err) {
    failures++;
    process.stdout.write(`FAILED: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  }
}
process.exitCode = failures > 0 ? 1 : 0;
