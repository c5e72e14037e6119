// `canopy serve`: the long-running process. Components (the controller today; the scaler and the metrics
// adapter later) are entries of SERVE_COMPONENTS. Leader-only components start once this process holds
// the Lease and stop when it loses it (the process then exits, as client-go controllers do, so nothing
// keeps acting without the lease); the others run on every replica. SIGTERM stops everything, releases
// the lease and exits 0.
import { hostname } from 'node:os';
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { parseGoDuration } from '../../api/duration.ts';
import { startController, type ControllerMode } from '../../controller/binder/controller.ts';
import { LeaderElector } from '../../kube/lease.ts';
import { scalerServeComponent } from '../../scaler/live/component.ts';

export interface ServeOptions {
  readonly kubeconfig?: string | undefined;
  readonly components: readonly string[];
  readonly schedulerName: string;
  readonly controllerMode: ControllerMode;
  readonly bindDelayMs: number;
  readonly namespace?: string | undefined;
  readonly leaseNamespace: string;
  readonly leaseName: string;
  readonly leaseDurationSeconds: number;
  readonly identity: string;
}

export interface ServeContext {
  readonly kc: KubeConfig;
  readonly options: ServeOptions;
  readonly log: (line: string) => void;
}

export interface RunningComponent {
  stop(): Promise<void>;
}

export interface ServeComponent {
  readonly name: string;
  /** Leader-only components act on the cluster and must have a single active instance. */
  readonly leaderOnly: boolean;
  start(ctx: ServeContext): Promise<RunningComponent>;
}

const controllerComponent: ServeComponent = {
  name: 'controller',
  leaderOnly: true,
  start: (ctx) =>
    startController(ctx.kc, {
      schedulerName: ctx.options.schedulerName,
      mode: ctx.options.controllerMode,
      bindDelayMs: ctx.options.bindDelayMs,
      namespace: ctx.options.namespace,
      log: (line) => {
        ctx.log(`controller: ${line}`);
      },
    }),
};

// One entry per component; add yours here.
export const SERVE_COMPONENTS: readonly ServeComponent[] = [controllerComponent, scalerServeComponent];

export interface RawServeOptions {
  kubeconfig?: string;
  components: string;
  schedulerName: string;
  controllerMode: string;
  bindDelay: string;
  namespace?: string;
  leaseNamespace?: string;
  leaseName: string;
  leaseDuration: string;
  identity?: string;
}

/** Validates the flags; a string is a usage error (exit 2). */
export function parseServeOptions(raw: RawServeOptions, env: NodeJS.ProcessEnv = process.env): ServeOptions | string {
  const components = raw.components.split(',').map((c) => c.trim()).filter((c) => c !== '');
  const known = SERVE_COMPONENTS.map((c) => c.name);
  const unknown = components.filter((c) => !known.includes(c));
  if (components.length === 0) return '--components needs at least one component';
  if (unknown.length > 0) return `unknown component(s) ${unknown.join(', ')}; known: ${known.join(', ')}`;
  if (raw.controllerMode !== 'canopy' && raw.controllerMode !== 'kai') return `--controller-mode must be canopy or kai, got "${raw.controllerMode}"`;
  if (raw.schedulerName.trim() === '') return '--scheduler-name must not be empty';
  const bindDelayMs = parseGoDuration(raw.bindDelay);
  if (bindDelayMs === undefined || bindDelayMs < 0) return `--bind-delay: "${raw.bindDelay}" is not a duration such as 500ms or 2s`;
  const lease = parseGoDuration(raw.leaseDuration);
  if (lease === undefined || lease < 1000) return `--lease-duration: "${raw.leaseDuration}" is not a duration of at least 1s`;
  return {
    kubeconfig: raw.kubeconfig,
    components,
    schedulerName: raw.schedulerName,
    controllerMode: raw.controllerMode,
    bindDelayMs,
    namespace: raw.namespace,
    leaseNamespace: raw.leaseNamespace ?? env['POD_NAMESPACE'] ?? 'default',
    leaseName: raw.leaseName,
    leaseDurationSeconds: lease / 1000,
    identity: raw.identity ?? `${env['POD_NAME'] ?? hostname()}_${process.pid}`,
  };
}

function loadKubeConfig(path: string | undefined, kc: KubeConfig = new KubeConfig()): KubeConfig {
  if (path === undefined) kc.loadFromCluster();
  else kc.loadFromFile(path);
  return kc;
}

