// Kubernetes label selectors: the string grammar of apimachinery's labels.Parse, matching, and the
// metav1.LabelSelector object form. Parsing follows the upstream lexer/parser token for token so that a
// selector the API server accepts is accepted here and one it rejects is rejected here.

export type SelectorOperator = 'in' | 'notin' | '=' | '==' | '!=' | 'exists' | '!' | 'gt' | 'lt';

export interface Requirement {
  readonly key: string;
  readonly operator: SelectorOperator;
  /** Sorted and deduplicated, as upstream's string set. Empty for exists / does-not-exist. */
  readonly values: readonly string[];
}

/** A conjunction of requirements, sorted by key. The empty selector matches everything. */
export interface Selector {
  readonly requirements: readonly Requirement[];
}

export type Labels = Readonly<Record<string, string>>;

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** metav1.LabelSelector. */
export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export class SelectorParseError extends Error {
  override readonly name = 'SelectorParseError';
}

export const everything: Selector = { requirements: [] };

// ---- lexer -------------------------------------------------------------------------------------

type TokenKind =
  | 'end'
  | 'closePar'
  | 'comma'
  | 'not'
  | 'doubleEquals'
  | 'equals'
  | 'gt'
  | 'identifier'
  | 'in'
  | 'lt'
  | 'notEquals'
  | 'notin'
  | 'openPar'
  | 'error';

interface Token {
  readonly kind: TokenKind;
  readonly literal: string;
}

const symbolTokens: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  [')', 'closePar'],
  [',', 'comma'],
  ['!', 'not'],
  ['==', 'doubleEquals'],
  ['=', 'equals'],
  ['>', 'gt'],
  ['<', 'lt'],
  ['!=', 'notEquals'],
  ['(', 'openPar'],
]);

const keywordTokens: ReadonlyMap<string, TokenKind> = new Map<string, TokenKind>([
  ['in', 'in'],
  ['notin', 'notin'],
]);

function isWhitespace(ch: string): boolean {
  return ch === ' ' || ch === '\t' || ch === '\r' || ch === '\n';
}

function isSpecial(ch: string): boolean {
  return ch === '=' || ch === '!' || ch === '(' || ch === ')' || ch === ',' || ch === '>' || ch === '<';
}

function lex(input: string): Token[] {
  const tokens: Token[] = [];
  let pos = 0;
  for (;;) {
    while (pos < input.length && isWhitespace(input.charAt(pos))) pos++;
    if (pos >= input.length) {
      tokens.push({ kind: 'end', literal: '' });
      return tokens;
    }
    const ch = input.charAt(pos);
    if (isSpecial(ch)) {
      // Longest match: every single special character is a token, and only "==" and "!=" are longer.
      const two = input.slice(pos, pos + 2);
      const twoKind = symbolTokens.get(two);
      if (twoKind !== undefined) {
        tokens.push({ kind: twoKind, literal: two });
        pos += 2;
      } else {
        tokens.push({ kind: symbolTokens.get(ch) ?? 'error', literal: ch });
        pos += 1;
      }
      continue;
    }
    const start = pos;
    while (pos < input.length && !isSpecial(input.charAt(pos)) && !isWhitespace(input.charAt(pos))) pos++;
    const word = input.slice(start, pos);
    tokens.push({ kind: keywordTokens.get(word) ?? 'identifier', literal: word });
  }
}

// ---- validation (apimachinery util/validation) -------------------------------------------------

const qualifiedNamePart = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const dns1123Subdomain = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const labelValuePattern = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const maxNameLength = 63;
const maxPrefixLength = 253;

