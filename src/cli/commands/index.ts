import type { Command } from 'commander';

type Register = (program: Command) => void;

// Each command lives in its own file and adds itself here, one line each.
const commands: readonly Register[] = [];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
