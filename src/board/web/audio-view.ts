/** Audio: the sounds a run logged, each clip with a player and its label. */
import type { AudioEntry } from '../api-types.js';
import { api } from './api.js';
import { h } from './dom.js';
import { entriesView } from './entries-view.js';

/** The Audio tab. */
export const audioView = entriesView<AudioEntry>({
  id: 'audio',
  title: 'Audio',
  tagsOf: (r) => r.audioTags,
  fetch: api.audio,
  show: (run, tag, entry, index, version) =>
    Array.from({ length: entry.samples }, (_, k) =>
      h('figure', { class: 'clip' },
        h('audio', { controls: true, preload: 'none', src: api.audioUrl(run, tag, index, version, k), 'aria-label': `${tag}, step ${entry.step}, clip ${k + 1}` }),
        h('figcaption', {}, [entry.labels?.[k], entry.sampleRate ? `${entry.sampleRate} Hz` : undefined].filter(Boolean).join(' · '))),
    ),
  empty: 'No run has audio (tf.summary.audio, or add_audio in PyTorch, write it).',
});
