/** Bilinear resizing of an image's pixels (height × width × channels, row-major), as Keras resizes images it loads. */

/** An image's pixels, row-major `[height, width, channels]`. */
export interface Pixels {
  data: Float32Array;
  height: number;
  width: number;
  channels: number;
}

/**
 * The image resized to `height` × `width` by bilinear interpolation with half-pixel centres (what
 * `tf.image.resize` does without antialiasing, Keras's default when it loads image folders).
 *
 * @example
 * resizeBilinear({ data: new Float32Array([0, 2]), height: 1, width: 2, channels: 1 }, 1, 4).data; // [0, 0.5, 1.5, 2]
 */
export function resizeBilinear(image: Pixels, height: number, width: number): Pixels {
  if (image.height === height && image.width === width) return image;
  const { data, channels } = image;
  const out = new Float32Array(height * width * channels);
  const sy = image.height / height;
  const sx = image.width / width;
  for (let y = 0; y < height; y++) {
    const [y0, y1, fy] = sourceSpan((y + 0.5) * sy - 0.5, image.height);
    for (let x = 0; x < width; x++) {
      const [x0, x1, fx] = sourceSpan((x + 0.5) * sx - 0.5, image.width);
      for (let c = 0; c < channels; c++) {
        const at = (yy: number, xx: number): number => data[(yy * image.width + xx) * channels + c]!;
        const top = at(y0, x0) + (at(y0, x1) - at(y0, x0)) * fx;
        const bottom = at(y1, x0) + (at(y1, x1) - at(y1, x0)) * fx;
        out[(y * width + x) * channels + c] = top + (bottom - top) * fy;
      }
    }
  }
  return { data: out, height, width, channels };
}

/** The two source rows (or columns) around a coordinate, clamped to the image, and the weight of the second. */
function sourceSpan(at: number, size: number): [number, number, number] {
  const clamped = Math.min(Math.max(at, 0), size - 1);
  const lo = Math.floor(clamped);
  return [lo, Math.min(lo + 1, size - 1), clamped - lo];
}
