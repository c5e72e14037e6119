import { childPath } from '../fieldpath.ts';
import type { ClusterTopologyBinding } from '../schema/clustertopologybinding.ts';
import { duplicateIndices, duplicateMessage, type FieldError } from './field-error.ts';

// Grove's ClusterTopologyBinding webhook: each domain and each node label key appears once.
export function validateClusterTopologyBinding(binding: ClusterTopologyBinding): FieldError[] {
  const levels = binding.spec.levels;
  const errors: FieldError[] = [];
  const domains = levels.map((l) => l.domain);
  for (const i of duplicateIndices(domains)) {
    errors.push({ path: childPath('spec.levels', i, 'domain'), message: duplicateMessage(domains[i] ?? '') });
  }
  const keys = levels.map((l) => l.key);
  for (const i of duplicateIndices(keys)) {
    errors.push({ path: childPath('spec.levels', i, 'key'), message: duplicateMessage(keys[i] ?? '') });
  }
  return errors;
}
