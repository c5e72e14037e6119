import { childPath } from '../fieldpath.ts';
import type { PodCliqueSet } from '../schema/podcliqueset.ts';
import { IMMUTABLE_MESSAGE, jsonEqual, type FieldError } from './field-error.ts';

// Grove's update-only rules: the shape of the gang (cliques, their order when it matters, scaling
// groups, minimums, start order, scheduler, DRA sharing) is fixed at creation. Replicas, scaleConfig,
// podSpec, priorityClassName, labels, annotations, terminationDelay and updateStrategy may change.

const TEMPLATE = 'spec.template';
const CLIQUES = childPath(TEMPLATE, 'cliques');
const GROUPS = childPath(TEMPLATE, 'podCliqueScalingGroups');

function immutable(path: string, next: unknown, prev: unknown): FieldError[] {
  return jsonEqual(next, prev) ? [] : [{ path, message: IMMUTABLE_MESSAGE }];
}

export function validateCliquesUpdate(pcs: PodCliqueSet, old: PodCliqueSet): FieldError[] {
  const errors: FieldError[] = [];
  const next = pcs.spec.template.cliques;
  const prev = old.spec.template.cliques;
  if (next.length !== prev.length) errors.push({ path: CLIQUES, message: 'not allowed to change clique composition' });
  const startup = pcs.spec.template.cliqueStartupType;
  const orderMatters = startup === 'CliqueStartupTypeInOrder' || startup === 'CliqueStartupTypeExplicit';
  next.forEach((clique, i) => {
    const oldIndex = prev.findIndex((c) => c.name === clique.name);
    const before = prev[oldIndex];
    if (before === undefined) {
      errors.push({
        path: childPath(CLIQUES, i, 'name'),
        message: `not allowed to change clique composition, new clique name '${clique.name}' is not allowed`,
      });
      return;
    }
    if (orderMatters && oldIndex !== i) {
      errors.push({
        path: childPath(CLIQUES, i, 'name'),
        message: `clique order cannot be changed when StartupType is InOrder or Explicit. Expected '${prev[i]?.name ?? ''}' at position ${i}, got '${clique.name}'`,
      });
    }
    const spec = childPath(CLIQUES, i, 'spec');
    errors.push(
      ...immutable(childPath(spec, 'roleName'), clique.spec.roleName, before.spec.roleName),
      ...immutable(childPath(spec, 'minAvailable'), clique.spec.minAvailable, before.spec.minAvailable),
      ...immutable(childPath(spec, 'startsAfter'), clique.spec.startsAfter ?? [], before.spec.startsAfter ?? []),
      ...immutable(
        childPath(spec, 'podSpec', 'schedulerName'),
        clique.spec.podSpec.schedulerName ?? '',
        before.spec.podSpec.schedulerName ?? '',
      ),
      ...immutable(childPath(CLIQUES, i, 'resourceSharing'), clique.resourceSharing ?? [], before.resourceSharing ?? []),
    );
  });
  return errors;
}

export function validateScalingGroupsUpdate(pcs: PodCliqueSet, old: PodCliqueSet): FieldError[] {
  const next = pcs.spec.template.podCliqueScalingGroups ?? [];
  const prev = old.spec.template.podCliqueScalingGroups ?? [];
  if (next.length !== prev.length) {
    return [{ path: GROUPS, message: 'not allowed to add or remove PodCliqueScalingGroupConfigs' }];
  }
  const errors: FieldError[] = [];
  next.forEach((group, i) => {
    const before = prev.find((g) => g.name === group.name);
    const base = childPath(GROUPS, i);
    if (before === undefined) {
      errors.push({
        path: childPath(base, 'name'),
        message: `not allowed to change scaling group composition, new scaling group name '${group.name}' is not allowed`,
      });
      return;
    }
    errors.push(
      ...immutable(childPath(base, 'cliqueNames'), group.cliqueNames, before.cliqueNames),
      ...immutable(childPath(base, 'minAvailable'), group.minAvailable, before.minAvailable),
      ...immutable(childPath(base, 'resourceSharing'), group.resourceSharing ?? [], before.resourceSharing ?? []),
    );
  });
  return errors;
}

export function validateTemplateUpdate(pcs: PodCliqueSet, old: PodCliqueSet): FieldError[] {
  const t = pcs.spec.template;
  const o = old.spec.template;
  return [
    ...immutable(childPath(TEMPLATE, 'cliqueStartupType'), t.cliqueStartupType, o.cliqueStartupType),
    ...immutable(childPath(TEMPLATE, 'resourceClaimTemplates'), t.resourceClaimTemplates ?? [], o.resourceClaimTemplates ?? []),
    ...immutable(childPath(TEMPLATE, 'resourceSharing'), t.resourceSharing ?? [], o.resourceSharing ?? []),
  ];
}
