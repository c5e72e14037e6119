import { formatPath, type PathSegment } from './fieldpath.ts';
import type { PodCliqueSet } from './schema/podcliqueset.ts';
import type { PodSpec } from './schema/podspec.ts';

// Grove's PodCliqueSet defaulting (the CRD's `default:` values, then the mutating webhook), as a pure
// function. The input is not modified; the result lists each default applied so callers can explain it.

export const DEFAULT_NAMESPACE = 'default';
export const DEFAULT_TERMINATION_DELAY = '4h0m0s';
export const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS = 30;
export const DEFAULT_SCHEDULER_NAME = 'default-scheduler';

export interface AppliedDefault {
  readonly path: string;
  readonly value: unknown;
}

export interface DefaultingResult {
  readonly object: PodCliqueSet;
  readonly applied: readonly AppliedDefault[];
}

export function defaultPodCliqueSet(input: PodCliqueSet): DefaultingResult {
  const pcs = structuredClone(input);
  const applied: AppliedDefault[] = [];
  const note = (path: readonly PathSegment[], value: unknown): void => {
    applied.push({ path: formatPath(path), value });
  };

  if (pcs.metadata.namespace === undefined || pcs.metadata.namespace === '') {
    pcs.metadata.namespace = DEFAULT_NAMESPACE;
    note(['metadata', 'namespace'], DEFAULT_NAMESPACE);
  }
  const spec = pcs.spec;
  if (spec.replicas === undefined) {
    spec.replicas = 0;
    note(['spec', 'replicas'], 0);
  }
  if (spec.updateStrategy === undefined) spec.updateStrategy = {};
  if (spec.updateStrategy.type === undefined) {
    spec.updateStrategy.type = 'RollingRecreate';
    note(['spec', 'updateStrategy', 'type'], 'RollingRecreate');
  }

  const template = spec.template;
  const t = ['spec', 'template'] as const;
  if (template.cliqueStartupType === undefined) {
    template.cliqueStartupType = 'CliqueStartupTypeAnyOrder';
    note([...t, 'cliqueStartupType'], 'CliqueStartupTypeAnyOrder');
  }

  template.cliques.forEach((clique, i) => {
    const c = [...t, 'cliques', i, 'spec'] as const;
    const cs = clique.spec;
    defaultPodSpec(cs.podSpec, [...c, 'podSpec'], note);
    const writtenReplicas = cs.replicas ?? 0;
    if (writtenReplicas === 0) {
      cs.replicas = 1;
      note([...c, 'replicas'], 1);
    }
    if (cs.minAvailable === undefined) {
      cs.minAvailable = cs.replicas ?? 1;
      note([...c, 'minAvailable'], cs.minAvailable);
    }
    // Grove takes the clique's replicas as written here, before the 0 → 1 default above.
    if (cs.autoScalingConfig !== undefined && cs.autoScalingConfig.minReplicas === undefined) {
      cs.autoScalingConfig.minReplicas = writtenReplicas;
      note([...c, 'autoScalingConfig', 'minReplicas'], writtenReplicas);
    }
  });

  (template.podCliqueScalingGroups ?? []).forEach((group, i) => {
    const g = [...t, 'podCliqueScalingGroups', i] as const;
    if (group.replicas === undefined) {
      group.replicas = 1;
      note([...g, 'replicas'], 1);
    }
    if (group.minAvailable === undefined) {
      group.minAvailable = 1;
      note([...g, 'minAvailable'], 1);
    }
    if (group.scaleConfig !== undefined && group.scaleConfig.minReplicas === undefined) {
      group.scaleConfig.minReplicas = group.replicas;
      note([...g, 'scaleConfig', 'minReplicas'], group.replicas);
    }
  });

  if (template.terminationDelay === undefined) {
    template.terminationDelay = DEFAULT_TERMINATION_DELAY;
    note([...t, 'terminationDelay'], DEFAULT_TERMINATION_DELAY);
  }
  if (template.headlessServiceConfig === undefined) template.headlessServiceConfig = {};
  if (template.headlessServiceConfig.publishNotReadyAddresses === undefined) {
    template.headlessServiceConfig.publishNotReadyAddresses = true;
    note([...t, 'headlessServiceConfig', 'publishNotReadyAddresses'], true);
  }
  return { object: pcs, applied };
}

function defaultPodSpec(
  podSpec: PodSpec,
  path: readonly PathSegment[],
  note: (path: readonly PathSegment[], value: unknown) => void,
): void {
  if (podSpec.restartPolicy === undefined) {
    podSpec.restartPolicy = 'Always';
    note([...path, 'restartPolicy'], 'Always');
  }
  if (podSpec.terminationGracePeriodSeconds === undefined) {
    podSpec.terminationGracePeriodSeconds = DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS;
    note([...path, 'terminationGracePeriodSeconds'], DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
  }
}
