/** Placing a graph's nodes (a model's layers or a function's ops) for drawing: rows by depth from the inputs, each row ordered to limit crossings. */
import type { GraphNode } from '../api-types.js';

/** Where a layer's box goes: its row (0 for inputs) and its position in the row. */
export interface Placed {
  node: GraphNode;
  row: number;
  column: number;
  /** The names of the layers feeding it (output indices stripped). */
  sources: string[];
}

/** The node a graph input refers to: `dense:1` → `dense`. */
export function sourceName(input: string): string {
  return input.replace(/:\d+$/, '');
}

/**
 * Rows by longest path from a node without inputs, which itself sits in the row above its first
 * reader (so an op graph's variables and constants stand beside the ops that read them); in each
 * row, nodes sorted by the mean column of the nodes feeding them, so that edges cross as little as
 * a single pass allows. A row of more than `maxColumns` nodes wraps onto several lines (`row` counts
 * lines), so that a wide graph (a convolution's many slices) stays readable.
 */
export function layoutGraph(nodes: readonly GraphNode[], maxColumns = Infinity): { placed: Placed[]; rows: number; columns: number } {
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const row = new Map<string, number>();
  const rowOf = (name: string, stack: Set<string>): number => {
    const known = row.get(name);
    if (known !== undefined) return known;
    const node = byName.get(name);
    if (!node || stack.has(name)) return 0;
    stack.add(name);
    const sources = node.inputs.map(sourceName).filter((s) => byName.has(s));
    const r = sources.length ? Math.max(...sources.map((s) => rowOf(s, stack) + 1)) : 0;
    stack.delete(name);
    row.set(name, r);
    return r;
  };
  for (const n of nodes) rowOf(n.name, new Set());
  // A node without inputs (a variable, a constant) sits just above its first reader rather than at the top.
  const firstReader = new Map<string, number>();
  for (const n of nodes) for (const s of n.inputs.map(sourceName)) firstReader.set(s, Math.min(firstReader.get(s) ?? Infinity, row.get(n.name)!));
  for (const n of nodes) if (row.get(n.name) === 0 && firstReader.has(n.name)) row.set(n.name, Math.max(0, firstReader.get(n.name)! - 1));
  const rows: GraphNode[][] = [];
  for (const n of nodes) (rows[row.get(n.name)!] ??= []).push(n);
  const column = new Map<string, number>();
  const placed: Placed[] = [];
  let line = 0;
  rows.forEach((list, r) => {
    const keyOf = (n: GraphNode): number => {
      const cols = n.inputs.map((i) => column.get(sourceName(i))).filter((c): c is number => c !== undefined);
      return cols.length ? cols.reduce((a, b) => a + b, 0) / cols.length : 0;
    };
    const sorted = r === 0 ? list : [...list].sort((a, b) => keyOf(a) - keyOf(b));
    sorted.forEach((n, c) => {
      column.set(n.name, c);
      placed.push({ node: n, row: line + Math.floor(c / maxColumns), column: c % maxColumns, sources: n.inputs.map(sourceName).filter((s) => byName.has(s)) });
    });
    line += Math.floor((sorted.length - 1) / maxColumns) + 1;
  });
  return { placed, rows: line, columns: Math.min(maxColumns, Math.max(0, ...rows.map((l) => l.length))) };
}
