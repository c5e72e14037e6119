// Reading the manifests the render and place commands take: multi-document YAML (or JSON), `kind: List`
// unwrapped, Grove kinds checked against their schemas and core Nodes and Pods against the fields
// placement reads. Pure: text in, typed objects and `file:line:col: path: message` errors out.
import { z } from 'zod';
import { kindInfo } from '../../api/kinds.ts';
import { PodSpecSchema } from '../../api/schema/podspec.ts';
import type { ClusterTopologyBinding, PodClique, PodCliqueScalingGroup, PodCliqueSet, PodGang } from '../../api/types.ts';
import { schemaFindings } from '../../api/validation/schema-issues.ts';
import { loadYaml } from '../../api/yaml/source.ts';
import type { NodeObject, PodObject } from './kube.ts';

export interface SourceFile {
  readonly file: string;
  readonly text: string;
}

export interface Manifests {
  readonly podCliqueSets: PodCliqueSet[];
  readonly podCliques: PodClique[];
  readonly scalingGroups: PodCliqueScalingGroup[];
  readonly bindings: ClusterTopologyBinding[];
  readonly podGangs: PodGang[];
  readonly nodes: NodeObject[];
  readonly pods: PodObject[];
  readonly errors: string[];
}

const Quantities = z.record(z.string(), z.union([z.string(), z.number()]));

const NodeSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Node'),
  metadata: z.looseObject({ name: z.string().min(1), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.looseObject({ unschedulable: z.boolean().optional() }).optional(),
  status: z
    .looseObject({
      allocatable: Quantities.optional(),
      capacity: Quantities.optional(),
      conditions: z.array(z.looseObject({ type: z.string(), status: z.string() })).optional(),
    })
    .optional(),
});

const PodSchema = z.looseObject({
  apiVersion: z.literal('v1'),
  kind: z.literal('Pod'),
  metadata: z.looseObject({
    name: z.string().min(1),
    namespace: z.string().optional(),
    labels: z.record(z.string(), z.string()).optional(),
    deletionTimestamp: z.string().nullable().optional(),
  }),
  spec: PodSpecSchema,
  status: z.looseObject({ phase: z.string().optional() }).optional(),
});

function kindOf(value: unknown): { apiVersion: unknown; kind: unknown } {
  if (typeof value !== 'object' || value === null) return { apiVersion: undefined, kind: undefined };
  const v = value as { apiVersion?: unknown; kind?: unknown };
  return { apiVersion: v.apiVersion, kind: v.kind };
}

export function readManifests(files: readonly SourceFile[]): Manifests {
  const out: Manifests = { podCliqueSets: [], podCliques: [], scalingGroups: [], bindings: [], podGangs: [], nodes: [], pods: [], errors: [] };
  for (const { file, text } of files) {
    const source = loadYaml(text);
    for (const e of source.errors) out.errors.push(`${file}:${e.line}:${e.col}: syntax error: ${e.message}`);
    for (const doc of source.documents) {
      const report = (path: string, message: string): void => {
        const p = doc.positionOf(path);
        out.errors.push(`${file}:${p.line}:${p.col}: ${path === '' ? '' : `${path}: `}${message}`);
      };
      const { apiVersion, kind } = kindOf(doc.value);
      const items: { value: unknown; prefix: string }[] =
        kind === 'List' && Array.isArray((doc.value as { items?: unknown }).items)
          ? ((doc.value as { items: unknown[] }).items).map((value, i) => ({ value, prefix: `items[${i}]` }))
          : [{ value: doc.value, prefix: '' }];
      if (kind === 'List' && apiVersion !== 'v1') report('apiVersion', 'a List must be apiVersion v1');
      for (const { value, prefix } of items) add(out, value, (path, message) => {
        report(prefix === '' ? path : path === '' ? prefix : `${prefix}.${path}`, message);
      });
    }
  }
  return out;
}

function add(out: Manifests, value: unknown, report: (path: string, message: string) => void): void {
  const { apiVersion, kind } = kindOf(value);
  const info = kindInfo(apiVersion, kind);
  if (info !== undefined) {
    const findings = schemaFindings(info.schema, value);
    for (const f of findings) report(f.path, f.message);
    if (findings.length > 0) return;
    switch (info.kind) {
      case 'PodCliqueSet':
        out.podCliqueSets.push(value as PodCliqueSet);
        return;
      case 'PodClique':
        out.podCliques.push(value as PodClique);
        return;
      case 'PodCliqueScalingGroup':
        out.scalingGroups.push(value as PodCliqueScalingGroup);
        return;
      case 'ClusterTopologyBinding':
        out.bindings.push(value as ClusterTopologyBinding);
        return;
      case 'PodGang':
        out.podGangs.push(value as PodGang);
        return;
    }
  }
  const schema = kind === 'Node' ? NodeSchema : kind === 'Pod' ? PodSchema : undefined;
  if (schema === undefined) {
    report('kind', `unsupported kind ${JSON.stringify(kind)} in ${JSON.stringify(apiVersion)}`);
    return;
  }
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) report(issue.path.map((seg) => (typeof seg === 'number' ? `[${seg}]` : `.${String(seg)}`)).join('').replace(/^\./, ''), issue.message);
    return;
  }
  if (kind === 'Node') out.nodes.push(value as NodeObject);
  else out.pods.push(value as PodObject);
}
