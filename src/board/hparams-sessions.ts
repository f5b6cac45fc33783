/**
 * The HParams table: each run that logged its hyperparameters, beside its final metrics, as
 * TensorBoard's hparams plugin gathers them when no experiment lists the metrics: every scalar of
 * the session's run and of the runs below it, at its last step.
 */
import type { HParamsSession } from './api-types.js';
import type { RunData } from './event-reader.js';

/** True when run `name` is `session` or lies below it (`.` is the log directory, above every run). */
function isBelow(name: string, session: string): boolean {
  return session === '.' || name === session || name.startsWith(`${session}/`);
}

/**
 * The sessions among `runs` (a log directory's), each with the last value of every scalar of the
 * runs it holds, named by their path below it (`train/epoch_loss`, or `epoch_loss` in its own run).
 * A run below two sessions belongs to the deeper one.
 *
 * @example
 * ```ts
 * hparamsSessions(dir.list());
 * // [{ run: 'lr-0.01', hparams: { learning_rate: 0.01 }, status: 'success', metrics: { 'train/epoch_loss': 0.31, 'validation/epoch_loss': 0.35 } }]
 * ```
 */
export function hparamsSessions(runs: readonly RunData[]): HParamsSession[] {
  const sessions = runs.filter((r) => r.session?.hparams);
  const table = new Map(sessions.map((s) => [s.name, { run: s.name, hparams: s.session!.hparams!, ...(s.session!.status ? { status: s.session!.status } : {}), metrics: {} as Record<string, number> }]));
  for (const run of runs) {
    const owner = sessions.filter((s) => isBelow(run.name, s.name)).sort((a, b) => b.name.length - a.name.length)[0];
    if (!owner) continue;
    const path = run.name === owner.name ? '' : owner.name === '.' ? `${run.name}/` : `${run.name.slice(owner.name.length + 1)}/`;
    const metrics = table.get(owner.name)!.metrics;
    for (const [tag, values] of run.scalars) {
      const last = values.items.at(-1);
      if (last) metrics[`${path}${tag}`] = last[1];
    }
  }
  return [...table.values()];
}
