import { parseGoDuration } from '../duration.ts';
import { childPath } from '../fieldpath.ts';
import { MAX_COMBINED_RESOURCE_NAME_LENGTH } from '../naming.ts';
import type { AutoScalingConfig } from '../schema/autoscaling.ts';
import type { PodCliqueSet, PodCliqueTemplateSpec } from '../schema/podcliqueset.ts';
import type { ValidationContext } from './context.ts';
import {
  DNS1123_SUBDOMAIN_MESSAGE,
  duplicateIndices,
  duplicateMessage,
  isDNS1123Subdomain,
  type FieldError,
} from './field-error.ts';
import { validateStartsAfter } from './startup-dependencies.ts';

// Grove's PodCliqueSet webhook rules that hold for both create and update. The object is expected to
// be defaulted already (see defaultPodCliqueSet); a missing default is reported as Grove reports it.

const TEMPLATE = 'spec.template';
const CLIQUES = childPath(TEMPLATE, 'cliques');
const GROUPS = childPath(TEMPLATE, 'podCliqueScalingGroups');

export function validateMetadata(pcs: PodCliqueSet): FieldError[] {
  const { name, generateName } = pcs.metadata;
  if ((name === undefined || name === '') && (generateName === undefined || generateName === '')) {
    return [{ path: 'metadata.name', message: 'name or generateName is required' }];
  }
  if (name !== undefined && name !== '' && !isDNS1123Subdomain(name)) {
    return [{ path: 'metadata.name', message: DNS1123_SUBDOMAIN_MESSAGE }];
  }
  return [];
}

export function validateReplicas(pcs: PodCliqueSet): FieldError[] {
  const replicas = pcs.spec.replicas ?? 0;
  return replicas < 0 ? [{ path: 'spec.replicas', message: 'must be greater than or equal to 0' }] : [];
}

function nameBudgetMessage(pcsName: string, cliqueName: string, groupName?: string): string | undefined {
  const length = pcsName.length + cliqueName.length + (groupName?.length ?? 0);
  if (length <= MAX_COMBINED_RESOURCE_NAME_LENGTH) return undefined;
  const parts =
    groupName === undefined
      ? `PodCliqueSet '${pcsName}' or PodClique '${cliqueName}'`
      : `PodCliqueSet '${pcsName}', PodCliqueScalingGroup '${groupName}', or PodClique '${cliqueName}'`;
  return `combined resource name length ${length} exceeds ${MAX_COMBINED_RESOURCE_NAME_LENGTH}-character limit required for pod naming. Consider shortening: ${parts}`;
}

function memberCliqueNames(pcs: PodCliqueSet): Set<string> {
  return new Set((pcs.spec.template.podCliqueScalingGroups ?? []).flatMap((g) => g.cliqueNames));
}

export function validateCliqueNames(pcs: PodCliqueSet): FieldError[] {
  const errors: FieldError[] = [];
  const cliques = pcs.spec.template.cliques;
  if (cliques.length === 0) errors.push({ path: CLIQUES, message: 'at least one PodClique must be defined' });
  const members = memberCliqueNames(pcs);
  const pcsName = pcs.metadata.name ?? '';
  cliques.forEach((clique, i) => {
    const path = childPath(CLIQUES, i, 'name');
    if (clique.name === '') {
      errors.push({ path, message: 'field cannot be empty' });
      return;
    }
    if (!isDNS1123Subdomain(clique.name)) {
      errors.push({ path, message: 'invalid PodCliqueTemplateSpec name, must be a valid DNS subdomain' });
    }
    // Scaling-group members are measured together with their group's name (see validateScalingGroups).
    if (!members.has(clique.name)) {
      const message = nameBudgetMessage(pcsName, clique.name);
      if (message !== undefined) errors.push({ path, message }, { path: 'metadata.name', message });
    }
  });
  const names = cliques.map((c) => c.name);
  for (const i of duplicateIndices(names)) {
    errors.push({ path: childPath(CLIQUES, i, 'name'), message: duplicateMessage(names[i] ?? '') });
  }
  const roles = cliques.map((c) => c.spec.roleName);
  for (const i of duplicateIndices(roles)) {
    errors.push({ path: childPath(CLIQUES, i, 'spec', 'roleName'), message: duplicateMessage(roles[i] ?? '') });
  }
  return errors;
}

