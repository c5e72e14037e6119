import { describe, expect, it } from 'vitest';
import { loadYaml } from '../../../src/api/index.ts';

const text = [
  'kind: A', // 1
  'spec:', // 2
  '  items:', // 3
  '    - name: one', // 4
  '      size: 3', // 5
  '    - name: two', // 6
  '  empty:', // 7
  '---', // 8
  '---', // 9
  'kind: B', // 10
  '',
].join('\n');

describe('loadYaml', () => {
  const source = loadYaml(text);

  it('keeps non-empty documents with their stream index', () => {
    expect(source.errors).toEqual([]);
    expect(source.documents.map((d) => d.index)).toEqual([0, 2]);
    expect(source.documents.map((d) => d.value)).toEqual([
      { kind: 'A', spec: { items: [{ name: 'one', size: 3 }, { name: 'two' }], empty: null } },
      { kind: 'B' },
    ]);
    expect(source.documents[1]?.start).toEqual({ line: 10, col: 1 });
  });

  it('locates the value node of a field', () => {
    const doc = source.documents[0];
    expect(doc?.positionOf('spec.items[0].size')).toEqual({ line: 5, col: 13 });
    expect(doc?.positionOf(['spec', 'items', 1, 'name'])).toEqual({ line: 6, col: 13 });
  });

  it('locates the key node when asked (unknown fields)', () => {
    expect(source.documents[0]?.positionOf('spec.items[0].size', { key: true })).toEqual({ line: 5, col: 7 });
  });

  it('falls back to the key when the value is empty', () => {
    expect(source.documents[0]?.positionOf('spec.empty')).toEqual({ line: 7, col: 3 });
  });

  it('resolves an absent field to its nearest existing ancestor', () => {
    const doc = source.documents[0];
    expect(doc?.positionOf('spec.items[1].size')).toEqual({ line: 6, col: 7 });
    expect(doc?.positionOf('spec.missing.deeper')).toEqual({ line: 2, col: 1 });
    expect(doc?.positionOf('spec.items[7]')).toEqual({ line: 3, col: 3 });
    expect(doc?.positionOf('nothing')).toEqual({ line: 1, col: 1 });
  });

  it('reports syntax errors at the parser position and drops that document', () => {
    const bad = loadYaml('a: 1\n---\nb: [1, 2\nc: 3\n');
    expect(bad.documents.map((d) => d.value)).toEqual([{ a: 1 }]);
    expect(bad.errors.length).toBeGreaterThan(0);
    expect(bad.errors[0]).toMatchObject({ line: 4, col: 1 });
  });

  it('reports duplicate keys', () => {
    const bad = loadYaml('a: 1\na: 2\n');
    expect(bad.errors).toEqual([{ line: 2, col: 1, message: expect.stringContaining('unique') as string }]);
  });
});
