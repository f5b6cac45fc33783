/**
 * Images: filters and feature maps as logged, with a slider to go through the epochs; a tag logged
 * with several samples a step (TensorFlow 2's `max_outputs`) gets a card per sample.
 */
import type { ImagesResponse } from '../api-types.js';
import { h, keyed, pruneKeyed } from './dom.js';
import { api } from './api.js';
import { emptyNote, followSlider, pickRun, type View } from './view.js';

/** Smaller images (a grid of 3×3 filters) are shown this wide, their pixels kept sharp. */
const MIN_WIDTH = 480;

let cache: { run: string; data: ImagesResponse; version: number } | undefined;

/** The Images tab. */
export const imagesView: View = {
  id: 'images',
  title: 'Images',
  async render(main, ctx, changed) {
    const toolbar = keyed(main, 'toolbar', () => h('div', { class: 'toolbar' }));
    const run = pickRun('images', ctx, toolbar, (r) => r.imageTags.length > 0);
    const grid = keyed(main, 'grid', () => h('div', { class: 'grid' }));
    const note = keyed(main, 'note', () => h('div'));
    if (!run) {
      pruneKeyed(grid, new Set());
      note.replaceChildren(emptyNote('No run has images yet (TensorBoard writes first-layer filters, and feature maps when asked).'));
      return;
    }
    note.replaceChildren();
    const version = ctx.runs.find((r) => r.name === run)!.version;
    if (changed || cache?.run !== run) cache = { run, data: await api.images(run), version };
    if (grid.dataset['run'] !== run) pruneKeyed(grid, new Set());
    grid.dataset['run'] = run;
    const cards = Object.entries(cache.data).flatMap(([tag, entries]) => {
      const samples = Math.max(...entries.map((e) => e.samples));
      return Array.from({ length: samples }, (_, sample) => ({ tag, sample, samples, entries: entries.filter((e) => e.samples > sample) }));
    });
    const key = (c: (typeof cards)[number]): string => JSON.stringify([c.tag, c.sample]);
    pruneKeyed(grid, new Set(cards.map(key)));
    for (const c of cards) imageCard(grid, key(c), run, c, cache.version);
  },
};

/** One card: sample `sample` of the tag's images over the steps that logged it. */
function imageCard(grid: HTMLElement, key: string, run: string, { tag, sample, samples, entries }: { tag: string; sample: number; samples: number; entries: ImagesResponse[string] }, version: number): void {
  const title = samples > 1 ? `${tag} · sample ${sample + 1} of ${samples}` : tag;
  const card = keyed(grid, key, () =>
    h('section', { class: 'card image-card' }, h('h3', {}, title), h('p', { class: 'sub' }), h('img', { alt: title }), h('input', { type: 'range', min: 0, step: 1, 'aria-label': `${title}: step` })),
  );
  const slider = card.querySelector('input')!;
  const img = card.querySelector('img')!;
  const sub = card.querySelector('.sub')!;
  followSlider(slider, entries.length);
  const show = (): void => {
    const i = Number(slider.value);
    const e = entries[i]!;
    const scale = Math.max(1, MIN_WIDTH / e.width);
    img.width = Math.round(e.width * scale);
    img.height = Math.round(e.height * scale);
    img.src = api.imageUrl(run, tag, i, version, sample);
    sub.textContent = `step ${e.step} · ${e.width}×${e.height} px${entries.length > 1 ? ` · ${i + 1} of ${entries.length}` : ''}`;
  };
  slider.oninput = show;
  show();
}
