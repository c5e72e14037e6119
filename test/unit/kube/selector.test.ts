import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  formatSelector,
  labelKeyErrors,
  labelSelectorToString,
  labelValueErrors,
  matches,
  parseSelector,
  SelectorParseError,
  selectorFromLabelSelector,
  selectorToLabelSelector,
  tryParseSelector,
  type Requirement,
} from '../../../src/kube/selector.ts';

const reqs = (s: string): readonly Requirement[] => parseSelector(s).requirements;

describe('parseSelector: grammar', () => {
  it('parses the empty selector (and whitespace) as everything', () => {
    expect(reqs('')).toEqual([]);
    expect(reqs('  \t ')).toEqual([]);
    expect(matches(parseSelector(''), { any: 'thing' })).toBe(true);
  });

  it('parses equality in its three spellings', () => {
    expect(reqs('a=b')).toEqual([{ key: 'a', operator: '=', values: ['b'] }]);
    expect(reqs('a==b')).toEqual([{ key: 'a', operator: '==', values: ['b'] }]);
    expect(reqs('a!=b')).toEqual([{ key: 'a', operator: '!=', values: ['b'] }]);
  });

  it('reads a missing value after an equality operator as the empty value', () => {
    expect(reqs('a=')).toEqual([{ key: 'a', operator: '=', values: [''] }]);
    expect(reqs('a=,b')).toEqual([
      { key: 'a', operator: '=', values: [''] },
      { key: 'b', operator: 'exists', values: [] },
    ]);
  });

  it('parses set-based requirements, sorting and deduplicating values', () => {
    expect(reqs('env in (prod, dev,prod)')).toEqual([{ key: 'env', operator: 'in', values: ['dev', 'prod'] }]);
    expect(reqs('env notin (a)')).toEqual([{ key: 'env', operator: 'notin', values: ['a'] }]);
    expect(reqs('env notin(a)')).toEqual([{ key: 'env', operator: 'notin', values: ['a'] }]);
  });

  it('treats empty members of a value set as the empty value, as upstream', () => {
    expect(reqs('x in ()')[0]?.values).toEqual(['']);
    expect(reqs('x in (a,,b)')[0]?.values).toEqual(['', 'a', 'b']);
    expect(reqs('x in (,a)')[0]?.values).toEqual(['', 'a']);
    expect(reqs('x in (a,)')[0]?.values).toEqual(['', 'a']);
  });

  it('parses exists and does-not-exist', () => {
    expect(reqs('k')).toEqual([{ key: 'k', operator: 'exists', values: [] }]);
    expect(reqs('!k')).toEqual([{ key: 'k', operator: '!', values: [] }]);
    expect(reqs(' ! k ')).toEqual([{ key: 'k', operator: '!', values: [] }]);
  });

  it('accepts in/notin as keys and values where the grammar expects identifiers', () => {
    expect(reqs('in in (in, notin)')).toEqual([{ key: 'in', operator: 'in', values: ['in', 'notin'] }]);
    expect(reqs('x=in')).toEqual([{ key: 'x', operator: '=', values: ['in'] }]);
  });

  it('parses integer comparisons', () => {
    expect(reqs('gen>3')).toEqual([{ key: 'gen', operator: 'gt', values: ['3'] }]);
    expect(reqs('gen < 2')).toEqual([{ key: 'gen', operator: 'lt', values: ['2'] }]);
    // The bound is also a label value, so upstream rejects a negative one.
    expect(() => parseSelector('gen<-2')).toThrow(/invalid value/);
  });

  it('ANDs comma-separated requirements and sorts them by key', () => {
    const s = parseSelector('tier=web, app in (a,b),!canary,zone');
    expect(s.requirements.map((r) => r.key)).toEqual(['app', 'canary', 'tier', 'zone']);
  });

  it('accepts prefixed keys and the documented value alphabet', () => {
    expect(reqs('example.com/name=My-value_1.2')).toEqual([
      { key: 'example.com/name', operator: '=', values: ['My-value_1.2'] },
    ]);
    expect(reqs('app.kubernetes.io/part-of in (grove)')[0]?.key).toBe('app.kubernetes.io/part-of');
  });

  it('allows whitespace (space, tab, CR, LF) between tokens', () => {
    expect(reqs('a\t=\nb ,\r c')).toEqual([
      { key: 'a', operator: '=', values: ['b'] },
      { key: 'c', operator: 'exists', values: [] },
    ]);
  });
});

