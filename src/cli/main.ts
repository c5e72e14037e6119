#!/usr/bin/env node
import { Command } from 'commander';
import { registerCommands } from './commands/index.ts';

const program = new Command('canopy')
  .description('Autoscaler, metrics adapter and gang placement for Grove inference workloads')
  .version('0.1.0')
  .showHelpAfterError();

registerCommands(program);

await program.parseAsync(process.argv);