function logLine(line: string): void {
  process.stderr.write(`${new Date().toISOString()} ${line}\n`);
}

/** Runs until SIGTERM/SIGINT (resolves 0) or lost leadership (resolves 1). */
export async function serve(options: ServeOptions, log: (line: string) => void = logLine): Promise<number> {
  const kc = loadKubeConfig(options.kubeconfig);
  const ctx: ServeContext = { kc, options, log };
  const chosen = SERVE_COMPONENTS.filter((c) => options.components.includes(c.name));
  const running: RunningComponent[] = [];
  const startAll = async (list: readonly ServeComponent[]): Promise<void> => {
    for (const c of list) {
      log(`starting component ${c.name}`);
      running.push(await c.start(ctx));
    }
  };
  const stopAll = async (): Promise<void> => {
    await Promise.all(running.splice(0).map((r) => r.stop()));
  };

  return new Promise<number>((resolve, reject) => {
    let done = false;
    const finish = (code: number): void => {
      if (done) return;
      done = true;
      void (async () => {
        await stopAll();
        await elector?.stop();
        resolve(code);
      })();
    };
    const leaderOnly = chosen.filter((c) => c.leaderOnly);
    const elector =
      leaderOnly.length === 0
        ? undefined
        : new LeaderElector(loadKubeConfig(options.kubeconfig), {
            namespace: options.leaseNamespace,
            name: options.leaseName,
            identity: options.identity,
            leaseDurationSeconds: options.leaseDurationSeconds,
            renewDeadlineSeconds: (options.leaseDurationSeconds * 2) / 3,
            retryPeriodSeconds: Math.max(0.5, options.leaseDurationSeconds / 7.5),
            onStartedLeading: () => {
              log(`leading: lease ${options.leaseNamespace}/${options.leaseName} held by ${options.identity}`);
              startAll(leaderOnly).catch((err: unknown) => {
                log(`a component failed to start: ${err instanceof Error ? err.message : JSON.stringify(err)}`);
                finish(1);
              });
            },
            onStoppedLeading: () => {
              if (done) return;
              log('lost the lease; stopping');
              finish(1);
            },
          });
    const onSignal = (signal: string): void => {
      log(`${signal}: shutting down`);
      finish(0);
    };
    process.once('SIGTERM', () => {
      onSignal('SIGTERM');
    });
    process.once('SIGINT', () => {
      onSignal('SIGINT');
    });
    startAll(chosen.filter((c) => !c.leaderOnly)).then(
      () => {
        if (elector === undefined) return;
        log(`waiting for lease ${options.leaseNamespace}/${options.leaseName} as ${options.identity}`);
        elector.start();
      },
      (err: unknown) => {
        reject(err instanceof Error ? err : new Error(JSON.stringify(err)));
      },
    );
  });
}

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('Run Canopy against a cluster (in-cluster config unless --kubeconfig is given)')
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster service account)')
    .option('--components <list>', `comma-separated components: ${SERVE_COMPONENTS.map((c) => c.name).join(', ')}`, 'controller')
    .option('--scheduler-name <name>', 'bind pods with this spec.schedulerName', 'canopy')
    .option('--controller-mode <mode>', 'canopy (bind gangs) or kai (write PodGangs only; KAI schedules)', 'canopy')
    .option('--bind-delay <duration>', 'pause between two bindings (testing only)', '0s')
    .option('--namespace <ns>', 'only this namespace\'s PodCliqueSets and PodGangs (default: all)')
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease (default: $POD_NAMESPACE or default)')
    .option('--lease-name <name>', 'name of the leader-election Lease', 'canopy-controller')
    .option('--lease-duration <duration>', 'leader-election lease duration', '15s')
    .option('--identity <id>', 'leader-election identity (default: <hostname>_<pid>)')
    .exitOverride((err) => {
      process.exit(err.exitCode === 0 ? 0 : 2);
    })
    .action(async (raw: RawServeOptions) => {
      const options = parseServeOptions(raw);
      if (typeof options === 'string') {
        process.stderr.write(`canopy serve: ${options}\n`);
        process.exitCode = 2;
        return;
      }
      try {
        process.exitCode = await serve(options);
      } catch (err) {
        process.stderr.write(`canopy serve: ${err instanceof Error ? err.message : JSON.stringify(err)}\n`);
        process.exitCode = 1;
      }
      // Open watches and timers must not keep a finished server alive.
      process.exit();
    });
}
