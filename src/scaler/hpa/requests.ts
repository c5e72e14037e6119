import { milliValueBigInt } from '../../api/quantity.ts';
import { fail, ok, type Result } from './result.ts';
import type { Pod } from './types.ts';

/**
 * Each pod's request for the resource in milli-units: the sum over its containers and restartable init
 * containers, or one named container's. A container without the request is an error, for every pod the
 * selector returns (deleted and failed ones included). Pod-level requests are not modelled.
 */
export function podRequests(pods: readonly Pod[], resource: string, container?: string): Result<Map<string, bigint>> {
  const requests = new Map<string, bigint>();
  for (const pod of pods) {
    const name = pod.metadata.name;
    const containers = [
      ...(pod.spec?.containers ?? []),
      ...(pod.spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always'),
    ];
    let total = 0n;
    let found = false;
    for (const c of containers) {
      if (container !== undefined && c.name !== container) continue;
      const request = c.resources?.requests?.[resource];
      if (request === undefined) return fail(`missing request for ${resource} in container ${c.name} of Pod ${name}`);
      total += milliValueBigInt(request);
      found = true;
      if (container !== undefined) break;
    }
    if (container !== undefined && !found) return fail(`container ${container} not found in Pod ${name}`);
    requests.set(name, total);
  }
  return ok(requests);
}