describe('parseSelector: errors', () => {
  const bad: readonly [string, RegExp][] = [
    ['a=b,', /expected: identifier after ','/],
    [',a', /expected: !, identifier, or 'end of string'/],
    ['a b', /expected: in, notin/],
    ['a=b c', /expected: ',' or 'end of string'/],
    ['a===b', /found '=', expected: identifier/],
    ['a in b', /expected: '\('/],
    ['a in (b', /expected: ',' or '\)'/],
    ['a in (b c)', /expected: ',' or '\)'/],
    ['a in (=)', /expected: ',', '\)' or identifier/],
    ['!a=b', /expected: ',' or 'end of string'/],
    ['!', /expected: identifier/],
    ['a>b', /must be an integer/],
    ['a>99999999999999999999', /must be an integer/],
    ['(', /expected: !, identifier/],
    ['-a=b', /invalid key/],
    ['a/b/c=d', /at most one '\/'/],
    ['/a=b', /prefix part must be non-empty/],
    ['Example.com/a=b', /DNS subdomain/],
    ['a/=b', /name part must be non-empty/],
    [`${'k'.repeat(64)}=v`, /no more than 63/],
    [`k=${'v'.repeat(64)}`, /no more than 63/],
    ['k=-v', /invalid value/],
    ['k=a b', /expected: ',' or 'end of string'/],
    ['k=ü', /invalid value/],
  ];
  for (const [input, reason] of bad) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      expect(() => parseSelector(input)).toThrow(SelectorParseError);
      expect(() => parseSelector(input)).toThrow(reason);
    });
  }

  it('tryParseSelector returns the reason instead of throwing', () => {
    const r = tryParseSelector('a in');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.error).toMatch(/^unable to parse requirement: /);
  });

  it('accepts the longest valid key and value', () => {
    const prefix = `${'a'.repeat(63)}.${'b'.repeat(63)}.${'c'.repeat(63)}.${'d'.repeat(61)}`;
    expect(prefix.length).toBe(253);
    expect(labelKeyErrors(`${prefix}/${'n'.repeat(63)}`)).toEqual([]);
    expect(labelKeyErrors(`${prefix}x/n`)).not.toEqual([]);
    expect(labelValueErrors('v'.repeat(63))).toEqual([]);
    expect(labelValueErrors('')).toEqual([]);
  });
});

describe('matches', () => {
  const labels = { app: 'web', tier: 'front', gen: '7' };
  const cases: readonly [string, boolean][] = [
    ['app=web', true],
    ['app==web', true],
    ['app=db', false],
    ['missing=x', false],
    ['missing=', false],
    ['app!=db', true],
    ['app!=web', false],
    ['missing!=x', true],
    ['app in (db, web)', true],
    ['app in (db)', false],
    ['missing in (x)', false],
    ['app notin (db)', true],
    ['app notin (web)', false],
    ['missing notin (x)', true],
    ['app', true],
    ['missing', false],
    ['!missing', true],
    ['!app', false],
    ['gen>6', true],
    ['gen>7', false],
    ['gen<8', true],
    ['app>1', false],
    ['missing<1', false],
    ['app=web,tier=front', true],
    ['app=web,tier=back', false],
  ];
  for (const [selector, expected] of cases) {
    it(`${selector} → ${expected}`, () => {
      expect(matches(parseSelector(selector), labels)).toBe(expected);
    });
  }

  it('never treats inherited object properties as labels', () => {
    expect(matches(parseSelector('constructor'), {})).toBe(false);
    expect(matches(parseSelector('!toString'), {})).toBe(true);
  });
});

describe('object form (metav1.LabelSelector)', () => {
  it('converts matchLabels and matchExpressions to the canonical string', () => {
    expect(
      labelSelectorToString({
        matchLabels: { tier: 'web', app: 'x' },
        matchExpressions: [
          { key: 'env', operator: 'In', values: ['prod', 'dev'] },
          { key: 'canary', operator: 'DoesNotExist' },
          { key: 'zone', operator: 'Exists' },
          { key: 'role', operator: 'NotIn', values: ['batch'] },
        ],
      }),
    ).toBe('app=x,!canary,env in (dev,prod),role notin (batch),tier=web,zone');
  });

  it('selects everything for an empty object', () => {
    expect(labelSelectorToString({})).toBe('');
  });

  it('rejects In with no values, Exists with values and unknown operators', () => {
    expect(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In', values: [] }] })).toThrow(
      /can't be empty/,
    );
    expect(() => selectorFromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] })).toThrow(
      /must be empty/,
    );
    const unknown = JSON.parse('{"matchExpressions":[{"key":"a","operator":"Gt","values":["1"]}]}') as Parameters<
      typeof selectorFromLabelSelector
    >[0];
    expect(() => selectorFromLabelSelector(unknown)).toThrow(/not a valid label selector operator/);
    expect(() => selectorFromLabelSelector({ matchLabels: { 'bad key': 'v' } })).toThrow(/invalid key/);
  });

  it('converts a parsed selector back to the object form, != as NotIn', () => {
    expect(selectorToLabelSelector(parseSelector('a=1,b in (x,y),c!=z,d,!e'))).toEqual({
      matchLabels: { a: '1' },
      matchExpressions: [
        { key: 'b', operator: 'In', values: ['x', 'y'] },
        { key: 'c', operator: 'NotIn', values: ['z'] },
        { key: 'd', operator: 'Exists' },
        { key: 'e', operator: 'DoesNotExist' },
      ],
    });
    expect(selectorToLabelSelector(parseSelector(''))).toEqual({});
    expect(() => selectorToLabelSelector(parseSelector('a>1'))).toThrow(/isn't supported/);
  });
});

