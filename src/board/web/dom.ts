/** Small helpers to build the page's elements without HTML strings (so no logged text is ever parsed as markup). */

type Child = Node | string | null | undefined | false;

/**
 * An element with attributes (`class`, `data-*`, ...), event handlers (`onclick`, ...) and children.
 *
 * @example
 * h('button', { class: 'tab', onclick: () => show('graph') }, 'Graph');
 */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, unknown> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value as EventListener);
    else if (key in el && typeof value !== 'string') (el as unknown as Record<string, unknown>)[key] = value;
    else el.setAttribute(key, String(value));
  }
  for (const c of children) if (c !== null && c !== undefined && c !== false) el.append(c);
  return el;
}

const SVG_NS = 'http://www.w3.org/2000/svg';

/** An SVG element with attributes and children. */
export function svg<K extends keyof SVGElementTagNameMap>(tag: K, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]): SVGElementTagNameMap[K] {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [key, value] of Object.entries(attrs)) el.setAttribute(key, String(value));
  el.append(...children);
  return el;
}

/**
 * The child of `parent` with `data-key` = `key`, made by `make` if missing: views update their
 * cards in place on each refresh, so charts keep their state instead of being redrawn from nothing.
 */
export function keyed<T extends HTMLElement>(parent: HTMLElement, key: string, make: () => T): T {
  for (const child of Array.from(parent.children)) if ((child as HTMLElement).dataset['key'] === key) return child as T;
  const el = make();
  el.dataset['key'] = key;
  parent.append(el);
  return el;
}

/** Removes the keyed children of `parent` whose key is not in `keep`, calling `onRemove` for each. */
export function pruneKeyed(parent: HTMLElement, keep: ReadonlySet<string>, onRemove: (el: HTMLElement) => void = () => {}): void {
  for (const child of Array.from(parent.children) as HTMLElement[]) {
    const key = child.dataset['key'];
    if (key !== undefined && !keep.has(key)) {
      onRemove(child);
      child.remove();
    }
  }
}

/** `78500` → `78,500`. */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** A number short enough for a tooltip or label. */
export function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? Number(v.toPrecision(4)).toExponential() : String(Number(v.toPrecision(5)));
}
