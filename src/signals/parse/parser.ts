import type { Labels, MetricFamily, MetricType, ParsedPage, ParseIssue, Sample, SampleSuffix } from './types.ts';
import { parseSampleValue, parseTimestamp } from './number.ts';

/*
 * A single pass over the page: lines are found with indexOf (native speed), and each line is read
 * with charCodeAt and one cursor, so no regular expression ever backtracks. A line that does not
 * parse becomes a ParseIssue and is skipped; the scrape as a whole never fails.
 */

const TAB = 9;
const CR = 13;
const SPACE = 32;
const QUOTE = 34;
const HASH = 35;
const COMMA = 44;
const EQUALS = 61;
const BACKSLASH = 92;
const OPEN_BRACE = 123;
const CLOSE_BRACE = 125;
const LOWER_N = 110;

const METRIC_TYPES: ReadonlySet<string> = new Set(['counter', 'gauge', 'histogram', 'summary', 'untyped']);

function isNameStart(c: number): boolean {
  // [a-zA-Z_:]
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 58;
}

function isNameChar(c: number): boolean {
  return isNameStart(c) || (c >= 48 && c <= 57);
}

function isLabelStart(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95;
}

function isLabelChar(c: number): boolean {
  return isLabelStart(c) || (c >= 48 && c <= 57);
}

function isBlank(c: number): boolean {
  return c === SPACE || c === TAB;
}

/** Thrown inside the line reader and caught per line; never escapes parsePrometheusText. */
class LineError extends Error {}

interface MutableFamily {
  name: string;
  type: MetricType;
  help: string | undefined;
  samples: Sample[];
  /** Set once a sample was placed, after which HELP and TYPE for this name are refused. */
  sealed: boolean;
}

class Cursor {
  text: string;
  pos: number;
  end: number;

  constructor(text: string, pos: number, end: number) {
    this.text = text;
    this.pos = pos;
    this.end = end;
  }

  skipBlanks(): void {
    while (this.pos < this.end && isBlank(this.text.charCodeAt(this.pos))) this.pos++;
  }

  peek(): number {
    return this.pos < this.end ? this.text.charCodeAt(this.pos) : -1;
  }

  metricName(): string {
    const start = this.pos;
    if (!isNameStart(this.peek())) throw new LineError('expected a metric name');
    this.pos++;
    while (this.pos < this.end && isNameChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  labelName(): string {
    const start = this.pos;
    if (!isLabelStart(this.peek())) throw new LineError('expected a label name');
    this.pos++;
    while (this.pos < this.end && isLabelChar(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** The text up to the next blank or the end of the line. */
  token(): string {
    const start = this.pos;
    while (this.pos < this.end && !isBlank(this.text.charCodeAt(this.pos))) this.pos++;
    return this.text.slice(start, this.pos);
  }

  /** A quoted label value; the opening quote is under the cursor. Escapes: \\ \" \n. */
  quoted(): string {
    this.pos++;
    const text = this.text;
    let start = this.pos;
    let out = '';
    while (this.pos < this.end) {
      const c = text.charCodeAt(this.pos);
      if (c === QUOTE) {
        out += text.slice(start, this.pos);
        this.pos++;
        return out;
      }
      if (c === BACKSLASH) {
        out += text.slice(start, this.pos);
        const next = this.pos + 1 < this.end ? text.charCodeAt(this.pos + 1) : -1;
        if (next === BACKSLASH) out += '\\';
        else if (next === QUOTE) out += '"';
        else if (next === LOWER_N) out += '\n';
        else throw new LineError('invalid escape sequence in label value');
        this.pos += 2;
        start = this.pos;
        continue;
      }
      this.pos++;
    }
    throw new LineError('unterminated label value');
  }
}

function unescapeHelp(text: string): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next === BACKSLASH) {
        out += '\\';
        i++;
        continue;
      }
      if (next === LOWER_N) {
        out += '\n';
        i++;
        continue;
      }
    }
    out += text.charAt(i);
  }
  return out;
}

function readLabels(cur: Cursor): Labels {
  cur.pos++; // '{'
  const labels = Object.create(null) as Record<string, string>;
  for (;;) {
    cur.skipBlanks();
    if (cur.peek() === CLOSE_BRACE) {
      cur.pos++;
      return labels;
    }
    const name = cur.labelName();
    cur.skipBlanks();
    if (cur.peek() !== EQUALS) throw new LineError(`expected '=' after label name '${name}'`);
    cur.pos++;
    cur.skipBlanks();
    if (cur.peek() !== QUOTE) throw new LineError(`expected '"' to open the value of label '${name}'`);
    const value = cur.quoted();
    if (name in labels) throw new LineError(`duplicate label '${name}'`);
    labels[name] = value;
    cur.skipBlanks();
    const c = cur.peek();
    if (c === COMMA) {
      cur.pos++;
      continue;
    }
    if (c === CLOSE_BRACE) {
      cur.pos++;
      return labels;
    }
    throw new LineError(`expected ',' or '}' after the value of label '${name}'`);
  }
}

/** Index just past the '}' closing the label set opened at `pos`, or -1 when there is none. */
function labelSetEnd(text: string, pos: number, end: number): number {
  let quoted = false;
  for (let i = pos + 1; i < end; i++) {
    const c = text.charCodeAt(i);
    if (quoted) {
      if (c === BACKSLASH) i++;
      else if (c === QUOTE) quoted = false;
    } else if (c === QUOTE) quoted = true;
    else if (c === CLOSE_BRACE) return i + 1;
  }
  return -1;
}

/*
 * The same label sets recur on every scrape of every engine of a fleet, so parsed sets are kept by
 * their raw text and shared (frozen). Bounded: the cache is simply emptied when full.
 */
const LABEL_CACHE_LIMIT = 20_000;
const labelCache = new Map<string, Labels>();

function cachedLabels(cur: Cursor): Labels {
  const close = labelSetEnd(cur.text, cur.pos, cur.end);
  if (close === -1) return readLabels(cur); // reports the precise error
  const raw = cur.text.slice(cur.pos, close);
  const hit = labelCache.get(raw);
  if (hit !== undefined) {
    cur.pos = close;
    return hit;
  }
  const labels = Object.freeze(readLabels(cur));
  if (labelCache.size >= LABEL_CACHE_LIMIT) labelCache.clear();
  labelCache.set(raw, labels);
  return labels;
}

const NO_LABELS: Labels = Object.freeze(Object.create(null) as Record<string, string>);

interface Resolved {
  readonly name: string;
  readonly family: MutableFamily;
  readonly suffix: SampleSuffix;
}

class PageBuilder {
  readonly families = new Map<string, MutableFamily>();
  readonly issues: ParseIssue[] = [];
  sampleCount = 0;

