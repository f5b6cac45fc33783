/**
 * Reservoir sampling that keeps order: a uniform sample of at most `capacity` items of a stream of
 * any length, in the order they came, always holding the latest one. The dashboard keeps each tag's
 * values this way, so a run logged for a million steps costs what a thousand cost, and the chart
 * still spans the whole run and ends at its last value (TensorBoard keeps its data the same way).
 */
import { RandomGenerator } from '../core/random.js';

/** The seed of every reservoir: the same file always shows the same sample. */
const SAMPLE_SEED = 0;

/** A sample of a stream of items. */
export class Reservoir<T> {
  /** The items kept, in the order they were added; at most `capacity` of them. */
  readonly items: T[] = [];
  /** How many items were added in all. */
  seen = 0;
  private readonly random = new RandomGenerator(SAMPLE_SEED);

  /**
   * An empty reservoir keeping at most `capacity` items (a positive integer; callers check it).
   *
   * @example
   * ```ts
   * const r = new Reservoir<number>(3);
   * for (let i = 0; i < 100; i++) r.add(i);
   * r.items; // 3 of the 100 in order, the last one 99
   * ```
   */
  constructor(readonly capacity: number) {}

  /**
   * Adds an item. Once full, the n-th item (from 1) takes a uniformly chosen slot with
   * probability capacity / n (Vitter's algorithm R, so every item seen is kept with equal
   * probability); the slot's item leaves and the new one goes to the end, keeping the order.
   * When it is not chosen, it still replaces the last item, so that the latest value is shown.
   */
  add(item: T): void {
    this.seen++;
    if (this.items.length < this.capacity) {
      this.items.push(item);
      return;
    }
    const slot = this.random.int(this.seen);
    if (slot < this.capacity) {
      this.items.splice(slot, 1);
      this.items.push(item);
    } else {
      this.items[this.items.length - 1] = item;
    }
  }
}
