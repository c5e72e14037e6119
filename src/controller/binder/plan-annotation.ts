// The placement plan a binder persists on its PodGang before binding any pod, so that a binder that
// dies half-way is followed by one that finishes the same plan instead of scattering the rest of the gang.
import { z } from 'zod';

export const ANNOTATION_PLACEMENT_PLAN = 'canopy.dev/placement-plan';

const PersistedPlanSchema = z.object({
  /** Counts the plans made for this gang: 1 for the first, +1 for every re-plan. */
  generation: z.number().int().min(1),
  /** metadata.generation of the PodGang the plan was made for; a spec change invalidates the plan. */
  podGangGeneration: z.number().int().min(0),
  score: z.number().optional(),
  /** The domain the gang was placed in ("" = the whole cluster). */
  domain: z.string(),
  /** Pod name → node name, for every pod of the gang the plan covers (bound ones included). */
  pods: z.record(z.string(), z.string()),
});

export type PersistedPlan = z.infer<typeof PersistedPlanSchema>;

/** The plan in an annotation value; undefined when absent or unreadable (then the binder plans afresh). */
export function parsePersistedPlan(text: string | undefined): PersistedPlan | undefined {
  if (text === undefined || text === '') return undefined;
  try {
    const parsed = PersistedPlanSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** Canonical JSON (pods sorted by name) so the same plan always gives the same annotation. */
export function formatPersistedPlan(plan: PersistedPlan): string {
  const pods: Record<string, string> = {};
  for (const name of Object.keys(plan.pods).sort()) pods[name] = plan.pods[name] ?? '';
  return JSON.stringify({ generation: plan.generation, podGangGeneration: plan.podGangGeneration, ...(plan.score === undefined ? {} : { score: plan.score }), domain: plan.domain, pods });
}