  family(name: string): MutableFamily {
    let f = this.families.get(name);
    if (f === undefined) {
      f = { name, type: 'untyped', help: undefined, samples: [], sealed: false };
      this.families.set(name, f);
    }
    return f;
  }

  comment(cur: Cursor): void {
    this.last = undefined; // HELP and TYPE can change where a name goes
    cur.pos++; // '#'
    cur.skipBlanks();
    const keyword = cur.token();
    if (keyword !== 'HELP' && keyword !== 'TYPE') return; // an ordinary comment
    cur.skipBlanks();
    const name = cur.metricName();
    const after = cur.peek();
    if (after !== -1 && !isBlank(after)) throw new LineError(`invalid character after metric name '${name}'`);
    const existing = this.families.get(name);
    if (existing?.sealed === true) throw new LineError(`${keyword} for '${name}' after its samples`);
    if (keyword === 'HELP') {
      if (after !== -1) cur.pos++; // exactly one separating blank; the rest is the docstring
      if (existing?.help !== undefined) throw new LineError(`second HELP for '${name}'`);
      this.family(name).help = unescapeHelp(cur.text.slice(cur.pos, cur.end));
      return;
    }
    cur.skipBlanks();
    const type = cur.token();
    cur.skipBlanks();
    if (cur.pos < cur.end) throw new LineError('unexpected text after the metric type');
    if (!METRIC_TYPES.has(type)) throw new LineError(`unknown metric type '${type}'`);
    const f = this.family(name);
    if (f.type !== 'untyped' || (existing !== undefined && existing.samples.length > 0)) {
      throw new LineError(`second TYPE for '${name}'`);
    }
    f.type = type as MetricType;
  }

  /** Which family a sample name belongs to, and as which part. */
  resolve(name: string): Resolved {
    const exact = this.families.get(name);
    // A HELP line alone does not claim a name that a typed family owns as one of its parts.
    const placeholder = exact !== undefined && exact.type === 'untyped' && exact.samples.length === 0;
    if (exact !== undefined && !placeholder) {
      if (exact.type === 'histogram') throw new LineError(`histogram '${name}' sample without _bucket, _sum or _count`);
      return { name, family: exact, suffix: '' };
    }
    const suffix = suffixOf(name);
    if (suffix !== '') {
      const base = this.families.get(name.slice(0, name.length - suffix.length));
      if (base !== undefined) {
        const t = base.type;
        if (suffix === '_total' ? t === 'counter' : suffix === '_bucket' ? t === 'histogram' : t === 'histogram' || t === 'summary') {
          return { name, family: base, suffix };
        }
      }
    }
    return { name, family: exact ?? this.family(name), suffix: '' };
  }

