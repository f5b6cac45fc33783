// Gathering runs of bytes by index: the rows of a batch, the entries of an embedding.

/**
 * For x viewed as [outer, dim, run bytes], copies the runs at the `count` int32 indices at `idx` (checked
 * by the caller to lie in [0, dim)) for each of the `outer` blocks, one after another, to `out`.
 */
export function gatherRuns(x: usize, idx: usize, out: usize, outer: i32, dim: i32, count: i32, run: i32): void {
  let to = out;
  const block = <usize>dim * <usize>run;
  for (let o = 0; o < outer; o++) {
    const from = x + <usize>o * block;
    if (run == 4) {
      // Single 4-byte values (labels, a column): a load and a store each.
      for (let k = 0; k < count; k++, to += 4) store<u32>(to, load<u32>(from + (<usize>load<i32>(idx + (<usize>k << 2)) << 2)));
    } else {
      for (let k = 0; k < count; k++, to += <usize>run) memory.copy(to, from + <usize>load<i32>(idx + (<usize>k << 2)) * <usize>run, <usize>run);
    }
  }
}
