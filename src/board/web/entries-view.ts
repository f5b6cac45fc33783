/**
 * A view of one run's logged entries listed by tag, newest first (the Text and Audio tabs): one
 * card per tag, each entry under its step. Every string from the logs goes in as text, never markup.
 */
import type { RunInfo } from '../api-types.js';
import { h, keyed } from './dom.js';
import { emptyNote, pickRun, type View } from './view.js';

/** What sets one entries view apart from another. */
export interface EntriesViewSpec<E extends { step: number }> {
  id: string;
  title: string;
  /** The run's tags of this kind. */
  tagsOf(run: RunInfo): string[];
  /** The run's entries, by tag. */
  fetch(run: string): Promise<Record<string, E[]>>;
  /** The elements showing entry `index` of `tag` (the step is written above them). */
  show(run: string, tag: string, entry: E, index: number, version: number): Node[];
  /** The sentence shown when no run has entries of this kind. */
  empty: string;
}

/**
 * A tab listing each tag's entries of the chosen run, newest first.
 *
 * @example
 * ```ts
 * const textView = entriesView({ id: 'text', title: 'Text', tagsOf: (r) => r.textTags, fetch: api.text, show: ..., empty: 'No text.' });
 * ```
 */
export function entriesView<E extends { step: number }>(spec: EntriesViewSpec<E>): View {
  let cache: { run: string; data: Record<string, E[]>; version: number } | undefined;
  return {
    id: spec.id,
    title: spec.title,
    async render(main, ctx, changed) {
      const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
      const run = pickRun(spec.id, ctx, toolbar, (r) => spec.tagsOf(r).length > 0);
      const list = keyed(main, 'list', () => h('div', { class: 'entries' }));
      const note = keyed(main, 'note', () => h('div'));
      if (!run) {
        list.replaceChildren();
        note.replaceChildren(emptyNote(spec.empty));
        return;
      }
      note.replaceChildren();
      const version = ctx.runs.find((r) => r.name === run)!.version;
      if (!changed && cache?.run === run) return;
      cache = { run, data: await spec.fetch(run), version };
      const cards = Object.entries(cache.data).map(([tag, entries]) => {
        const items = entries.map((e, i) => h('div', { class: 'entry' }, h('p', { class: 'sub' }, `step ${e.step}`), ...spec.show(run, tag, e, i, version))).reverse();
        return h('section', { class: 'card entries-card', 'data-tag': tag }, h('h3', {}, tag), ...items);
      });
      list.replaceChildren(...cards);
    },
  };
}
