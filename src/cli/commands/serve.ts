// `canopy serve`: the long-running process the Helm chart deploys. Components are entries of
// SERVE_COMPONENTS: the metrics adapter (every replica), the scaler and the controller (leader-only).
// Leader-only components start once this process holds the Lease and stop when it loses it (the process
// then exits, as client-go controllers do, so nothing keeps acting without the lease). The adapter and
// the scaler share the process's one signals loop (src/serve/signals.ts). SIGTERM stops everything,
// releases the lease and exits 0. Flags: src/serve/flags.ts and options.ts.
import { KubeConfig } from '@kubernetes/client-node';
import type { Command } from 'commander';
import { startController } from '../../controller/binder/controller.ts';
import { LeaderElector } from '../../kube/lease.ts';
import { adapterComponent } from '../../serve/adapter-component.ts';
import { createServeContext } from '../../serve/context.ts';
import { addServeFlags, describeServeOptions } from '../../serve/flags.ts';
import { createServeLog, type ServeLog } from '../../serve/log.ts';
import { parseServeFlags, type RawServeOptions, type ServeOptions } from '../../serve/options.ts';
import { scalerComponent } from '../../serve/scaler-component.ts';
import type { RunningComponent, ServeComponent } from '../../serve/types.ts';

export type { RawServeOptions, ServeOptions } from '../../serve/options.ts';
export type { RunningComponent, ServeComponent, ServeContext } from '../../serve/types.ts';

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

// One entry per component, in start order; SERVE_COMPONENT_NAMES (options.ts) lists the same names.
export const SERVE_COMPONENTS: readonly ServeComponent[] = [adapterComponent, scalerComponent, controllerComponent];

/** Validates the flags; a string is a usage error (exit 2). */
export function parseServeOptions(raw: RawServeOptions, env: NodeJS.ProcessEnv = process.env): ServeOptions | string {
  return parseServeFlags(raw, env, SERVE_COMPONENTS.map((c) => c.name));
}

function loadKubeConfig(path: string | undefined, kc: KubeConfig = new KubeConfig()): KubeConfig {
  if (path === undefined) kc.loadFromCluster();
  else kc.loadFromFile(path);
  return kc;
}

function message(err: unknown): string {
  return err instanceof Error ? err.message : JSON.stringify(err);
}

/** Runs until SIGTERM/SIGINT (resolves 0) or lost leadership (resolves 1). */
export async function serve(options: ServeOptions, log: ServeLog = createServeLog(options.logLevel)): Promise<number> {
  const kc = loadKubeConfig(options.kubeconfig);
  const ctx = createServeContext(kc, options, log);
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
    // After the components: none of them may read from a stopped loop.
    await ctx.stopSignals();
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
                log(`a component failed to start: ${message(err)}`, 'error');
                finish(1);
              });
            },
            onStoppedLeading: () => {
              if (done) return;
              log('lost the lease; stopping', 'warn');
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
  addServeFlags(program.command('serve').description('Run Canopy against a cluster: metrics APIs, scaler and controller (in-cluster config unless --kubeconfig is given)'))
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
      if (options.printConfig) {
        process.stdout.write(describeServeOptions(options));
        return;
      }
      try {
        process.exitCode = await serve(options);
      } catch (err) {
        process.stderr.write(`canopy serve: ${message(err)}\n`);
        process.exitCode = 1;
      }
      // Open watches and timers must not keep a finished server alive.
      process.exit();
    });
}
