import { childPath } from '../fieldpath.ts';
import type { PodCliqueSet } from '../schema/podcliqueset.ts';
import type { TopologyConstraint } from '../schema/topology.ts';
import type { ValidationContext } from './context.ts';
import { jsonEqual, type FieldError } from './field-error.ts';

const TEMPLATE = 'spec.template';

type OwnerKind = 'PodCliqueSet' | 'PodCliqueScalingGroup' | 'PodClique';

interface Located {
  readonly kind: OwnerKind;
  // Clique or scaling-group name; empty for the PodCliqueSet itself.
  readonly name: string;
  // Path of the topologyConstraint field.
  readonly path: string;
  readonly constraint: TopologyConstraint;
}

function located(pcs: PodCliqueSet): Located[] {
  const t = pcs.spec.template;
  const out: Located[] = [];
  if (t.topologyConstraint !== undefined) {
    out.push({ kind: 'PodCliqueSet', name: '', path: childPath(TEMPLATE, 'topologyConstraint'), constraint: t.topologyConstraint });
  }
  (t.podCliqueScalingGroups ?? []).forEach((g, i) => {
    if (g.topologyConstraint !== undefined) {
      out.push({
        kind: 'PodCliqueScalingGroup',
        name: g.name,
        path: childPath(TEMPLATE, 'podCliqueScalingGroups', i, 'topologyConstraint'),
        constraint: g.topologyConstraint,
      });
    }
  });
  t.cliques.forEach((c, i) => {
    if (c.topologyConstraint !== undefined) {
      out.push({
        kind: 'PodClique',
        name: c.name,
        path: childPath(TEMPLATE, 'cliques', i, 'topologyConstraint'),
        constraint: c.topologyConstraint,
      });
    }
  });
  return out;
}

// The required domain, falling back to the deprecated packDomain as Grove does.
export function requiredDomain(tc: TopologyConstraint | undefined): string | undefined {
  return tc?.pack?.required ?? tc?.packDomain;
}

// Shape rules Grove writes as CEL on the CRD. Kubernetes 1.20 has no CEL, so Canopy checks them here.
function shapeErrors(items: readonly Located[], isCreate: boolean): FieldError[] {
  const errors: FieldError[] = [];
  for (const { path, constraint } of items) {
    if (isCreate && constraint.packDomain !== undefined) {
      errors.push({
        path: childPath(path, 'packDomain'),
        message: 'packDomain is deprecated and cannot be used on new workloads; use pack.required',
      });
    }
    if (constraint.pack === undefined && constraint.packDomain === undefined) {
      errors.push({ path: childPath(path, 'pack'), message: 'topologyConstraint must specify pack or deprecated packDomain' });
    } else if (constraint.pack !== undefined && constraint.pack.required === undefined && constraint.pack.preferred === undefined) {
      errors.push({ path: childPath(path, 'pack'), message: 'pack must specify at least one of required or preferred' });
    }
  }
  return errors;
}

interface Resolution {
  readonly topologyName?: string;
  readonly namePath?: string;
  readonly errors: FieldError[];
}

// topologyName is inherited PCS → PCSG → member clique; one binding per PodCliqueSet.
function resolveTopologyName(pcs: PodCliqueSet, items: readonly Located[]): Resolution {
  const errors: FieldError[] = [];
  const t = pcs.spec.template;
  const pcsName = t.topologyConstraint?.topologyName;
  const groupOfClique = new Map<string, string | undefined>();
  for (const g of t.podCliqueScalingGroups ?? []) {
    const effective = g.topologyConstraint?.topologyName ?? pcsName;
    for (const c of g.cliqueNames) if (!groupOfClique.has(c)) groupOfClique.set(c, effective);
  }
  const effectiveNames = new Set<string>();
  for (const item of items) {
    const own = item.constraint.topologyName;
    let inherited: string | undefined;
    if (item.kind === 'PodCliqueScalingGroup') inherited = pcsName;
    if (item.kind === 'PodClique') inherited = groupOfClique.has(item.name) ? groupOfClique.get(item.name) : pcsName;
    const effective = own ?? inherited;
    if (effective === undefined || effective === '') {
      errors.push({
        path: childPath(item.path, 'topologyName'),
        message: 'topologyName is required when topologyConstraint is set and cannot be inherited',
      });
    } else effectiveNames.add(effective);
  }
  if (effectiveNames.size > 1) {
    for (const item of items) {
      if (item.constraint.topologyName !== undefined) {
        errors.push({
          path: childPath(item.path, 'topologyName'),
          message: 'all topologyConstraint.topologyName values within a PodCliqueSet must match',
        });
      }
    }
  }
  if (errors.length > 0) return { errors };
  const [topologyName] = [...effectiveNames];
  const named = items.find((i) => i.constraint.topologyName === topologyName);
  return {
    errors,
    ...(topologyName === undefined ? {} : { topologyName }),
    ...(named === undefined ? {} : { namePath: childPath(named.path, 'topologyName') }),
  };
}

