import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { parsePrometheusText } from '../../../src/signals/parse/parser.ts';
import { renderPrometheusText } from '../../../src/signals/parse/render.ts';
import { parseSampleValue, parseTimestamp } from '../../../src/signals/parse/number.ts';
import type { Labels, MetricFamily, MetricType, Sample, SampleSuffix } from '../../../src/signals/parse/types.ts';

function family(page: ReturnType<typeof parsePrometheusText>, name: string): MetricFamily {
  const f = page.families.get(name);
  if (f === undefined) throw new Error(`no family ${name}`);
  return f;
}

describe('parsePrometheusText: the text format', () => {
  it('groups a histogram with its buckets, sum and count', () => {
    const page = parsePrometheusText(
      [
        '# HELP vllm:time_to_first_token_seconds Histogram of time to first token in seconds.',
        '# TYPE vllm:time_to_first_token_seconds histogram',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="0.1",model_name="m"} 3.0',
        'vllm:time_to_first_token_seconds_bucket{engine="0",le="+Inf",model_name="m"} 5.0',
        'vllm:time_to_first_token_seconds_count{engine="0",model_name="m"} 5.0',
        'vllm:time_to_first_token_seconds_sum{engine="0",model_name="m"} 1.25',
      ].join('\n'),
    );
    expect(page.issues).toEqual([]);
    const f = family(page, 'vllm:time_to_first_token_seconds');
    expect(f.type).toBe('histogram');
    expect(f.help).toBe('Histogram of time to first token in seconds.');
    expect(f.samples.map((s) => s.suffix)).toEqual(['_bucket', '_bucket', '_count', '_sum']);
    expect(f.samples[1]?.labels.le).toBe('+Inf');
    expect(f.samples[3]?.value).toBe(1.25);
    expect(page.families.size).toBe(1);
  });

  it('keeps counters declared with their _total name and with the OpenMetrics base name', () => {
    const page = parsePrometheusText(
      [
        '# TYPE vllm:prompt_tokens_total counter',
        'vllm:prompt_tokens_total{model_name="m"} 42',
        '# TYPE sglang:num_requests counter',
        'sglang:num_requests_total 7',
      ].join('\n'),
    );
    expect(page.issues).toEqual([]);
    expect(family(page, 'vllm:prompt_tokens_total').samples[0]?.suffix).toBe('');
    const s = family(page, 'sglang:num_requests').samples[0];
    expect(s?.suffix).toBe('_total');
    expect(s?.value).toBe(7);
  });

  it('reads summaries, gauges and untyped samples', () => {
    const page = parsePrometheusText(
      [
        '# TYPE rpc summary',
        'rpc{quantile="0.5"} 0.2',
        'rpc{quantile="0.99"} 1.5',
        'rpc_sum 10',
        'rpc_count 20',
        '# TYPE g gauge',
        'g -3.5e-2',
        'lonely 1',
      ].join('\n'),
    );
    expect(page.issues).toEqual([]);
    expect(family(page, 'rpc').samples.map((s) => s.suffix)).toEqual(['', '', '_sum', '_count']);
    expect(family(page, 'g').samples[0]?.value).toBe(-0.035);
    expect(family(page, 'lonely').type).toBe('untyped');
  });

  it('unescapes label values and HELP text', () => {
    const page = parsePrometheusText(
      ['# HELP x a \\\\ back\\nslash', 'x{a="q\\"uote",b="back\\\\slash",c="new\\nline",} 1'].join('\n'),
    );
    expect(page.issues).toEqual([]);
    const f = family(page, 'x');
    expect(f.help).toBe('a \\ back\nslash');
    expect(f.samples[0]?.labels).toEqual({ a: 'q"uote', b: 'back\\slash', c: 'new\nline' });
  });

  it('reads special values, timestamps, blanks and CRLF line ends, and tolerates exemplars', () => {
    const page = parsePrometheusText(
      [
        'a NaN',
        'b +Inf 1700000000000',
        'c -Inf',
        '  d\t{ x = "1" }   2   -5  ',
        'e 3\r',
        'f_bucket{le="1"} 4 # {trace_id="abc"} 0.5 1700000000.1',
        'g 5 1700000000000 # {trace_id="abc"} 0.5',
      ].join('\n'),
    );
    expect(page.issues).toEqual([]);
    expect(Number.isNaN(family(page, 'a').samples[0]?.value)).toBe(true);
    expect(family(page, 'b').samples[0]).toMatchObject({ value: Infinity, timestampMs: 1_700_000_000_000 });
    expect(family(page, 'c').samples[0]?.value).toBe(-Infinity);
    expect(family(page, 'd').samples[0]).toMatchObject({ value: 2, timestampMs: -5, labels: { x: '1' } });
    expect(family(page, 'e').samples[0]?.value).toBe(3);
    expect(family(page, 'f_bucket').samples[0]?.value).toBe(4);
    expect(family(page, 'g').samples[0]?.timestampMs).toBe(1_700_000_000_000);
  });

  it('gives a label called __proto__ no special meaning', () => {
    const page = parsePrometheusText('x{__proto__="p"} 1');
    expect(page.issues).toEqual([]);
    expect(family(page, 'x').samples[0]?.labels.__proto__).toBe('p');
  });

  const malformed: readonly (readonly [string, RegExp])[] = [
    ['1bad 1', /metric name/],
    ['x', /expected a value/],
    ['x{a="1"}', /expected a value/],
    ['x{a="1"} one', /invalid sample value/],
    ['x 0x10', /invalid sample value/],
    ['x 1_0', /invalid sample value/],
    ['x +NaN', /invalid sample value/],
    ['x 1e', /invalid sample value/],
    ['x .', /invalid sample value/],
    ['x 1 1.5', /invalid timestamp/],
    ['x 1 2 3', /unexpected text/],
    ['x{a="1} 1', /unterminated/],
    ['x{a="\\t"} 1', /escape/],
    ['x{a=1} 1', /'"'/],
    ['x{a="1" b="2"} 1', /',' or '}'/],
    ['x{a="1",a="2"} 1', /duplicate label/],
    ['x{1a="1"} 1', /label name/],
    ['x 1 # not an exemplar', /exemplar/],
    ['# TYPE x bogus', /unknown metric type/],
    ['# TYPE x gauge extra', /unexpected text/],
  ];

  for (const [line, reason] of malformed) {
    it(`reports ${JSON.stringify(line)} with its line number and drops only that line`, () => {
      const page = parsePrometheusText(`before 1\n${line}\nafter 2\n`);
      expect(page.issues).toHaveLength(1);
      expect(page.issues[0]?.line).toBe(2);
      expect(page.issues[0]?.reason).toMatch(reason);
      expect(family(page, 'before').samples[0]?.value).toBe(1);
      expect(family(page, 'after').samples[0]?.value).toBe(2);
    });
  }

  it('refuses a histogram bucket without le, and TYPE or HELP arriving after samples', () => {
    const page = parsePrometheusText(
      ['# TYPE h histogram', 'h_bucket{x="1"} 1', 'h_count 1', 'g 1', '# TYPE g gauge', '# HELP g late', 'h 3'].join('\n'),
    );
    expect(page.issues.map((i) => i.line)).toEqual([2, 5, 6, 7]);
    expect(family(page, 'h').samples).toHaveLength(1);
    expect(family(page, 'g').type).toBe('untyped');
  });

  it('ignores ordinary comments and blank lines, and does not list families without samples', () => {
    const page = parsePrometheusText('# just a comment\n\n# TYPE empty gauge\n# HELP empty nothing\n   \nx 1\n');
    expect(page.issues).toEqual([]);
    expect([...page.families.keys()]).toEqual(['x']);
    expect(page.sampleCount).toBe(1);
  });
});

