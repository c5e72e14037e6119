// Every decision explains itself in sentences, but most are never read: the live loop prints a decision's
// sentences only when it changes something, and the simulator never. Formatting numbers into text is a fair
// share of a decision's cost, so sentences that format numbers are kept as closures and written out on first
// read. A closure must only capture values that no later step changes.

export type Sentence = string | (() => string);

export class Explanation {
  readonly #sentences: Sentence[];
  #text: readonly string[] | undefined;

  constructor(sentences: readonly Sentence[] = []) {
    this.#sentences = [...sentences];
  }

  push(...sentences: readonly Sentence[]): void {
    this.#sentences.push(...sentences);
    this.#text = undefined;
  }

  /** A copy with more sentences; this one keeps its own. */
  with(...sentences: readonly Sentence[]): Explanation {
    return new Explanation([...this.#sentences, ...sentences]);
  }

  /** The sentences, in the order the steps ran. */
  get text(): readonly string[] {
    this.#text ??= this.#sentences.map((s) => (typeof s === 'string' ? s : s()));
    return this.#text;
  }
}
