import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync } from 'node:fs';

/**
 * Child processes of the test environment. Each runs detached in its own process group, so a Ctrl-C
 * in the terminal does not reach it half-way and one signal to the group ends it and anything it forked.
 * Every live child is remembered here; the process-wide hooks below end them all on SIGINT, SIGTERM and
 * 'exit', so a crashed or interrupted run leaves no server behind.
 */
export interface ManagedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves once the child has exited (and been reaped). */
  readonly exited: Promise<number | null>;
  hasExited(): boolean;
  /** SIGTERM to the process group, SIGKILL after `graceMs`; resolves when the child is gone. */
  stop(graceMs?: number): Promise<void>;
}

export interface StartOptions {
  readonly name: string;
  readonly command: string;
  readonly args: readonly string[];
  readonly logFile: string;
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
}

const live = new Set<ManagedProcess>();
const DEFAULT_GRACE_MS = 5_000;

// `setpriv --pdeathsig` makes the kernel kill the child when this process dies, even by SIGKILL,
// where no JavaScript hook can run. Used when util-linux provides it.
const pdeathsig: boolean = spawnSync('setpriv', ['--help'], { stdio: 'ignore' }).status === 0;

export function startProcess(options: StartOptions): ManagedProcess {
  installHooks();
  const fd = openSync(options.logFile, 'a');
  const [command, args] = pdeathsig
    ? ['setpriv', ['--pdeathsig', 'KILL', '--', options.command, ...options.args]]
    : [options.command, [...options.args]];
  let child: ChildProcess;
  try {
    child = spawn(command, args, {
      detached: true,
      stdio: ['ignore', fd, fd],
      cwd: options.cwd,
      env: options.env ?? process.env,
    });
  } finally {
    closeSync(fd);
  }
  const pid = child.pid;
  if (pid === undefined) throw new Error(`${options.name}: could not spawn ${options.command}`);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.once('exit', (code, signal) => {
      done = true;
      live.delete(managed);
      resolve(code ?? (signal === null ? null : -1));
    });
    child.once('error', () => {
      done = true;
      live.delete(managed);
      resolve(null);
    });
  });
  const managed: ManagedProcess = {
    name: options.name,
    pid,
    logFile: options.logFile,
    exited,
    hasExited: () => done,
    stop: async (graceMs = DEFAULT_GRACE_MS) => {
      if (done) return;
      signalGroup(pid, 'SIGTERM');
      const timer = setTimeout(() => {
        signalGroup(pid, 'SIGKILL');
      }, graceMs);
      await exited;
      clearTimeout(timer);
      // The leader is gone; make sure nothing it forked survives in its group.
      signalGroup(pid, 'SIGKILL');
    },
  };
  live.add(managed);
  return managed;
}

/** Stops every process this module started and has not seen exit yet. */
export async function stopAll(graceMs = DEFAULT_GRACE_MS): Promise<void> {
  await Promise.all([...live].map((p) => p.stop(graceMs)));
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function tail(file: string, lines = 40): string {
  if (!existsSync(file)) return '(no log)';
  const text = readFileSync(file, 'utf8').trimEnd().split('\n');
  return text.slice(-lines).join('\n');
}

/** An error that carries the last lines of each named log, for start-up failures. */
export function withLogs(message: string, processes: readonly ManagedProcess[]): Error {
  const parts = processes.map((p) => `--- ${p.name} (${p.logFile}) ---\n${tail(p.logFile)}`);
  return new Error([message, ...parts].join('\n'));
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

/**
 * Work to do when the run is cut short: `async` on SIGINT/SIGTERM/SIGHUP (before the children are
 * stopped), `sync` on 'exit' (which cannot wait). Returns a function that unregisters it.
 */
export interface Cleanup {
  readonly async: () => Promise<void>;
  readonly sync: () => void;
}

const cleanups = new Set<Cleanup>();

export function registerCleanup(cleanup: Cleanup): () => void {
  installHooks();
  cleanups.add(cleanup);
  return () => cleanups.delete(cleanup);
}

let hooksInstalled = false;

function installHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', () => {
    for (const p of live) signalGroup(p.pid, 'SIGKILL');
    for (const c of cleanups) {
      try {
        c.sync();
      } catch {
        // Best effort while exiting.
      }
    }
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      const pending = [...cleanups].map((c) => c.async().catch(() => undefined));
      void Promise.all(pending)
        .then(() => stopAll(2_000))
        .finally(() => {
          process.exit(signal === 'SIGINT' ? 130 : 143);
        });
    });
  }
}
