// Transposes of 4-byte elements: x viewed as [batch, rows, cols, inner] becomes [batch, cols, rows, inner].

const TILE = 16;

/** Writes `out[b, c, r, i] = x[b, r, c, i]` for 4-byte elements; 2-D transposes go tile by tile so both sides stay in cache. */
export function transpose32(x: usize, out: usize, batch: i32, rows: i32, cols: i32, inner: i32): void {
  const plane = <usize>rows * <usize>cols * <usize>inner << 2;
  for (let b = 0; b < batch; b++) {
    const src = x + <usize>b * plane;
    const dst = out + <usize>b * plane;
    if (inner == 1) {
      for (let r0 = 0; r0 < rows; r0 += TILE) {
        const r1 = min(r0 + TILE, rows);
        for (let c0 = 0; c0 < cols; c0 += TILE) {
          const c1 = min(c0 + TILE, cols);
          for (let r = r0; r < r1; r++) {
            for (let c = c0; c < c1; c++) {
              store<u32>(dst + (<usize>(c * rows + r) << 2), load<u32>(src + (<usize>(r * cols + c) << 2)));
            }
          }
        }
      }
    } else {
      const run = <usize>inner << 2;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < cols; c++) {
          memory.copy(dst + <usize>(c * rows + r) * run, src + <usize>(r * cols + c) * run, run);
        }
      }
    }
  }
}
