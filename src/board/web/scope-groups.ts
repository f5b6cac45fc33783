/**
 * An op graph folded by name scope, as TensorBoard draws TensorFlow's graphs: the ops under a scope
 * (`sequential/dense/MatMul` is under `sequential` and `sequential/dense`) stand as one box until
 * the scope is opened, so a graph of hundreds of ops first shows the model's few layers.
 */
import type { GraphNode } from '../api-types.js';
import { sourceName } from './graph-layout.js';

/** A node of the folded graph: an op, or a closed scope standing for `size` ops. */
export interface ScopedNode extends GraphNode {
  /** Set on a closed scope: its path (`sequential/dense`) and how many ops it holds. */
  scope?: { path: string; size: number };
}

/** The name of a closed scope's box: its path and a slash, which no op's name ends with. */
function boxName(path: string): string {
  return `${path}/`;
}

/**
 * The closed scope (or the op itself) that shows the op `name` when the scopes in `open` are open.
 * An op named as a scope (`strided_slice`, whose constants TensorFlow puts under `strided_slice/`)
 * goes into that scope's box while it is closed.
 */
function shownAs(name: string, open: ReadonlySet<string>, scopes: ReadonlySet<string>): string {
  const parts = name.split('/');
  for (let depth = 1; depth < parts.length; depth++) {
    const path = parts.slice(0, depth).join('/');
    if (!open.has(path)) return boxName(path);
  }
  return scopes.has(name) && !open.has(name) ? boxName(name) : name;
}

/** Every scope path of the graph's names (`a/b/op` → `a`, `a/b`). */
function scopePaths(nodes: readonly GraphNode[]): Set<string> {
  const paths = new Set<string>();
  for (const n of nodes) {
    const parts = n.name.split('/');
    for (let depth = 1; depth < parts.length; depth++) paths.add(parts.slice(0, depth).join('/'));
  }
  return paths;
}

/**
 * The graph with every scope not in `open` folded into one node: its inputs are what feeds its ops
 * from outside (control inputs, `^name`, left out), and the nodes it feeds read from it.
 *
 * @example
 * ```ts
 * foldScopes(nodes, new Set(['sequential'])).map((n) => n.name); // ['input', 'sequential/conv/', 'sequential/dense/', ...]
 * ```
 */
export function foldScopes(nodes: readonly GraphNode[], open: ReadonlySet<string>): ScopedNode[] {
  const folded = new Map<string, ScopedNode>();
  const scopes = scopePaths(nodes);
  const shown = new Map(nodes.map((n) => [n.name, shownAs(n.name, open, scopes)]));
  for (const n of nodes) {
    const name = shown.get(n.name)!;
    const inputs = n.inputs.filter((i) => !i.startsWith('^')).map((i) => {
      const target = shown.get(sourceName(i));
      return target === undefined || target === sourceName(i) ? i : target;
    });
    if (name === n.name) {
      folded.set(name, { ...n, inputs });
      continue;
    }
    const path = name.slice(0, -1);
    const box = folded.get(name) ?? folded.set(name, { name, op: path.split('/').pop()!, inputs: [], outputShapes: [], parameters: 0, trainableParameters: 0, scope: { path, size: 0 } }).get(name)!;
    box.scope!.size++;
    for (const i of inputs) if (i !== name && !box.inputs.includes(i)) box.inputs.push(i);
  }
  return [...folded.values()];
}

/**
 * The scopes to open first: while the folded graph shows a single closed scope (a model's
 * outermost name, `sequential`), it is opened, so the first view shows the layers within.
 *
 * @example
 * ```ts
 * firstOpenScopes(nodes); // Set { 'sequential' }
 * ```
 */
export function firstOpenScopes(nodes: readonly GraphNode[]): Set<string> {
  const open = new Set<string>();
  for (;;) {
    const scopes = foldScopes(nodes, open).filter((n) => n.scope);
    if (scopes.length !== 1) return open;
    open.add(scopes[0]!.scope!.path);
  }
}