function validateScaleConfig(config: AutoScalingConfig, minAvailable: number, replicas: number, path: string): FieldError[] {
  const errors: FieldError[] = [];
  if (config.minReplicas === undefined) {
    errors.push({ path: childPath(path, 'minReplicas'), message: 'field is required' });
    return errors;
  }
  if (config.minReplicas < minAvailable) {
    errors.push({ path: childPath(path, 'minReplicas'), message: 'must be greater than or equal to podCliqueSpec.minAvailable' });
  }
  if (config.maxReplicas < config.minReplicas) {
    errors.push({ path: childPath(path, 'maxReplicas'), message: 'must be greater than or equal to podCliqueSpec.minReplicas' });
  }
  if (config.maxReplicas < replicas) {
    errors.push({ path: childPath(path, 'maxReplicas'), message: 'must be greater than or equal to replicas' });
  }
  return errors;
}

export function validateCliqueSpec(clique: PodCliqueTemplateSpec, index: number): FieldError[] {
  const errors: FieldError[] = [];
  const base = childPath(CLIQUES, index, 'spec');
  const spec = clique.spec;
  const replicas = spec.replicas ?? 0;
  if (replicas <= 0) errors.push({ path: childPath(base, 'replicas'), message: 'must be greater than 0' });
  if (spec.minAvailable === undefined) {
    errors.push({ path: childPath(base, 'minAvailable'), message: 'field is required' });
  } else {
    if (spec.minAvailable <= 0) errors.push({ path: childPath(base, 'minAvailable'), message: 'must be greater than 0' });
    if (spec.minAvailable > replicas) {
      errors.push({ path: childPath(base, 'minAvailable'), message: 'minAvailable must not be greater than replicas' });
    }
  }
  if (spec.autoScalingConfig !== undefined && spec.minAvailable !== undefined) {
    errors.push(...validateScaleConfig(spec.autoScalingConfig, spec.minAvailable, replicas, childPath(base, 'autoScalingConfig')));
  }
  return errors;
}

// Fields Grove fills in itself; rejected on create only (existing objects keep what they had).
export function validatePodSpecOnCreate(clique: PodCliqueTemplateSpec, index: number): FieldError[] {
  const errors: FieldError[] = [];
  const base = childPath(CLIQUES, index, 'spec', 'podSpec');
  const podSpec = clique.spec.podSpec;
  if (podSpec.topologySpreadConstraints !== undefined) {
    errors.push({ path: childPath(base, 'topologySpreadConstraints'), message: 'must not be set' });
  }
  if (podSpec.nodeName !== undefined && podSpec.nodeName !== '') {
    errors.push({ path: childPath(base, 'nodeName'), message: 'must not be set' });
  }
  return errors;
}

export function validateSchedulerNames(pcs: PodCliqueSet, ctx: ValidationContext): FieldError[] {
  const cliques = pcs.spec.template.cliques;
  const resolved = cliques.map((c) => {
    const name = c.spec.podSpec.schedulerName;
    return name === undefined || name === '' ? ctx.defaultSchedulerName : name;
  });
  const first = resolved[0];
  if (first === undefined) return [];
  const path = (i: number): string => childPath(CLIQUES, i, 'spec', 'podSpec', 'schedulerName');
  const differing = resolved.findIndex((n) => n !== first);
  if (differing >= 0) {
    const unique = [...new Set(resolved)];
    return [{ path: path(differing), message: `the schedulerName for all pods have to be the same (${unique.join(', ')})` }];
  }
  if (first !== ctx.defaultSchedulerName && !ctx.enabledSchedulerNames.includes(first)) {
    return [
      {
        path: path(0),
        message: `schedulerName '${first}' must be an enabled scheduler backend; this scheduler is not enabled in OperatorConfiguration`,
      },
    ];
  }
  return [];
}

