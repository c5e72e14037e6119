import { DEFAULT_SCHEDULER_NAME } from '../defaulting.ts';
import type { ClusterTopologyBinding } from '../schema/clustertopologybinding.ts';

// What Grove's webhook knows besides the object: operator configuration and the cluster's bindings.
export interface ValidationContext {
  // OperatorConfiguration topologyAwareScheduling.enabled (Grove's default: off).
  readonly topologyAwareSchedulingEnabled: boolean;
  // ClusterTopologyBindings that exist in the cluster, looked up by metadata.name.
  readonly clusterTopologyBindings: readonly ClusterTopologyBinding[];
  // The scheduler an empty podSpec.schedulerName resolves to.
  readonly defaultSchedulerName: string;
  // Scheduler backends enabled in OperatorConfiguration (the default scheduler is always enabled).
  readonly enabledSchedulerNames: readonly string[];
}

export const DEFAULT_VALIDATION_CONTEXT: ValidationContext = {
  topologyAwareSchedulingEnabled: false,
  clusterTopologyBindings: [],
  defaultSchedulerName: DEFAULT_SCHEDULER_NAME,
  enabledSchedulerNames: [DEFAULT_SCHEDULER_NAME],
};

export function validationContext(overrides: Partial<ValidationContext> = {}): ValidationContext {
  return { ...DEFAULT_VALIDATION_CONTEXT, ...overrides };
}