// ---- properties ---------------------------------------------------------------------------------

const alnum = fc.constantFrom(...'abcXYZ019'.split(''));
const inner = fc.constantFrom(...'ab9-_.'.split(''));
const name = fc
  .tuple(alnum, fc.array(inner, { maxLength: 8 }), alnum)
  .map(([a, mid, b]) => `${a}${mid.join('')}${b}`)
  .filter((s) => s.length <= 63);
const dnsLabel = fc.stringMatching(/^[a-z0-9]([-a-z0-9]{0,6}[a-z0-9])?$/);
const key = fc.oneof(
  name,
  fc.tuple(fc.array(dnsLabel, { minLength: 1, maxLength: 3 }), name).map(([p, n]) => `${p.join('.')}/${n}`),
);
const value = fc.oneof(fc.constant(''), name);
const requirementArb: fc.Arbitrary<Requirement> = fc.oneof(
  fc.record({ key, operator: fc.constantFrom('=' as const, '==' as const, '!=' as const), values: value.map((v) => [v]) }),
  fc.record({
    key,
    operator: fc.constantFrom('in' as const, 'notin' as const),
    values: fc.uniqueArray(value, { minLength: 1, maxLength: 4 }).map((v) => v.toSorted()),
  }),
  fc.record({ key, operator: fc.constantFrom('exists' as const, '!' as const), values: fc.constant([]) }),
);
const labelsArb = fc.dictionary(fc.oneof(key, fc.constantFrom('a', 'b', 'app')), value, { maxKeys: 5 });

/** Independent statement of the semantics, straight from the Kubernetes documentation. */
function oracle(r: Requirement, labels: Record<string, string>): boolean {
  const present = Object.hasOwn(labels, r.key);
  const v = labels[r.key];
  switch (r.operator) {
    case '=':
    case '==':
    case 'in':
      return present && r.values.some((x) => x === v);
    case '!=':
    case 'notin':
      return !present || r.values.every((x) => x !== v);
    case 'exists':
      return present;
    case '!':
      return !present;
    default:
      throw new Error('not generated');
  }
}

describe('selector properties', () => {
  it('format then parse is the identity on valid requirements', () => {
    fc.assert(
      fc.property(fc.array(requirementArb, { maxLength: 5 }), (rs) => {
        const text = formatSelector({ requirements: rs });
        const reparsed = parseSelector(text);
        expect(formatSelector(reparsed)).toBe(formatSelector({ requirements: rs.toSorted((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)) }));
      }),
    );
  });

  it('a selector matches exactly when every requirement holds (oracle)', () => {
    fc.assert(
      fc.property(fc.array(requirementArb, { maxLength: 4 }), labelsArb, (rs, labels) => {
        const parsed = parseSelector(formatSelector({ requirements: rs }));
        expect(matches(parsed, labels)).toBe(rs.every((r) => oracle(r, labels)));
      }),
    );
  });

  it('the object form selects the same label sets', () => {
    fc.assert(
      fc.property(fc.array(requirementArb, { maxLength: 4 }), labelsArb, (rs, labels) => {
        const s = parseSelector(formatSelector({ requirements: rs }));
        const roundTripped = selectorFromLabelSelector(selectorToLabelSelector(s));
        // Two equalities on one key collapse in matchLabels; the conjunction only changes if they differ.
        const keys = rs.filter((r) => r.operator === '=' || r.operator === '==').map((r) => r.key);
        fc.pre(new Set(keys).size === keys.length);
        expect(matches(roundTripped, labels)).toBe(matches(s, labels));
      }),
    );
  });

  it('arbitrary input either parses or fails with SelectorParseError, never anything else', () => {
    const chars = fc.constantFrom(...'ab/.-_=!(),<>  \tinotn0'.split(''), 'in', 'notin', 'ü');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 40 }), fc.array(chars, { maxLength: 20 }).map((a) => a.join(''))), (input) => {
        try {
          const s = parseSelector(input);
          // Whatever parsed must survive its own canonical form.
          expect(formatSelector(parseSelector(formatSelector(s)))).toBe(formatSelector(s));
        } catch (err) {
          expect(err).toBeInstanceOf(SelectorParseError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
