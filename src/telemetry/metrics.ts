import { Registry, collectDefaultMetrics } from 'prom-client';

/**
 * One registry per process (never prom-client's global one), so tests and the simulator can run several
 * Canopy components side by side without metric name clashes.
 */
export function createRegistry(options: { defaultMetrics?: boolean } = {}): Registry {
  const register = new Registry();
  if (options.defaultMetrics ?? true) collectDefaultMetrics({ register, prefix: 'canopy_' });
  return register;
}
