import { KINDS, kindInfo, type KindInfo } from '../kinds.ts';
import type { ClusterTopologyBinding } from '../schema/clustertopologybinding.ts';
import { PodCliqueSetSchema, type PodCliqueSet } from '../schema/podcliqueset.ts';
import { validateClusterTopologyBinding } from './clustertopologybinding.ts';
import { DEFAULT_VALIDATION_CONTEXT, type ValidationContext } from './context.ts';
import { validatePodCliqueSetCreate, validatePodCliqueSetUpdate } from './podcliqueset.ts';
import { schemaFindings, type SchemaFinding } from './schema-issues.ts';

// Validates one decoded manifest as the API server would: schema first (Kubernetes stops there when
// the schema fails), then Grove's admission rules for kinds Grove validates.

export type KindResult = { readonly ok: true; readonly info: KindInfo } | { readonly ok: false; readonly finding: SchemaFinding };

export function identifyKind(value: unknown): KindResult {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, finding: { path: '', message: 'expected a Kubernetes object (a mapping with apiVersion and kind)' } };
  }
  const { apiVersion, kind } = value as { apiVersion?: unknown; kind?: unknown };
  if (apiVersion === undefined) return { ok: false, finding: { path: 'apiVersion', message: 'Required value' } };
  if (kind === undefined) return { ok: false, finding: { path: 'kind', message: 'Required value' } };
  const info = kindInfo(apiVersion, kind);
  if (info === undefined) {
    const known = KINDS.map((k) => `${k.apiVersion} ${k.kind}`).join(', ');
    return {
      ok: false,
      finding: { path: 'kind', message: `unsupported kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}; expected one of ${known}` },
    };
  }
  return { ok: true, info };
}

export interface ManifestOptions {
  readonly context?: ValidationContext;
  // The stored object this manifest would replace; Grove's update rules apply when present.
  readonly old?: unknown;
}

export function validateManifest(value: unknown, options: ManifestOptions = {}): SchemaFinding[] {
  const identified = identifyKind(value);
  if (!identified.ok) return [identified.finding];
  const schemaErrors = schemaFindings(identified.info.schema, value);
  if (schemaErrors.length > 0) return schemaErrors;
  const ctx = options.context ?? DEFAULT_VALIDATION_CONTEXT;
  switch (identified.info.kind) {
    case 'PodCliqueSet': {
      const pcs = value as PodCliqueSet;
      const old = PodCliqueSetSchema.safeParse(options.old);
      return options.old !== undefined && old.success
        ? validatePodCliqueSetUpdate(pcs, old.data, ctx)
        : validatePodCliqueSetCreate(pcs, ctx);
    }
    case 'ClusterTopologyBinding':
      return validateClusterTopologyBinding(value as ClusterTopologyBinding);
    default:
      // Grove never validates writes to PodClique, PodCliqueScalingGroup or PodGang beyond the schema.
      return [];
  }
}