  /** The last sample name and where it went: consecutive lines usually repeat it (histogram buckets). */
  private last: Resolved | undefined;

  sample(cur: Cursor): void {
    let name: string;
    let resolved: Resolved | undefined;
    const last = this.last;
    const n = last === undefined ? 0 : last.name.length;
    if (last !== undefined && cur.text.startsWith(last.name, cur.pos) && !isNameChar(cur.pos + n < cur.end ? cur.text.charCodeAt(cur.pos + n) : -1)) {
      name = last.name;
      resolved = last;
      cur.pos += n;
    } else {
      name = cur.metricName();
    }
    let before = cur.pos;
    cur.skipBlanks();
    let labels = NO_LABELS;
    if (cur.peek() === OPEN_BRACE) {
      labels = cachedLabels(cur);
      before = cur.pos;
      cur.skipBlanks();
    }
    if (cur.pos === before || cur.pos >= cur.end) throw new LineError('expected a value after the metric name and labels');
    const valueText = cur.token();
    const value = parseSampleValue(valueText);
    if (value === undefined) throw new LineError(`invalid sample value '${valueText}'`);
    let timestampMs: number | undefined;
    cur.skipBlanks();
    if (cur.pos < cur.end && cur.peek() !== HASH) {
      const tsText = cur.token();
      timestampMs = parseTimestamp(tsText);
      if (timestampMs === undefined) throw new LineError(`invalid timestamp '${tsText}'`);
      cur.skipBlanks();
    }
    // An exemplar (` # {...} value [ts]`) belongs to OpenMetrics; it is tolerated and ignored.
    if (cur.pos < cur.end) {
      if (cur.peek() !== HASH) throw new LineError('unexpected text after the sample');
      cur.pos++;
      cur.skipBlanks();
      if (cur.peek() !== OPEN_BRACE) throw new LineError('malformed exemplar');
    }
    resolved ??= this.resolve(name);
    this.last = resolved;
    const { family, suffix } = resolved;
    if (family.type === 'histogram' && suffix === '_bucket' && labels.le === undefined) {
      throw new LineError(`histogram bucket '${name}' without an 'le' label`);
    }
    if (family.type === 'summary' && suffix === '' && labels.quantile === undefined) {
      throw new LineError(`summary '${name}' sample without a 'quantile' label`);
    }
    family.sealed = true;
    family.samples.push({ name, suffix, labels, value, timestampMs });
    this.sampleCount++;
  }

  line(text: string, start: number, end: number, lineNo: number): void {
    if (end > start && text.charCodeAt(end - 1) === CR) end--;
    const cur = new Cursor(text, start, end);
    cur.skipBlanks();
    if (cur.pos >= end) return;
    try {
      if (cur.peek() === HASH) this.comment(cur);
      else this.sample(cur);
    } catch (err) {
      if (!(err instanceof LineError)) throw err;
      this.issues.push({ line: lineNo, reason: err.message });
    }
  }
}

function suffixOf(name: string): SampleSuffix {
  if (name.endsWith('_bucket')) return '_bucket';
  if (name.endsWith('_count')) return '_count';
  if (name.endsWith('_sum')) return '_sum';
  if (name.endsWith('_total')) return '_total';
  return '';
}

/**
 * Parses a Prometheus text exposition page (format 0.0.4). Never throws on input: each malformed line
 * is reported with its line number and reason, and only that line is dropped.
 */
export function parsePrometheusText(text: string): ParsedPage {
  const page = new PageBuilder();
  let start = 0;
  let lineNo = 1;
  const n = text.length;
  while (start < n) {
    let end = text.indexOf('\n', start);
    if (end === -1) end = n;
    page.line(text, start, end, lineNo);
    start = end + 1;
    lineNo++;
  }
  const families = new Map<string, MetricFamily>();
  for (const [name, f] of page.families) {
    // Families announced by HELP/TYPE alone, without samples, carry no data.
    if (f.samples.length > 0) families.set(name, { name: f.name, type: f.type, help: f.help, samples: f.samples });
  }
  return { families, issues: page.issues, sampleCount: page.sampleCount };
}
