import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decideBindings } from '../../../../src/controller/binder/decide.ts';
import { NOW, RACK, SCHED, node, pod, podGang, snapshot } from './fixtures.ts';

const arbCluster = fc.array(fc.record({ rack: fc.constantFrom('r1', 'r2', 'r3'), gpus: fc.integer({ min: 0, max: 8 }) }), { minLength: 1, maxLength: 8 });
const arbGangs = fc.array(
  fc.record({
    groups: fc.array(fc.record({ pods: fc.integer({ min: 1, max: 4 }), extra: fc.integer({ min: 0, max: 2 }), gpus: fc.integer({ min: 1, max: 8 }) }), { minLength: 1, maxLength: 3 }),
    rack: fc.boolean(),
  }),
  { minLength: 1, maxLength: 5 },
);

describe('decideBindings properties', () => {
  it('binds whole gangs or nothing, never overfills a node, and persists exactly what it binds', () => {
    fc.assert(
      fc.property(arbCluster, arbGangs, (cluster, specs) => {
        const nodes = cluster.map((n, i) => node(`n${i}`, 'z1', n.rack, n.gpus));
        const pods = [];
        const gangs = [];
        for (const [g, spec] of specs.entries()) {
          const groups: [string, number, string[]][] = [];
          for (const [k, grp] of spec.groups.entries()) {
            const names = Array.from({ length: grp.pods + grp.extra }, (_, i) => `g${g}-p${k}-${i}`);
            for (const n of names) pods.push(pod(n, `g${g}`, { gpus: grp.gpus }));
            groups.push([`g${g}-pg${k}`, grp.pods, names]);
          }
          gangs.push(podGang(`g${g}`, groups, spec.rack ? { required: RACK } : {}));
        }
        const d = decideBindings(snapshot(gangs, pods, nodes), { schedulerName: SCHED, now: NOW });
        const used = new Map<string, number>();
        const seen = new Set<string>();
        for (const a of d.actions) {
          const gang = gangs.find((g) => g.metadata.name === a.name);
          const spec = specs[Number(a.name.slice(1))];
          if (gang === undefined || spec === undefined) throw new Error(`unknown gang ${a.name}`);
          for (const [k, pg] of gang.spec.podgroups.entries()) {
            const bound = a.binds.filter((b) => pg.podReferences.some((r) => r.name === b.pod)).length;
            // All or nothing over the mandatory part: either no pod of the gang, or ≥ minReplicas of every podgroup.
            if (a.binds.length > 0) expect(bound).toBeGreaterThanOrEqual(pg.minReplicas);
            const grp = spec.groups[k];
            for (const b of a.binds) {
              const p = pods.find((x) => x.metadata.name === b.pod);
              if (p !== undefined && pg.podReferences.some((r) => r.name === b.pod)) used.set(b.node, (used.get(b.node) ?? 0) + (grp?.gpus ?? 0));
            }
          }
          for (const b of a.binds) {
            expect(seen.has(b.pod)).toBe(false);
            seen.add(b.pod);
          }
          if (a.binds.length > 0) {
            expect(a.plan?.pods).toEqual(Object.fromEntries(a.binds.map((b) => [b.pod, b.node])));
            expect(a.status?.conditions?.find((c) => c.type === 'Scheduled')?.status).toBe('True');
            if (spec.rack) expect(new Set(a.binds.map((b) => nodes.find((n) => n.metadata.name === b.node)?.metadata.labels?.[RACK])).size).toBe(1);
          } else {
            expect(a.plan).toBeUndefined();
          }
        }
        for (const [n, gpus] of used) {
          const cap = Number(nodes.find((x) => x.metadata.name === n)?.status?.allocatable?.['nvidia.com/gpu'] ?? 0);
          expect(gpus).toBeLessThanOrEqual(cap);
        }
      }),
      { numRuns: 200, seed: 12 },
    );
  });
});