export function validateScalingGroups(pcs: PodCliqueSet): FieldError[] {
  const errors: FieldError[] = [];
  const groups = pcs.spec.template.podCliqueScalingGroups ?? [];
  const cliques = pcs.spec.template.cliques;
  const cliqueNames = new Set(cliques.map((c) => c.name));
  const pcsName = pcs.metadata.name ?? '';
  groups.forEach((group, i) => {
    const base = childPath(GROUPS, i);
    if (!isDNS1123Subdomain(group.name)) {
      errors.push({ path: childPath(base, 'name'), message: 'invalid PodCliqueScalingGroupConfig name, must be a valid DNS subdomain' });
    }
    group.cliqueNames.forEach((name, k) => {
      const path = childPath(base, 'cliqueNames', k);
      if (!cliqueNames.has(name)) {
        errors.push({ path, message: `unidentified PodClique names found: ${name}` });
      }
      const message = nameBudgetMessage(pcsName, name, group.name);
      if (message !== undefined) {
        errors.push({ path, message }, { path: childPath(base, 'name'), message }, { path: 'metadata.name', message });
      }
    });
    if (group.replicas !== undefined && group.replicas <= 0) {
      errors.push({ path: childPath(base, 'replicas'), message: 'must be greater than 0' });
    }
    if (group.minAvailable !== undefined && group.minAvailable <= 0) {
      errors.push({ path: childPath(base, 'minAvailable'), message: 'must be greater than 0' });
    }
    if (group.replicas !== undefined && group.minAvailable !== undefined && group.minAvailable > group.replicas) {
      errors.push({ path: childPath(base, 'minAvailable'), message: 'minAvailable must not be greater than replicas' });
    }
    const minReplicas = group.scaleConfig?.minReplicas;
    if (minReplicas !== undefined && group.minAvailable !== undefined && minReplicas < group.minAvailable) {
      errors.push({
        path: childPath(base, 'scaleConfig', 'minReplicas'),
        message: 'scaleConfig.minReplicas must be greater than or equal to minAvailable',
      });
    }
  });
  const groupNames = groups.map((g) => g.name);
  for (const i of duplicateIndices(groupNames)) {
    errors.push({ path: childPath(GROUPS, i, 'name'), message: duplicateMessage(groupNames[i] ?? '') });
  }
  // A clique may belong to at most one scaling group (and appear once in it).
  const seen = new Set<string>();
  groups.forEach((group, i) => {
    group.cliqueNames.forEach((name, k) => {
      if (seen.has(name)) errors.push({ path: childPath(GROUPS, i, 'cliqueNames', k), message: duplicateMessage(name) });
      seen.add(name);
    });
  });
  const members = memberCliqueNames(pcs);
  cliques.forEach((clique, i) => {
    if (members.has(clique.name) && clique.spec.autoScalingConfig !== undefined) {
      errors.push({
        path: childPath(CLIQUES, i, 'spec', 'autoScalingConfig'),
        message: 'AutoScalingConfig is not allowed to be defined for PodClique that is part of scaling group',
      });
    }
  });
  return errors;
}

export function validateTerminationDelay(pcs: PodCliqueSet): FieldError[] {
  const path = childPath(TEMPLATE, 'terminationDelay');
  const delay = pcs.spec.template.terminationDelay;
  if (delay === undefined) return [{ path, message: 'terminationDelay is required' }];
  const ms = parseGoDuration(delay);
  if (ms === undefined) return [{ path, message: `invalid duration ${JSON.stringify(delay)}` }];
  return ms <= 0 ? [{ path, message: 'terminationDelay must be greater than 0' }] : [];
}

export function validateStartupOrder(pcs: PodCliqueSet): FieldError[] {
  if (pcs.spec.template.cliqueStartupType !== 'CliqueStartupTypeExplicit') return [];
  return validateStartsAfter(pcs.spec.template.cliques, CLIQUES);
}

export function validatePodCliqueSetSpec(pcs: PodCliqueSet, ctx: ValidationContext): FieldError[] {
  return [
    ...validateMetadata(pcs),
    ...validateReplicas(pcs),
    ...validateCliqueNames(pcs),
    ...pcs.spec.template.cliques.flatMap((c, i) => validateCliqueSpec(c, i)),
    ...validateSchedulerNames(pcs, ctx),
    ...validateStartupOrder(pcs),
    ...validateScalingGroups(pcs),
    ...validateTerminationDelay(pcs),
  ];
}
