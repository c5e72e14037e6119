// Public surface of the SLO-aware multilevel scaler (the HPA-exact core is in ./hpa/index.ts).
export { decide } from './decide.ts';
export { lintPolicy, lintPolicyAgainst, type LintFinding } from './policy-lint.ts';
export { explainPolicy } from './policy-explain.ts';
export { diffPolicies } from './policy-diff.ts';
export { applyRatioBand, directionBox, inRatioBand, type RatioInput, type RatioPool, type RatioResult } from './ratio.ts';
export { applyGpuBudget, type BudgetPool, type BudgetResult } from './budget.ts';
export { decideSetReplicas, splitAcrossReplicas, type SetInput, type SetResult, type SetScaleWhen } from './levels.ts';
export { resolveTarget, podGpus, unmanagedGpusPerSetReplica, GPU_RESOURCE, type ResolvedTarget } from './targets.ts';
export { proposeSloReplicas, type SloProposal, type SloRoleInput } from './slo/propose.ts';
export { prefillCapacity, prefillTtftSeconds, decodeCapacity, decodeItlSeconds, type Capacity, type PrefillProfile, type DecodeProfile } from './slo/capacity.ts';
export { forecast, type PredictorName, type PredictorOptions } from './slo/predict.ts';
export { fitLatency, fittedCapacity, fittedLatency, type LatencyFit } from './slo/fit.ts';
export * from './types.ts';
