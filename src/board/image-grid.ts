/**
 * Pictures of what a network computes: tiles (convolution filters, a dense layer's weights laid
 * out as its input image, feature maps) each stretched to the full grey or colour range and laid
 * out on a grid with coloured gaps, for image summaries.
 */
import { ValueError } from '../core/errors.js';
import { checkOptions, optionKeys } from '../core/options.js';
import type { Pixels } from './summary-values.js';

/** One tile: `height × width × channels` numbers (channels 1 or 3), row by row. */
export interface Tile {
  height: number;
  width: number;
  channels: 1 | 3;
  values: ArrayLike<number>;
}

/** Options of `tileGrid`. */
export interface TileGridArgs {
  /** Tiles per row (default: a near-square grid). */
  columns?: number;
  /** Each tile is enlarged by this whole factor (default: so that its longer side is at least 24 pixels). */
  scale?: number;
}

const TILE_GRID_KEYS = optionKeys<TileGridArgs>({ columns: true, scale: true });

const GAP = 2;
/** A blue-grey no tile pixel has, so tiles stay apart whatever their edges (black, white or grey). */
const GAP_COLOUR = [159, 179, 200];

/**
 * Lays tiles out on a grid, as an RGB picture with 2-pixel blue-grey gaps. Each tile is stretched
 * on its own from its minimum (black) to its maximum (white), since filters and activations have
 * arbitrary scales.
 */
export function tileGrid(tiles: readonly Tile[], args: TileGridArgs = {}): Pixels {
  checkOptions('tileGrid', args, TILE_GRID_KEYS);
  if (tiles.length === 0) throw new ValueError('tileGrid: no tiles to draw.');
  const { height, width, channels } = tiles[0]!;
  if (tiles.some((t) => t.height !== height || t.width !== width || t.channels !== channels)) {
    throw new ValueError('tileGrid: every tile must have the same height, width and channels.');
  }
  const scale = args.scale ?? Math.max(1, Math.ceil(24 / Math.max(height, width)));
  const columns = args.columns ?? Math.ceil(Math.sqrt(tiles.length));
  const rows = Math.ceil(tiles.length / columns);
  const tileW = width * scale;
  const tileH = height * scale;
  const outW = columns * tileW + (columns + 1) * GAP;
  const outH = rows * tileH + (rows + 1) * GAP;
  const data = new Uint8Array(outW * outH * 3);
  for (let i = 0; i < data.length; i++) data[i] = GAP_COLOUR[i % 3]!;
  tiles.forEach((tile, k) => {
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < tile.values.length; i++) {
      const v = tile.values[i]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const range = hi - lo || 1;
    const x0 = GAP + (k % columns) * (tileW + GAP);
    const y0 = GAP + Math.floor(k / columns) * (tileH + GAP);
    for (let y = 0; y < tileH; y++) {
      for (let x = 0; x < tileW; x++) {
        const src = (Math.floor(y / scale) * width + Math.floor(x / scale)) * channels;
        const dst = ((y0 + y) * outW + x0 + x) * 3;
        for (let c = 0; c < 3; c++) data[dst + c] = Math.round(((tile.values[src + (channels === 3 ? c : 0)]! - lo) / range) * 255);
      }
    }
  });
  return { width: outW, height: outH, channels: 3, data };
}

/** At most this many tiles are drawn per picture, so that a wide layer stays legible. */
export const MAX_TILES = 64;

/**
 * The filters of a convolution kernel laid out Keras's way, `[kh, kw, inChannels, filters]`: one
 * colour tile per filter when the input has 3 channels, otherwise one grey tile per filter and
 * input channel (the first 8 input channels), a row per filter.
 */
export function kernelTiles(kernel: Float32Array | Float64Array, shape: readonly number[]): { tiles: Tile[]; columns: number } {
  const [kh, kw, inC, outC] = shape as [number, number, number, number];
  const filters = Math.min(outC, MAX_TILES);
  const at = (y: number, x: number, c: number, o: number): number => kernel[((y * kw + x) * inC + c) * outC + o]!;
  if (inC === 3) {
    const tiles = Array.from({ length: filters }, (_, o) => {
      const values = new Float32Array(kh * kw * 3);
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) for (let c = 0; c < 3; c++) values[(y * kw + x) * 3 + c] = at(y, x, c, o);
      return { height: kh, width: kw, channels: 3 as const, values };
    });
    return { tiles, columns: Math.ceil(Math.sqrt(filters)) };
  }
  const channels = Math.min(inC, 8);
  const tiles: Tile[] = [];
  for (let o = 0; o < filters; o++) {
    for (let c = 0; c < channels; c++) {
      const values = new Float32Array(kh * kw);
      for (let y = 0; y < kh; y++) for (let x = 0; x < kw; x++) values[y * kw + x] = at(y, x, c, o);
      tiles.push({ height: kh, width: kw, channels: 1, values });
    }
  }
  return { tiles, columns: channels === 1 ? Math.ceil(Math.sqrt(filters)) : channels };
}

/**
 * The weights into each of a dense layer's first units, `[inputs, units]`, laid out as the
 * `height × width` image the inputs were flattened from: the pattern each unit responds to.
 */
export function denseTiles(kernel: Float32Array | Float64Array, shape: readonly number[], height: number, width: number): Tile[] {
  const [inputs, units] = shape as [number, number];
  if (inputs !== height * width) throw new ValueError(`denseTiles: ${inputs} inputs do not form a ${height}×${width} image.`);
  return Array.from({ length: Math.min(units, MAX_TILES) }, (_, u) => {
    const values = new Float32Array(inputs);
    for (let i = 0; i < inputs; i++) values[i] = kernel[i * units + u]!;
    return { height, width, channels: 1 as const, values };
  });
}

/** The channels of one feature map `[height, width, channels]` as grey tiles (the first 64). */
export function featureMapTiles(map: ArrayLike<number>, height: number, width: number, channels: number): Tile[] {
  return Array.from({ length: Math.min(channels, MAX_TILES) }, (_, c) => {
    const values = new Float32Array(height * width);
    for (let i = 0; i < height * width; i++) values[i] = map[i * channels + c]!;
    return { height, width, channels: 1 as const, values };
  });
}
