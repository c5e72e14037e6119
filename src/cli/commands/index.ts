import type { Command } from 'commander';
import { registerValidate } from './validate.ts';
import { registerGenCrds } from './gen-crds.ts';
import { registerHpaExplain } from './hpa-explain.ts';
import { registerPolicy } from './policy.ts';
import { registerRenderPodgangs } from './render-podgangs.ts';
import { registerPlace } from './place.ts';
import { registerLoadtest } from './loadtest.ts';
import { registerServe } from './serve.ts';
import { registerAdapter } from './adapter.ts';
import { registerSimulate } from './simulate.ts';
import { registerTune } from './tune.ts';
import { registerDemo } from './demo.ts';

type Register = (program: Command) => void;

// Each command lives in its own file and adds itself here, one line each.
const commands: readonly Register[] = [
  registerValidate,
  registerGenCrds,
  registerHpaExplain,
  registerPolicy,
  registerRenderPodgangs,
  registerPlace,
  registerLoadtest,
  registerServe,
  registerAdapter,
  registerSimulate,
  registerTune,
  registerDemo,
];

export function registerCommands(program: Command): void {
  for (const register of commands) register(program);
}
