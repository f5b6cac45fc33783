/** Images: filters and feature maps as logged, with a slider to go through the epochs. */
import type { ImagesResponse } from '../api-types.js';
import { h, keyed, pruneKeyed } from './dom.js';
import { api } from './api.js';
import { emptyNote, pickRun, type View } from './view.js';

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
    const tags = Object.keys(cache.data);
    pruneKeyed(grid, new Set(tags));
    for (const tag of tags) imageCard(grid, run, tag, cache.data[tag]!, cache.version);
  },
};

function imageCard(grid: HTMLElement, run: string, tag: string, entries: ImagesResponse[string], version: number): void {
  const card = keyed(grid, tag, () =>
    h('section', { class: 'card image-card' }, h('h3', {}, tag), h('p', { class: 'sub' }), h('img', { alt: tag }), h('input', { type: 'range', min: 0, step: 1 })),
  );
  const slider = card.querySelector('input')!;
  const img = card.querySelector('img')!;
  const sub = card.querySelector('.sub')!;
  const atEnd = slider.dataset['count'] === undefined || Number(slider.value) === Number(slider.dataset['count']) - 1;
  slider.max = String(entries.length - 1);
  slider.dataset['count'] = String(entries.length);
  slider.hidden = entries.length < 2;
  // Follow the newest image unless the user went back to an earlier one.
  if (atEnd) slider.value = String(entries.length - 1);
  const show = (): void => {
    const i = Number(slider.value);
    const e = entries[i]!;
    const scale = Math.max(1, MIN_WIDTH / e.width);
    img.width = Math.round(e.width * scale);
    img.height = Math.round(e.height * scale);
    img.src = api.imageUrl(run, tag, i, version);
    sub.textContent = `epoch ${e.step} · ${e.width}×${e.height} px${entries.length > 1 ? ` · ${i + 1} of ${entries.length}` : ''}`;
  };
  slider.oninput = show;
  show();
}
