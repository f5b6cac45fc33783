/** The side bar's run filter: a regular expression typed in a box (as in TensorBoard); an invalid one is reported under the box and filters nothing. */
import { h } from './dom.js';

/** The filter's box and the test it applies. */
export interface RunFilter {
  element: HTMLElement;
  /** Whether the run named `name` passes the current expression (every run does while the box is empty or invalid). */
  matches(name: string): boolean;
}

/**
 * A run filter calling `onChange` whenever what it lets through changes.
 *
 * @example
 * const filter = runFilter(() => redraw());
 * aside.append(filter.element);
 * runs.filter((r) => filter.matches(r.name));
 */
export function runFilter(onChange: () => void): RunFilter {
  let pattern: RegExp | undefined;
  const message = h('p', { class: 'filter-error', id: 'run-filter-error', role: 'alert' });
  const input = h('input', {
    type: 'search', id: 'run-filter', placeholder: 'Filter runs (regex)', 'aria-describedby': 'run-filter-error', autocomplete: 'off', spellcheck: 'false',
    oninput: () => {
      message.textContent = '';
      input.removeAttribute('aria-invalid');
      try {
        pattern = input.value ? new RegExp(input.value, 'i') : undefined;
      } catch (e) {
        pattern = undefined;
        input.setAttribute('aria-invalid', 'true');
        message.textContent = `Not a regular expression: ${(e as Error).message}`;
      }
      onChange();
    },
  });
  return {
    element: h('div', { class: 'run-filter' }, h('label', { for: 'run-filter', class: 'visually-hidden' }, 'Filter runs by regular expression'), input, message),
    matches: (name) => !pattern || pattern.test(name),
  };
}
