import { z } from 'zod';

// Turns a zod schema into a structural OpenAPI v3 schema as apiextensions.k8s.io/v1 requires, and
// checks the result for constructs CRDs reject. Target: Kubernetes 1.20, so no CEL.

export type JsonSchema = { [key: string]: unknown };

const INT_BOUNDS = new Set([2147483647, -2147483648, Number.MAX_SAFE_INTEGER, Number.MIN_SAFE_INTEGER]);

// Formats the API server understands; others (e.g. zod's `duration`, which is ISO 8601) are dropped.
const KEPT_FORMATS = new Set(['int32', 'int64', 'double', 'float', 'date-time']);

function isObject(v: unknown): v is JsonSchema {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function toJsonSchema(schema: z.ZodType): JsonSchema {
  return z.toJSONSchema(schema, {
    target: 'openapi-3.0',
    io: 'input',
    unrepresentable: 'throw',
    reused: 'inline',
    cycles: 'throw',
  });
}

// Rewrites zod's output into Kubernetes' dialect.
export function structural(node: JsonSchema): JsonSchema {
  if (node['x-kubernetes-int-or-string'] === true) {
    const out: JsonSchema = { 'x-kubernetes-int-or-string': true };
    if (typeof node['description'] === 'string') out['description'] = node['description'];
    return out;
  }
  const out: JsonSchema = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === '$schema') continue;
    if (key === 'additionalProperties') {
      // zod marks strict objects `false` and loose ones `{}`; CRDs prune unknown fields by default
      // and express "keep them" with x-kubernetes-preserve-unknown-fields instead.
      if (value === false) continue;
      if (isObject(value) && Object.keys(value).length === 0) {
        out['x-kubernetes-preserve-unknown-fields'] = true;
        continue;
      }
      if (isObject(value)) out[key] = structural(value);
      continue;
    }
    if ((key === 'minimum' || key === 'maximum') && typeof value === 'number' && INT_BOUNDS.has(value)) continue;
    if (key === 'format' && typeof value === 'string' && !KEPT_FORMATS.has(value)) continue;
    if (key === 'properties' && isObject(value)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, isObject(v) ? structural(v) : v]));
      continue;
    }
    if (key === 'items' && isObject(value)) {
      out[key] = structural(value);
      continue;
    }
    out[key] = value;
  }
  if (out['type'] === 'object' && out['properties'] !== undefined && Object.keys(out['properties'] as object).length === 0) {
    delete out['properties'];
  }
  return out;
}

const FORBIDDEN_KEYS = [
  'anyOf',
  'oneOf',
  'allOf',
  'not',
  'const',
  '$ref',
  '$defs',
  'definitions',
  'nullable',
  'x-kubernetes-validations',
  'exclusiveMinimum',
  'exclusiveMaximum',
] as const;

// Lists every construct in `node` that a v1 CRD on Kubernetes 1.20 would reject (or that Canopy does
// not want to rely on), with a JSON-pointer-like location.
export function crdSchemaProblems(node: JsonSchema, at = ''): string[] {
  const problems: string[] = [];
  for (const key of FORBIDDEN_KEYS) if (key in node) problems.push(`${at || '/'}: ${key} is not allowed`);
  if (node['additionalProperties'] === false) problems.push(`${at || '/'}: additionalProperties: false is not allowed`);
  if (node['additionalProperties'] !== undefined && node['properties'] !== undefined) {
    problems.push(`${at || '/'}: properties and additionalProperties are mutually exclusive`);
  }
  const typed = typeof node['type'] === 'string';
  if (!typed && node['x-kubernetes-int-or-string'] !== true && node['x-kubernetes-preserve-unknown-fields'] !== true) {
    problems.push(`${at || '/'}: type is required`);
  }
  const props = node['properties'];
  if (isObject(props)) {
    for (const [k, v] of Object.entries(props)) {
      if (isObject(v)) problems.push(...crdSchemaProblems(v, `${at}/properties/${k}`));
    }
  }
  const items = node['items'];
  if (isObject(items)) problems.push(...crdSchemaProblems(items, `${at}/items`));
  else if (node['type'] === 'array') problems.push(`${at || '/'}: array without items`);
  const additional = node['additionalProperties'];
  if (isObject(additional)) problems.push(...crdSchemaProblems(additional, `${at}/additionalProperties`));
  return problems;
}
