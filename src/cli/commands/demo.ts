// `canopy demo` (what `npm start` runs): a simulated cluster serving the Azure conversation trace with
// Canopy's scaler, placement and metrics API; see src/sim/demo/run.ts.
import type { Command } from 'commander';
import { InputError, parsePositive } from '../../sim/policies/setup.ts';
import { runDemo } from '../../sim/demo/run.ts';

interface DemoFlags {
  speed?: string;
  duration?: string;
  serve: boolean;
  out?: string;
  port?: string;
  scale?: string;
  seed?: string;
}

export function registerDemo(program: Command): void {
  program
    .command('demo')
    .description('simulated GPU racks serving a real trace with Canopy’s scaler, placement and metrics API on https://127.0.0.1')
    .option('--speed <factor>', 'simulated seconds per wall-clock second', '50')
    .option('--duration <seconds>', 'simulate only the first seconds of the trace')
    .option('--no-serve', 'do not serve the metrics API')
    .option('--out <dir>', 'where report.html and summary.json go', 'canopy-demo')
    .option('--port <port>', 'HTTPS port of the metrics API (default: any free port)')
    .option('--scale <factor>', 'load factor applied to the trace', '4')
    .option('--seed <n>', 'seed', '1')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (flags: DemoFlags) => {
      let options;
      try {
        const port = flags.port === undefined ? undefined : parsePositive('--port', flags.port, 0, true);
        if (port !== undefined && port > 65535) throw new InputError('--port must be at most 65535');
        options = {
          speed: parsePositive('--speed', flags.speed, 50),
          durationSeconds: flags.duration === undefined ? undefined : parsePositive('--duration', flags.duration, 0),
          serve: flags.serve,
          outDir: flags.out ?? 'canopy-demo',
          port,
          scale: parsePositive('--scale', flags.scale, 4),
          seed: parsePositive('--seed', flags.seed, 1, true),
          startupSeconds: 60,
        };
      } catch (e) {
        process.stderr.write(`error: ${(e as Error).message}\n`);
        process.exitCode = 2;
        return;
      }
      process.exitCode = await runDemo(options, { stdout: process.stdout, stderr: process.stderr });
    });
}
