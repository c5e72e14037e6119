// The HPA sends the same few selectors on every sync, so parsing each request's selector text again is
// wasted work. Parsing is a pure function of the text and a parsed selector is a value, so parsed results
// are shared (frozen, so no reader can change what another receives). Bounded: a flood of distinct
// selectors only costs re-parsing.
import { tryParseSelector, type Selector } from '../kube/selector.ts';
import { boundedMemo } from './memo.ts';

export type SelectorParse = { readonly ok: true; readonly selector: Selector } | { readonly ok: false; readonly error: string };

function frozen(result: SelectorParse): SelectorParse {
  if (result.ok) {
    for (const r of result.selector.requirements) Object.freeze(Object.freeze(r).values);
    Object.freeze(result.selector.requirements);
    Object.freeze(result.selector);
  }
  return Object.freeze(result);
}

/** `tryParseSelector`, remembered by input text. */
export const parseSelectorMemo: (text: string) => SelectorParse = boundedMemo(
  1024,
  (text: string) => text,
  (text: string) => frozen(tryParseSelector(text)),
);
