import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { crdYaml, generateCRDs } from '../../api/crd/generate.ts';

// Pure: file name → content for every CRD.
export function renderCRDs(): Map<string, string> {
  return new Map(generateCRDs().map(({ fileName, crd }) => [fileName, crdYaml(crd)]));
}

export function registerGenCrds(program: Command): void {
  program
    .command('gen-crds')
    .description('Write the Grove CRDs (structural apiextensions.k8s.io/v1, generated from the schemas) into DIR')
    .argument('<dir>', 'output directory, e.g. charts/canopy/crds')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((dir: string) => {
      try {
        mkdirSync(dir, { recursive: true });
        for (const [name, text] of renderCRDs()) {
          writeFileSync(join(dir, name), text);
          process.stdout.write(`${join(dir, name)}\n`);
        }
      } catch (err) {
        process.stderr.write(`gen-crds: ${err instanceof Error ? err.message : String(err)}\n`);
        process.exitCode = 1;
      }
    });
}
