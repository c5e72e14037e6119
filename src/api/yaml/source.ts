import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Document, type Node } from 'yaml';
import { parsePath, type PathSegment } from '../fieldpath.ts';

// Multi-document YAML with source positions kept, so findings on a field path can be reported as
// `file:line:col`. Generic: nothing here knows about Grove.

export interface SourcePosition {
  // 1-based, as editors count.
  readonly line: number;
  readonly col: number;
}

export interface YamlProblem extends SourcePosition {
  readonly message: string;
}

export interface SourceDocument {
  // Position of the document among all documents in the stream, counting empty ones.
  readonly index: number;
  readonly value: unknown;
  readonly start: SourcePosition;
  // Locates a field. `key: true` points at the key (for unknown fields); otherwise at the value.
  // An absent field resolves to its nearest existing ancestor.
  positionOf(path: string | readonly PathSegment[], options?: { readonly key?: boolean }): SourcePosition;
}

export interface YamlSource {
  readonly documents: readonly SourceDocument[];
  // Syntax errors; documents with errors are left out of `documents`.
  readonly errors: readonly YamlProblem[];
}

type Pos = (offset: number) => SourcePosition;

export function loadYaml(text: string): YamlSource {
  const lineCounter = new LineCounter();
  const parsed = parseAllDocuments(text, { lineCounter, prettyErrors: false });
  const pos: Pos = (offset) => {
    const p = lineCounter.linePos(offset);
    return { line: p.line, col: p.col };
  };
  const errors: YamlProblem[] = [];
  const documents: SourceDocument[] = [];
  // An empty stream parses to an empty array-like EmptyStream.
  Array.from(parsed).forEach((doc, index) => {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push({ ...pos(e.pos[0]), message: e.message });
      return;
    }
    // Empty documents (`---` with nothing after it) carry no object.
    if (doc.contents === null || doc.toJS() == null) return;
    documents.push(sourceDocument(doc, index, pos));
  });
  return { documents, errors };
}

function startOf(node: Node | null | undefined): number | undefined {
  return node?.range?.[0];
}

function sourceDocument(doc: Document.Parsed, index: number, pos: Pos): SourceDocument {
  const rootStart = startOf(doc.contents) ?? 0;
  return {
    index,
    value: doc.toJS({ maxAliasCount: 100 }) as unknown,
    start: pos(rootStart),
    positionOf(path, options) {
      const segments = typeof path === 'string' ? parsePath(path) : path;
      return pos(locate(doc.contents, segments, options?.key === true) ?? rootStart);
    },
  };
}

// `key:` with nothing after it parses to a zero-width null scalar placed at the line's end.
function isEmpty(node: Node | null): boolean {
  return node === null || (node.range !== undefined && node.range !== null && node.range[0] === node.range[1]);
}

// Walks the node tree; returns the offset of the best node for the path.
function locate(root: Node | null, segments: readonly PathSegment[], wantKey: boolean): number | undefined {
  let node: Node | null | undefined = root;
  let best = startOf(root);
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i];
    const last = i === segments.length - 1;
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (pair === undefined) return best;
      const keyStart = startOf(pair.key as Node | null);
      const value = pair.value as Node | null;
      if (last) return wantKey || isEmpty(value) ? (keyStart ?? best) : (startOf(value) ?? keyStart ?? best);
      best = keyStart ?? best;
      node = value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | null | undefined;
      if (item === undefined || item === null) return best;
      best = startOf(item) ?? best;
      if (last) return best;
      node = item;
    } else {
      return best;
    }
  }
  return best;
}
