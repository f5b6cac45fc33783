/** Text: what a run logged as text (notes, configurations), shown as written; a table's cells as a table. */
import type { TextEntry } from '../api-types.js';
import { api } from './api.js';
import { h } from './dom.js';
import { entriesView } from './entries-view.js';

/** An entry's strings: one as preformatted text, a matrix as a table, a list one below the other. */
function showText(entry: TextEntry): Node[] {
  const [rows, columns] = entry.shape;
  if (entry.shape.length === 2 && rows !== undefined && columns !== undefined) {
    const cells = (r: number): Node[] => Array.from({ length: columns }, (_, c) => h('td', {}, entry.values[r * columns + c] ?? ''));
    return [h('table', { class: 'layers' }, ...Array.from({ length: rows }, (_, r) => h('tr', {}, ...cells(r))))];
  }
  return entry.values.map((v) => h('pre', { class: 'text' }, v));
}

/** The Text tab. */
export const textView = entriesView<TextEntry>({
  id: 'text',
  title: 'Text',
  tagsOf: (r) => r.textTags,
  fetch: api.text,
  show: (_run, _tag, entry) => showText(entry),
  empty: 'No run has text (SummaryWriter.text, tf.summary.text, or add_text in PyTorch write it).',
});
