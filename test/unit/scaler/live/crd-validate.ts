// What the API server does with a status written to a CRD with a structural schema, reduced to the parts
// the ScalingPolicy schema uses: unknown fields are pruned (reported here, since a pruned field is memory
// lost), and type, required, enum, bounds and the date-time format are validated.
import type { JsonSchema } from '../../../../src/api/crd/schema.ts';

const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function typeProblem(value: unknown, type: unknown): boolean {
  switch (type) {
    case 'object':
      return !isObject(value);
    case 'array':
      return !Array.isArray(value);
    case 'string':
      return typeof value !== 'string';
    case 'boolean':
      return typeof value !== 'boolean';
    case 'integer':
      return !Number.isInteger(value);
    case 'number':
      return typeof value !== 'number' || !Number.isFinite(value);
    default:
      return false;
  }
}

/** Every way `value` would be rejected or pruned by `schema`, with its location; empty when stored as is. */
export function structuralProblems(value: unknown, schema: JsonSchema, at = ''): string[] {
  const here = at === '' ? '/' : at;
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) return [`${here}: preserve-unknown-fields (untyped)`];
  if (typeProblem(value, schema['type'])) return [`${here}: not ${String(schema['type'])}: ${JSON.stringify(value)}`];
  const problems: string[] = [];
  const en = schema['enum'];
  if (Array.isArray(en) && !en.includes(value)) problems.push(`${here}: ${JSON.stringify(value)} not in enum`);
  if (typeof value === 'number') {
    if (typeof schema['minimum'] === 'number' && value < schema['minimum']) problems.push(`${here}: below minimum`);
    if (typeof schema['maximum'] === 'number' && value > schema['maximum']) problems.push(`${here}: above maximum`);
  }
  if (typeof value === 'string') {
    if (schema['format'] === 'date-time' && !RFC3339.test(value)) problems.push(`${here}: not a date-time: ${value}`);
    if (typeof schema['minLength'] === 'number' && value.length < schema['minLength']) problems.push(`${here}: too short`);
    if (typeof schema['maxLength'] === 'number' && value.length > schema['maxLength']) problems.push(`${here}: too long`);
  }
  if (Array.isArray(value) && isObject(schema['items'])) {
    const items = schema['items'];
    value.forEach((v, i) => problems.push(...structuralProblems(v, items, `${at}/${i}`)));
  }
  if (isObject(value)) {
    const props = isObject(schema['properties']) ? schema['properties'] : undefined;
    const additional = isObject(schema['additionalProperties']) ? schema['additionalProperties'] : undefined;
    for (const [k, v] of Object.entries(value)) {
      const sub = props?.[k] ?? additional;
      if (!isObject(sub)) problems.push(`${at}/${k}: unknown field, pruned`);
      else problems.push(...structuralProblems(v, sub, `${at}/${k}`));
    }
    const required = Array.isArray(schema['required']) ? (schema['required'] as unknown[]) : [];
    for (const k of required) if (typeof k === 'string' && !(k in value)) problems.push(`${at}/${k}: required`);
  }
  return problems;
}

/** Every schema node below `schema` that keeps unknown fields or has no type, with its location. */
export function untypedNodes(schema: JsonSchema, at = ''): string[] {
  const out: string[] = [];
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) out.push(`${at || '/'}: preserve-unknown-fields`);
  if (typeof schema['type'] !== 'string') out.push(`${at || '/'}: no type`);
  const props = schema['properties'];
  if (isObject(props)) for (const [k, v] of Object.entries(props)) if (isObject(v)) out.push(...untypedNodes(v, `${at}/properties/${k}`));
  if (isObject(schema['items'])) out.push(...untypedNodes(schema['items'], `${at}/items`));
  if (isObject(schema['additionalProperties'])) out.push(...untypedNodes(schema['additionalProperties'], `${at}/additionalProperties`));
  return out;
}