export function validateTopologyOnCreate(pcs: PodCliqueSet, ctx: ValidationContext): FieldError[] {
  const items = located(pcs);
  if (items.length === 0) return [];
  if (!ctx.topologyAwareSchedulingEnabled) {
    return items.map((i) => ({
      path: i.path,
      message: 'topology constraints are not allowed when Topology Aware Scheduling is disabled',
    }));
  }
  const shape = shapeErrors(items, true);
  if (shape.length > 0) return shape;
  const resolution = resolveTopologyName(pcs, items);
  if (resolution.errors.length > 0 || resolution.topologyName === undefined) return resolution.errors;

  const binding = ctx.clusterTopologyBindings.find((b) => b.metadata.name === resolution.topologyName);
  if (binding === undefined) {
    return [
      {
        path: resolution.namePath ?? childPath(TEMPLATE, 'topologyConstraint', 'topologyName'),
        message: `ClusterTopologyBinding ${JSON.stringify(resolution.topologyName)} does not exist in cluster topology`,
      },
    ];
  }
  const domains = binding.spec.levels.map((l) => l.domain);
  const domainErrors: FieldError[] = [];
  for (const { path, constraint } of items) {
    const refs: [string, string | undefined][] = [
      [childPath(path, 'pack', 'required'), constraint.pack?.required],
      [childPath(path, 'pack', 'preferred'), constraint.pack?.preferred],
      [childPath(path, 'packDomain'), constraint.packDomain],
    ];
    for (const [p, domain] of refs) {
      if (domain !== undefined && !domains.includes(domain)) {
        domainErrors.push({
          path: p,
          message: `topology domain '${domain}' does not exist in cluster topology [${domains.join(', ')}]`,
        });
      }
    }
  }
  if (domainErrors.length > 0) return domainErrors;
  return hierarchyErrors(pcs, items, domains);
}

// A parent's required domain must be at least as broad as each child's (levels run broadest first).
function hierarchyErrors(pcs: PodCliqueSet, items: readonly Located[], domains: readonly string[]): FieldError[] {
  const errors: FieldError[] = [];
  const byKey = new Map(items.map((i) => [`${i.kind}/${i.name}`, i]));
  const check = (parent: Located | undefined, child: Located | undefined): void => {
    const pd = requiredDomain(parent?.constraint);
    const cd = requiredDomain(child?.constraint);
    if (parent === undefined || child === undefined || pd === undefined || cd === undefined) return;
    if (domains.indexOf(pd) > domains.indexOf(cd)) {
      const who = parent.name === '' ? parent.kind : `${parent.kind} '${parent.name}'`;
      errors.push({
        path:
          parent.constraint.pack?.required === undefined
            ? childPath(parent.path, 'packDomain')
            : childPath(parent.path, 'pack', 'required'),
        message: `${who} topology constraint domain '${pd}' is narrower than ${child.kind} '${child.name}' topology constraint domain '${cd}'`,
      });
    }
  };
  const pcsItem = byKey.get('PodCliqueSet/');
  for (const c of pcs.spec.template.cliques) check(pcsItem, byKey.get(`PodClique/${c.name}`));
  for (const g of pcs.spec.template.podCliqueScalingGroups ?? []) {
    const gi = byKey.get(`PodCliqueScalingGroup/${g.name}`);
    check(pcsItem, gi);
    for (const c of g.cliqueNames) check(gi, byKey.get(`PodClique/${c}`));
  }
  return errors;
}

// Topology constraints are immutable once the PodCliqueSet exists.
export function validateTopologyOnUpdate(pcs: PodCliqueSet, old: PodCliqueSet): FieldError[] {
  const errors: FieldError[] = [];
  const compare = (kind: OwnerKind, name: string, path: string, next?: TopologyConstraint, prev?: TopologyConstraint): void => {
    if (jsonEqual(next, prev)) return;
    const who = name === '' ? kind : `${kind} '${name}'`;
    const what = prev === undefined ? 'added after creation' : next === undefined ? 'removed after creation' : 'changed';
    errors.push({ path, message: `${who} topology constraint cannot be ${what}` });
  };
  const t = pcs.spec.template;
  const o = old.spec.template;
  compare('PodCliqueSet', '', childPath(TEMPLATE, 'topologyConstraint'), t.topologyConstraint, o.topologyConstraint);
  t.cliques.forEach((c, i) => {
    const prev = o.cliques.find((x) => x.name === c.name);
    if (prev === undefined) return;
    compare('PodClique', c.name, childPath(TEMPLATE, 'cliques', i, 'topologyConstraint'), c.topologyConstraint, prev.topologyConstraint);
  });
  (t.podCliqueScalingGroups ?? []).forEach((g, i) => {
    const prev = (o.podCliqueScalingGroups ?? []).find((x) => x.name === g.name);
    if (prev === undefined) return;
    compare(
      'PodCliqueScalingGroup',
      g.name,
      childPath(TEMPLATE, 'podCliqueScalingGroups', i, 'topologyConstraint'),
      g.topologyConstraint,
      prev.topologyConstraint,
    );
  });
  return errors;
}
