import { childPath } from '../fieldpath.ts';
import type { PodCliqueTemplateSpec } from '../schema/podcliqueset.ts';
import { duplicateIndices, duplicateMessage, type FieldError } from './field-error.ts';

// CliqueStartupTypeExplicit: every startsAfter entry must name another clique, once, and the
// dependency graph must be acyclic.
export function validateStartsAfter(cliques: readonly PodCliqueTemplateSpec[], cliquesPath: string): FieldError[] {
  const errors: FieldError[] = [];
  const names = new Set(cliques.map((c) => c.name));
  cliques.forEach((clique, i) => {
    const deps = clique.spec.startsAfter ?? [];
    const base = childPath(cliquesPath, i, 'spec', 'startsAfter');
    deps.forEach((dep, k) => {
      const path = childPath(base, k);
      if (dep === '') errors.push({ path, message: 'clique dependency must not be empty' });
      else if (dep === clique.name) errors.push({ path, message: 'clique dependency cannot refer to itself' });
      else if (!names.has(dep)) {
        errors.push({
          path,
          message: `unknown clique name ${JSON.stringify(dep)}, all clique dependencies must be defined as cliques`,
        });
      }
    });
    for (const k of duplicateIndices(deps)) errors.push({ path: childPath(base, k), message: duplicateMessage(deps[k] ?? '') });
  });
  for (const cycle of dependencyCycles(cliques)) {
    const index = cliques.findIndex((c) => c.name === cycle[0]);
    errors.push({
      path: childPath(cliquesPath, index, 'spec', 'startsAfter'),
      message: `clique must not have circular dependencies (${cycle.join(', ')})`,
    });
  }
  return errors;
}

// Strongly connected components with more than one clique (Tarjan). Self-references are reported
// separately, so they are not cycles here. Each cycle is listed in clique order, starting at its first clique.
export function dependencyCycles(cliques: readonly PodCliqueTemplateSpec[]): string[][] {
  const order = new Map(cliques.map((c, i) => [c.name, i]));
  const edges = new Map(cliques.map((c) => [c.name, (c.spec.startsAfter ?? []).filter((d) => order.has(d) && d !== c.name)]));
  let counter = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const components: string[][] = [];

  const visit = (v: string): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter += 1;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v) ?? 0, low.get(w) ?? 0));
      } else if (onStack.has(w)) {
        low.set(v, Math.min(low.get(v) ?? 0, index.get(w) ?? 0));
      }
    }
    if (low.get(v) === index.get(v)) {
      const component: string[] = [];
      let w: string | undefined;
      do {
        w = stack.pop();
        if (w === undefined) break;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1) components.push(component);
    }
  };
  for (const c of cliques) if (!index.has(c.name)) visit(c.name);

  return components
    .map((comp) => comp.sort((a, b) => (order.get(a) ?? 0) - (order.get(b) ?? 0)))
    .sort((a, b) => (order.get(a[0] ?? '') ?? 0) - (order.get(b[0] ?? '') ?? 0));
}
