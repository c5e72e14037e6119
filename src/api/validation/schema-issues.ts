import type { z } from 'zod';
import { formatPath, type PathSegment } from '../fieldpath.ts';
import type { FieldError } from './field-error.ts';

// A schema finding. `key` marks findings about a key itself (unknown fields), which are reported at
// the key's position rather than its value's.
export interface SchemaFinding extends FieldError {
  readonly key?: boolean;
}

const show = (v: unknown): string => (v === undefined ? 'undefined' : JSON.stringify(v));

function describeExpected(expected: string): string {
  switch (expected) {
    case 'int':
      return 'an integer';
    case 'number':
      return 'a number';
    case 'string':
      return 'a string';
    case 'boolean':
      return 'a boolean';
    case 'object':
    case 'record':
      return 'an object';
    case 'array':
      return 'a list';
    default:
      return expected;
  }
}

// Zod issues in the words the Kubernetes API server uses (Required value, Unsupported value, ...).
export function issueToFindings(issue: z.core.$ZodIssue): SchemaFinding[] {
  const path = issue.path.filter((p): p is PathSegment => typeof p !== 'symbol');
  const at = formatPath(path);
  const input: unknown = issue.input;
  switch (issue.code) {
    case 'unrecognized_keys':
      return issue.keys.map((k) => ({ path: formatPath([...path, k]), message: `unknown field ${JSON.stringify(k)}`, key: true }));
    case 'invalid_type':
      if (input === undefined) return [{ path: at, message: 'Required value' }];
      return [{ path: at, message: `Invalid value: ${show(input)}: must be ${describeExpected(issue.expected)}` }];
    case 'invalid_union':
      return [{ path: at, message: `Invalid value: ${show(input)}: must be an integer or a string` }];
    case 'invalid_value':
      return [
        {
          path: at,
          message: `Unsupported value: ${show(input)}: supported values: ${issue.values.map((v) => show(v)).join(', ')}`,
        },
      ];
    case 'too_small':
    case 'too_big': {
      if (!issue.message.startsWith('Too ')) return [{ path: at, message: issue.message }];
      const bound = issue.code === 'too_small' ? issue.minimum : issue.maximum;
      const cmp = issue.code === 'too_small' ? 'greater' : 'less';
      const text =
        issue.origin === 'array'
          ? `must have ${issue.code === 'too_small' ? 'at least' : 'at most'} ${String(bound)} items`
          : issue.origin === 'string'
            ? `must be ${issue.code === 'too_small' ? 'at least' : 'no more than'} ${String(bound)} characters`
            : `must be ${cmp} than or equal to ${String(bound)}`;
      return [{ path: at, message: `Invalid value: ${show(input)}: ${text}` }];
    }
    case 'invalid_format': {
      // zod prints patterns as regex literals (/.../); Kubernetes prints the bare pattern.
      const pattern = issue.pattern?.replace(/^\/(.*)\/[a-z]*$/, '$1');
      return [
        {
          path: at,
          message: `Invalid value: ${show(input)}: ${pattern === undefined ? `must be a valid ${issue.format}` : `must match ${pattern}`}`,
        },
      ];
    }
    default:
      return [{ path: at, message: issue.message }];
  }
}

export function schemaFindings(schema: z.ZodType, value: unknown): SchemaFinding[] {
  const result = schema.safeParse(value, { reportInput: true });
  return result.success ? [] : result.error.issues.flatMap(issueToFindings);
}