describe('number syntax', () => {
  it('accepts Go float forms and rejects what Number() would wrongly take', () => {
    expect(parseSampleValue('1.')).toBe(1);
    expect(parseSampleValue('.5')).toBe(0.5);
    expect(parseSampleValue('-1.5E+3')).toBe(-1500);
    expect(parseSampleValue('inf')).toBe(Infinity);
    expect(parseSampleValue('-Infinity')).toBe(-Infinity);
    expect(parseSampleValue('nan')).toBeNaN();
    for (const bad of ['', '+', '-', ' 1', 'Infinit', '1e+', '0b1', '1.2.3', '--1']) expect(parseSampleValue(bad)).toBeUndefined();
    expect(parseTimestamp('-12')).toBe(-12);
    expect(parseTimestamp('1.0')).toBeUndefined();
    expect(parseTimestamp('')).toBeUndefined();
  });
});

// ---- property tests ----

const nameChars = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_0123456789:'.split(''));
const labelNameArb = fc
  .tuple(fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ_'.split('')), fc.array(nameChars.filter((c) => c !== ':'), { maxLength: 8 }))
  .map(([h, t]) => h + t.join(''))
  .filter((n) => n !== 'le' && n !== 'quantile');
const labelValueArb = fc.string({ maxLength: 12, unit: fc.constantFrom('a', 'b', ' ', '"', '\\', '\n', 'é', '{', '}', ',', '=', '#', '\t') });
const labelsArb: fc.Arbitrary<Labels> = fc.dictionary(labelNameArb, labelValueArb, { maxKeys: 4 }).map((d) => {
  const out = Object.create(null) as Record<string, string>;
  for (const [k, v] of Object.entries(d)) out[k] = v;
  return out;
});
const valueArb = fc.oneof(fc.double(), fc.integer().map((i) => i), fc.constantFrom(NaN, Infinity, -Infinity, -0, 0));
const tsArb = fc.option(fc.integer({ min: -1e12, max: 1e13 }), { nil: undefined });
const helpArb = fc.option(fc.string({ maxLength: 20, unit: fc.constantFrom('x', ' ', '\\', '\n', 'n', '"') }), { nil: undefined });

function sample(name: string, suffix: SampleSuffix, labels: Labels, value: number, timestampMs: number | undefined): Sample {
  return { name: name + suffix, suffix, labels, value, timestampMs };
}

function withLabel(labels: Labels, name: string, value: string): Labels {
  const out = Object.create(null) as Record<string, string>;
  for (const k in labels) out[k] = labels[k] ?? '';
  out[name] = value;
  return out;
}

// Family i's name starts with `m<i>_`, so no family name equals another's name plus a suffix.
function familyArb(index: number): fc.Arbitrary<MetricFamily> {
  const base = fc.array(nameChars, { maxLength: 6 }).map((t) => `m${index}_${t.join('')}x`);
  const type = fc.constantFrom<MetricType>('counter', 'gauge', 'histogram', 'summary', 'untyped');
  return fc.tuple(base, type, helpArb, fc.array(fc.tuple(labelsArb, valueArb, tsArb, valueArb), { minLength: 1, maxLength: 3 })).map(([name, t, help, rows]) => {
    const samples: Sample[] = [];
    rows.forEach(([labels, v, ts, v2], i) => {
      if (t === 'histogram') {
        samples.push(sample(name, '_bucket', withLabel(labels, 'le', String(i)), v, ts));
        samples.push(sample(name, '_bucket', withLabel(labels, 'le', '+Inf'), v2, ts));
        samples.push(sample(name, '_sum', labels, v, ts), sample(name, '_count', labels, v2, ts));
      } else if (t === 'summary') {
        samples.push(sample(name, '', withLabel(labels, 'quantile', '0.5'), v, ts), sample(name, '_sum', labels, v2, ts));
      } else {
        samples.push(sample(name, t === 'counter' && i % 2 === 1 ? '_total' : '', labels, v, ts));
      }
    });
    return { name, type: t, help, samples };
  });
}

const pageArb = fc.integer({ min: 0, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => familyArb(i))));

