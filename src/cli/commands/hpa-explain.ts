import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { decodeExplainInput } from '../../scaler/hpa/explain-input.ts';
import { explainJson, explainText } from '../../scaler/hpa/explain-report.ts';
import { computeHpaDecision } from '../../scaler/hpa/reconcile.ts';

export interface ExplainResult {
  readonly exitCode: 0 | 1 | 2;
  readonly stdout: string;
  readonly stderr: string;
}

/** The whole command as a pure function of the input text: what it prints and how it exits. */
export function runHpaExplain(text: string, output: 'text' | 'json', now: number): ExplainResult {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { exitCode: 1, stdout: '', stderr: `invalid input: not JSON: ${(e as Error).message}\n` };
  }
  const decoded = decodeExplainInput(json, now);
  if (!decoded.ok) return { exitCode: 1, stdout: '', stderr: decoded.issues.map((i) => `invalid input: ${i}\n`).join('') };
  const { snapshot, options } = decoded.value;
  const decision = computeHpaDecision(snapshot, options);
  const stdout = output === 'json' ? `${JSON.stringify(explainJson(decision), null, 2)}\n` : explainText(snapshot, decision);
  return { exitCode: 0, stdout, stderr: '' };
}

function readInput(file: string): string {
  return readFileSync(file === '-' ? 0 : file, 'utf8');
}

export function registerHpaExplain(program: Command): void {
  const hpa = program.commands.find((c) => c.name() === 'hpa') ?? program.command('hpa').description('Kubernetes HPA tools');
  hpa
    .command('explain')
    .description('explain what the Kubernetes HPA would do with an HPA object and a snapshot (JSON, - for stdin)')
    .argument('[file]', 'input document, or - for stdin', '-')
    .option('-o, --output <format>', 'output format: text or json', 'text')
    .exitOverride((err) => {
      // commander's usage errors (unknown option, extra argument) exit 2; --help exits 0.
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action((file: string, opts: { output: string }) => {
      if (opts.output !== 'text' && opts.output !== 'json') {
        process.stderr.write(`error: unknown output format "${opts.output}" (text or json)\n`);
        process.exitCode = 2;
        return;
      }
      let text: string;
      try {
        text = readInput(file);
      } catch (e) {
        process.stderr.write(`error: cannot read ${file}: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      const result = runHpaExplain(text, opts.output, Date.now());
      process.stdout.write(result.stdout);
      process.stderr.write(result.stderr);
      process.exitCode = result.exitCode;
    });
}
