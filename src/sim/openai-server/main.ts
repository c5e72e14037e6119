// Runs the simulated OpenAI-compatible server on its own:
//   node src/sim/openai-server/main.ts [profile-name-or-json-file] [port]
// Prints one line `listening <url>` on stdout once it accepts requests; stops on SIGINT / SIGTERM.
import { readFileSync } from 'node:fs';
import { parseEngineProfile } from '../engine/profile.ts';
import { builtinProfile } from '../engine/profiles.ts';
import { startOpenAiServer } from './server.ts';

const [arg = '', portArg = '0'] = process.argv.slice(2);
const profile = arg.endsWith('.json') ? parseEngineProfile(JSON.parse(readFileSync(arg, 'utf8'))) : builtinProfile(arg === '' ? undefined : arg);
const server = await startOpenAiServer({ profile, port: Number(portArg) });
process.stdout.write(`listening ${server.url}\n`);
const stop = (): void => {
  void server.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
