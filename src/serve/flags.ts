// The `canopy serve` flags, declared once: the CLI registers them, and parseServeArgs reads an argument
// list with them (the chart test feeds it the container args `helm template` renders, so the chart and
// the command cannot drift apart). No commander defaults: options.ts owns them.
import { Command, CommanderError } from 'commander';
import { parseServeFlags, SERVE_COMPONENT_NAMES, SERVE_DEFAULTS, type RawServeOptions, type ServeOptions } from './options.ts';

export function addServeFlags(cmd: Command): Command {
  const d = SERVE_DEFAULTS;
  return cmd
    .option('--kubeconfig <file>', 'kubeconfig file (default: in-cluster service account)')
    .option('--components <list>', `comma-separated components of ${SERVE_COMPONENT_NAMES.join(', ')} (default: ${d.components})`)
    .option('--secure-port <port>', `HTTPS port of the metrics APIs and the probes (default: ${d.securePort})`)
    .option('--bind-address <ip>', `address the HTTPS server listens on; 0.0.0.0 in a pod (default: ${d.bindAddress})`)
    .option('--tls-cert-file <file>', 'serving certificate (PEM); without it a self-signed one is minted at start-up')
    .option('--tls-private-key-file <file>', 'serving key (PEM), with --tls-cert-file')
    .option('--tls-san <names>', `comma-separated DNS names and IPs of the self-signed certificate (default: ${d.tlsSan})`)
    .option('--signals-source <source>', `scrape (engine pods directly) or prometheus (default: ${d.signalsSource})`)
    .option('--prometheus-url <url>', 'Prometheus base URL, with --signals-source=prometheus')
    .option('--window <duration>', `signal window, a Go duration (default: ${d.window})`)
    .option('--scrape-interval <duration>', `how often signals are read, scrape or Prometheus (default: ${d.scrapeInterval})`)
    .option('--sync-period <duration>', `scaler sync period (default: ${d.syncPeriod})`)
    .option('--scheduler-name <name>', `bind pods with this spec.schedulerName (default: ${d.schedulerName})`)
    .option('--controller-mode <mode>', `canopy (bind gangs) or kai (write PodGangs only; KAI schedules) (default: ${d.controllerMode})`)
    .option('--bind-delay <duration>', `pause between two bindings, testing only (default: ${d.bindDelay})`)
    .option('--namespace <ns>', 'only this namespace\'s workloads, policies and engine pods (default: all)')
    .option('--lease-namespace <ns>', 'namespace of the leader-election Lease (default: $POD_NAMESPACE or default)')
    .option('--lease-name <name>', `name of the leader-election Lease (default: ${d.leaseName})`)
    .option('--lease-duration <duration>', `leader-election lease duration (default: ${d.leaseDuration})`)
    .option('--identity <id>', 'leader-election identity (default: $POD_NAME or the hostname, then _<pid>)')
    .option('--log-level <level>', `debug, info, warn or error (default: ${d.logLevel})`)
    .option('--print-config', 'print the configuration these flags give, as JSON, and exit');
}

/**
 * Reads `args` (what follows `serve`) exactly as the CLI does. A string is the usage error: an unknown
 * flag, a missing value, or a bad value (naming the flag). Pure apart from `env`.
 */
export function parseServeArgs(args: readonly string[], env: NodeJS.ProcessEnv = process.env, known: readonly string[] = SERVE_COMPONENT_NAMES): ServeOptions | string {
  const cmd = addServeFlags(new Command('serve'))
    .exitOverride()
    .configureOutput({ writeOut: () => undefined, writeErr: () => undefined })
    // An action makes commander check stray arguments, as the real command does.
    .action(() => undefined);
  try {
    cmd.parse([...args], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) return error.message;
    throw error;
  }
  return parseServeFlags(cmd.opts<RawServeOptions>(), env, known);
}

/** The configuration as --print-config shows it: plain JSON, durations in the units serve uses. */
export function describeServeOptions(options: ServeOptions): string {
  return `${JSON.stringify(options, null, 2)}\n`;
}