/** Problems with a label key (a qualified name: optional DNS-subdomain prefix, '/', name ≤ 63). */
export function labelKeyErrors(key: string): string[] {
  const parts = key.split('/');
  const errors: string[] = [];
  let name: string;
  if (parts.length === 1) {
    name = key;
  } else if (parts.length === 2) {
    const prefix = parts[0] ?? '';
    name = parts[1] ?? '';
    if (prefix.length === 0) errors.push('prefix part must be non-empty');
    else if (prefix.length > maxPrefixLength) errors.push(`prefix part must be no more than ${maxPrefixLength} characters`);
    else if (!dns1123Subdomain.test(prefix))
      errors.push("prefix part must be a lowercase DNS subdomain (e.g. 'example.com')");
  } else {
    return ["a qualified name has at most one '/' (e.g. 'example.com/MyName')"];
  }
  if (name.length === 0) errors.push('name part must be non-empty');
  else if (name.length > maxNameLength) errors.push(`name part must be no more than ${maxNameLength} characters`);
  if (name.length > 0 && !qualifiedNamePart.test(name))
    errors.push(
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return errors;
}

/** Problems with a label value (empty, or ≤ 63 alphanumerics with inner '-', '_', '.'). */
export function labelValueErrors(value: string): string[] {
  const errors: string[] = [];
  if (value.length > maxNameLength) errors.push(`must be no more than ${maxNameLength} characters`);
  if (!labelValuePattern.test(value))
    errors.push(
      "a valid label value must be empty or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character",
    );
  return errors;
}

function requirement(key: string, operator: SelectorOperator, rawValues: readonly string[]): Requirement {
  const problems: string[] = [];
  const keyProblems = labelKeyErrors(key);
  if (keyProblems.length > 0) problems.push(`invalid key ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
  const values = [...new Set(rawValues)].sort();
  switch (operator) {
    case 'in':
    case 'notin':
      if (values.length === 0) problems.push("for 'in', 'notin' operators, values set can't be empty");
      break;
    case '=':
    case '==':
    case '!=':
      if (values.length !== 1) problems.push('exact-match compatibility requires one single value');
      break;
    case 'exists':
    case '!':
      if (values.length !== 0) problems.push('values set must be empty for exists and does not exist');
      break;
    case 'gt':
    case 'lt':
      if (values.length !== 1) problems.push("for 'gt', 'lt' operators, exactly one value is required");
      for (const v of values) {
        if (!/^[+-]?\d+$/.test(v) || !fitsInt64(v))
          problems.push(`for 'gt', 'lt' operators, the value must be an integer, got ${JSON.stringify(v)}`);
      }
      break;
  }
  for (const v of values) {
    const valueProblems = labelValueErrors(v);
    if (valueProblems.length > 0)
      problems.push(`invalid value ${JSON.stringify(v)} for key ${JSON.stringify(key)}: ${valueProblems.join('; ')}`);
  }
  if (problems.length > 0) throw new SelectorParseError(problems.join('; '));
  return { key, operator, values };
}

const int64Max = 9223372036854775807n;
const int64Min = -9223372036854775808n;

function fitsInt64(v: string): boolean {
  const n = BigInt(v);
  return n >= int64Min && n <= int64Max;
}

// ---- parser ------------------------------------------------------------------------------------

/** In value position the keywords `in` and `notin` are ordinary identifiers (`x in (in)`). */
function asValue(token: Token): Token {
  return token.kind === 'in' || token.kind === 'notin' ? { kind: 'identifier', literal: token.literal } : token;
}

class Parser {
  readonly #tokens: readonly Token[];
  #position = 0;

  constructor(tokens: readonly Token[]) {
    this.#tokens = tokens;
  }

  #peek(): Token {
    return this.#tokens[Math.min(this.#position, this.#tokens.length - 1)] ?? { kind: 'end', literal: '' };
  }

  #next(): Token {
    const t = this.#peek();
    this.#position++;
    return t;
  }

  parse(): Requirement[] {
    const requirements: Requirement[] = [];
    for (;;) {
      const t = asValue(this.#peek());
      if (t.kind === 'end') return requirements;
      if (t.kind !== 'identifier' && t.kind !== 'not') fail(`found '${t.literal}', expected: !, identifier, or 'end of string'`);
      requirements.push(this.#requirement());
      const after = asValue(this.#next());
      if (after.kind === 'end') return requirements;
      if (after.kind !== 'comma') fail(`found '${after.literal}', expected: ',' or 'end of string'`);
      const following = asValue(this.#peek());
      if (following.kind !== 'identifier' && following.kind !== 'not')
        fail(`found '${following.literal}', expected: identifier after ','`);
    }
  }

  #requirement(): Requirement {
    let t = asValue(this.#next());
    let negated = false;
    if (t.kind === 'not') {
      negated = true;
      t = asValue(this.#next());
    }
    if (t.kind !== 'identifier') fail(`found '${t.literal}', expected: identifier`);
    const key = t.literal;
    const keyProblems = labelKeyErrors(key);
    if (keyProblems.length > 0) fail(`invalid key ${JSON.stringify(key)}: ${keyProblems.join('; ')}`);
    if (negated) return requirement(key, '!', []);
    const lookahead = this.#peek().kind;
    if (lookahead === 'end' || lookahead === 'comma') return requirement(key, 'exists', []);
    const op = this.#next();
    switch (op.kind) {
      case 'in':
        return requirement(key, 'in', this.#valueSet());
      case 'notin':
        return requirement(key, 'notin', this.#valueSet());
      case 'equals':
        return requirement(key, '=', [this.#exactValue()]);
      case 'doubleEquals':
        return requirement(key, '==', [this.#exactValue()]);
      case 'notEquals':
        return requirement(key, '!=', [this.#exactValue()]);
      case 'gt':
        return requirement(key, 'gt', [this.#exactValue()]);
      case 'lt':
        return requirement(key, 'lt', [this.#exactValue()]);
      default:
        return fail(`found '${op.literal}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }

  #valueSet(): string[] {
    const open = asValue(this.#next());
    if (open.kind !== 'openPar') fail(`found '${open.literal}' expected: '('`);
    const first = asValue(this.#peek());
    if (first.kind === 'closePar') {
      // "()" is the set holding only the empty value, as upstream.
      this.#next();
      return [''];
    }
    if (first.kind !== 'identifier' && first.kind !== 'comma')
      fail(`found '${first.literal}', expected: ',', ')' or identifier`);
    const values = this.#identifierList();
    const close = asValue(this.#next());
    if (close.kind !== 'closePar') fail(`found '${close.literal}', expected: ')'`);
    return values;
  }

  /** A comma-separated list of possibly empty values, e.g. `(a,,b)` or `(,a)`. Leaves ')' unread. */
  #identifierList(): string[] {
    const values: string[] = [];
    for (;;) {
      const t = asValue(this.#next());
      if (t.kind === 'identifier') {
        values.push(t.literal);
        const after = asValue(this.#peek());
        if (after.kind === 'comma') continue;
        if (after.kind === 'closePar') return values;
        fail(`found '${after.literal}', expected: ',' or ')'`);
      } else if (t.kind === 'comma') {
        if (values.length === 0) values.push('');
        const after = asValue(this.#peek());
        if (after.kind === 'closePar') {
          values.push('');
          return values;
        }
        if (after.kind === 'comma') {
          this.#next();
          values.push('');
        }
      } else {
        fail(`found '${t.literal}', expected: ',', or identifier`);
      }
    }
  }

  #exactValue(): string {
    const lookahead = asValue(this.#peek());
    if (lookahead.kind === 'end' || lookahead.kind === 'comma') return '';
    const t = asValue(this.#next());
    if (t.kind === 'identifier') return t.literal;
    return fail(`found '${t.literal}', expected: identifier`);
  }
}

function fail(message: string): never {
  throw new SelectorParseError(message);
}

/**
 * Parses a label selector string (`app=web,tier in (a,b),!canary`). Throws SelectorParseError with the
 * upstream-style reason. The empty string (or only whitespace) selects everything.
 */
export function parseSelector(input: string): Selector {
  let requirements: Requirement[];
  try {
    requirements = new Parser(lex(input)).parse();
  } catch (err) {
    if (err instanceof SelectorParseError)
      throw new SelectorParseError(`unable to parse requirement: ${err.message}`, { cause: err });
    throw err;
  }
  // Stable sort by key, so the canonical string and matching order are deterministic.
  return { requirements: requirements.toSorted((a, b) => compareStrings(a.key, b.key)) };
}

/** Parses without throwing, for callers that turn the reason into an HTTP 400. */
export function tryParseSelector(input: string): { ok: true; selector: Selector } | { ok: false; error: string } {
  try {
    return { ok: true, selector: parseSelector(input) };
  } catch (err) {
    if (err instanceof SelectorParseError) return { ok: false, error: err.message };
    throw err;
  }
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

// ---- matching ----------------------------------------------------------------------------------

function has(labels: Labels, key: string): boolean {
  return Object.hasOwn(labels, key);
}

export function requirementMatches(r: Requirement, labels: Labels): boolean {
  switch (r.operator) {
    case 'in':
    case '=':
    case '==':
      return has(labels, r.key) && r.values.includes(labels[r.key] ?? '');
    case 'notin':
    case '!=':
      return !has(labels, r.key) || !r.values.includes(labels[r.key] ?? '');
    case 'exists':
      return has(labels, r.key);
    case '!':
      return !has(labels, r.key);
    case 'gt':
    case 'lt': {
      if (!has(labels, r.key)) return false;
      const actual = labels[r.key] ?? '';
      const bound = r.values[0];
      if (bound === undefined || !/^[+-]?\d+$/.test(actual) || !fitsInt64(actual)) return false;
      const a = BigInt(actual);
      const b = BigInt(bound);
      return r.operator === 'gt' ? a > b : a < b;
    }
  }
}

/** True when every requirement holds for the labels (AND). */
export function matches(selector: Selector, labels: Labels): boolean {
  return selector.requirements.every((r) => requirementMatches(r, labels));
}

// ---- formatting and object form ----------------------------------------------------------------

export function formatRequirement(r: Requirement): string {
  switch (r.operator) {
    case 'exists':
      return r.key;
    case '!':
      return `!${r.key}`;
    case 'in':
    case 'notin':
      return `${r.key} ${r.operator} (${r.values.join(',')})`;
    case 'gt':
      return `${r.key}>${r.values[0] ?? ''}`;
    case 'lt':
      return `${r.key}<${r.values[0] ?? ''}`;
    default:
      return `${r.key}${r.operator}${r.values[0] ?? ''}`;
  }
}

/** The canonical string form, as upstream's Selector.String(): requirements by key, values sorted. */
export function formatSelector(selector: Selector): string {
  return selector.requirements.map(formatRequirement).join(',');
}

/**
 * metav1.LabelSelector → selector, as upstream LabelSelectorAsSelector: matchLabels become `=`,
 * matchExpressions In/NotIn/Exists/DoesNotExist. An empty object selects everything.
 */
export function selectorFromLabelSelector(ls: LabelSelector): Selector {
  const requirements: Requirement[] = [];
  for (const [key, value] of Object.entries(ls.matchLabels ?? {})) requirements.push(requirement(key, '=', [value]));
  for (const expr of ls.matchExpressions ?? []) {
    const values = expr.values ?? [];
    switch (expr.operator) {
      case 'In':
        requirements.push(requirement(expr.key, 'in', values));
        break;
      case 'NotIn':
        requirements.push(requirement(expr.key, 'notin', values));
        break;
      case 'Exists':
        requirements.push(requirement(expr.key, 'exists', values));
        break;
      case 'DoesNotExist':
        requirements.push(requirement(expr.key, '!', values));
        break;
      default:
        throw new SelectorParseError(`${JSON.stringify(String(expr.operator))} is not a valid label selector operator`);
    }
  }
  return { requirements: requirements.toSorted((a, b) => compareStrings(a.key, b.key)) };
}

/** metav1.LabelSelector → the selector string a `labelSelector=` query parameter carries. */
export function labelSelectorToString(ls: LabelSelector): string {
  return formatSelector(selectorFromLabelSelector(ls));
}

/**
 * Selector → metav1.LabelSelector, as upstream ParseToLabelSelector, except that `k!=v` becomes
 * `NotIn [v]` (same meaning) where upstream rejects it. `gt`/`lt` have no object form: throws.
 */
export function selectorToLabelSelector(selector: Selector): LabelSelector {
  const matchLabels: Record<string, string> = {};
  const matchExpressions: LabelSelectorRequirement[] = [];
  for (const r of selector.requirements) {
    switch (r.operator) {
      case '=':
      case '==':
        matchLabels[r.key] = r.values[0] ?? '';
        break;
      case 'in':
        matchExpressions.push({ key: r.key, operator: 'In', values: [...r.values] });
        break;
      case 'notin':
      case '!=':
        matchExpressions.push({ key: r.key, operator: 'NotIn', values: [...r.values] });
        break;
      case 'exists':
        matchExpressions.push({ key: r.key, operator: 'Exists' });
        break;
      case '!':
        matchExpressions.push({ key: r.key, operator: 'DoesNotExist' });
        break;
      case 'gt':
      case 'lt':
        throw new SelectorParseError(`${JSON.stringify(r.operator)} isn't supported in label selectors`);
    }
  }
  const out: LabelSelector = {};
  if (Object.keys(matchLabels).length > 0) out.matchLabels = matchLabels;
  if (matchExpressions.length > 0) out.matchExpressions = matchExpressions;
  return out;
}
