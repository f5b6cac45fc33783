/** A scalar series as the file TensorBoard's download links give: CSV or JSON rows of wall time, step and value. */
import type { ScalarPoint } from './api-types.js';

/** A file to send: its body, its type, and a file name for a run and tag. */
export interface ScalarFile {
  body: string;
  type: string;
  name(run: string, tag: string): string;
}

/**
 * The series `points` as CSV (`Wall time,Step,Value`, TensorBoard's header) or JSON
 * (`[[wallTime, step, value], ...]`, TensorBoard's rows).
 *
 * @example
 * ```ts
 * scalarDownload([[0, 0.5, 1700000000]], 'csv').body; // 'Wall time,Step,Value\n1700000000,0,0.5\n'
 * ```
 */
export function scalarDownload(points: readonly ScalarPoint[], format: 'csv' | 'json'): ScalarFile {
  const rows = points.map(([step, value, wallTime]) => [wallTime, step, value]);
  const name = (run: string, tag: string): string => `${`run-${run}-tag-${tag}`.replace(/[^A-Za-z0-9._-]+/g, '_')}.${format}`;
  if (format === 'json') return { body: JSON.stringify(rows), type: 'application/json; charset=utf-8', name };
  return { body: `Wall time,Step,Value\n${rows.map((r) => r.join(',')).join('\n')}${rows.length ? '\n' : ''}`, type: 'text/csv; charset=utf-8', name };
}