function normalise(f: MetricFamily): unknown {
  return {
    ...f,
    samples: f.samples.map((s) => ({ ...s, labels: { ...s.labels }, value: Object.is(s.value, -0) ? '-0' : Number.isNaN(s.value) ? 'NaN' : s.value })),
  };
}

describe('properties', () => {
  it('a random valid page round-trips through the renderer', () => {
    fc.assert(
      fc.property(pageArb, (families) => {
        const page = parsePrometheusText(renderPrometheusText(families));
        expect(page.issues).toEqual([]);
        expect([...page.families.values()].map(normalise)).toEqual(families.map(normalise));
      }),
      { numRuns: 300 },
    );
  });

  it('random garbage never throws', () => {
    const unit = fc.constantFrom('a', '_', ':', '{', '}', '"', '\\', '=', ',', ' ', '\t', '\n', '\r', '#', '1', '.', 'e', '+', '-', 'N', 'I', 'n', 'f', 'é');
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 200 }), fc.string({ maxLength: 200, unit }), fc.string({ unit: 'grapheme', maxLength: 100 })), (text) => {
        const page = parsePrometheusText(text);
        expect(page.sampleCount).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 2000 },
    );
  });

  it('one garbage line costs exactly that line', () => {
    fc.assert(
      fc.property(pageArb, fc.string({ maxLength: 30 }), fc.nat(), (families, junk, at) => {
        const lines = renderPrometheusText(families).split('\n');
        const pos = at % lines.length;
        const bad = `{${junk.replace(/\n/g, ' ')}`;
        lines.splice(pos, 0, bad);
        const page = parsePrometheusText(lines.join('\n'));
        expect(page.issues).toHaveLength(1);
        expect(page.issues[0]?.line).toBe(pos + 1);
        expect([...page.families.values()].map(normalise)).toEqual(families.map(normalise));
      }),
      { numRuns: 300 },
    );
  });
});
