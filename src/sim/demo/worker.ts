// Worker-thread entry of the demo simulation.
import { parentPort, workerData } from 'node:worker_threads';
import type { DemoMessage, DemoWorkerInput } from './messages.ts';
import { runDemoSimulation } from './simulation.ts';

const post = (m: DemoMessage): void => {
  parentPort?.postMessage(m);
};
try {
  runDemoSimulation(workerData as DemoWorkerInput, post);
} catch (e) {
  post({ kind: 'error', message: e instanceof Error ? (e.stack ?? e.message) : String(e) });
}
