/**
 * The model file formats Strata knows, how a file's format is recognised (by its bytes, never by
 * its name: a Keras 2.11 file named `model.keras` is HDF5 inside), and how a path to save to picks
 * one (by its name).
 */
import { ValueError } from '../core/errors.js';
import type { ModelFormat } from './artifacts.js';
import { kerasHdf5Format } from './keras/hdf5-format.js';
import { kerasZipFormat } from './keras/keras-zip-format.js';
import { strataFormat } from './strata-format.js';

/** Every known format, in the order they are tried. */
const FORMATS: ModelFormat[] = [strataFormat, kerasZipFormat, kerasHdf5Format];

/** The known formats (for `strata convert --help` and error messages). */
export function modelFormats(): readonly ModelFormat[] {
  return FORMATS;
}

/** How many leading bytes `detect` is given. */
export const DETECT_BYTES = 1024;

/**
 * The format of a file whose first bytes are `head`; a ValueError naming `source` and the
 * formats Strata reads when none matches.
 *
 * @example
 * detectModelFormat(bytes.subarray(0, DETECT_BYTES), 'model.keras').name; // 'keras' or 'hdf5'
 */
export function detectModelFormat(head: Uint8Array, source: string): ModelFormat {
  const found = FORMATS.find((f) => f.read && f.detect?.(head));
  if (found) return found;
  const readable = FORMATS.filter((f) => f.read).map((f) => f.description).join('; ');
  const shown = [...head.subarray(0, 8)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  throw new ValueError(`${source}: not a model file Strata can read (it starts with bytes ${shown || '(none: the file is empty)'}). Strata reads: ${readable}.`);
}

/**
 * The format `model.save(path)` writes: the one whose name pattern `path` matches, else Strata's
 * own. (The name decides when saving; the bytes decide when loading.)
 *
 * @example
 * modelFormatForPath('best.keras').name; // 'keras'
 * modelFormatForPath('run/model').name;  // 'strata' unless a format claims it
 */
export function modelFormatForPath(path: string): ModelFormat {
  return FORMATS.find((f) => f.write && f !== strataFormat && f.matchesPath(path)) ?? strataFormat;
}

/** The format named `name` (as `strata convert --to` takes it); a ValueError listing the names when unknown. */
export function modelFormatNamed(name: string): ModelFormat {
  const found = FORMATS.find((f) => f.name === name.toLowerCase());
  if (!found) throw new ValueError(`unknown model format '${name}'; known formats: ${FORMATS.map((f) => f.name).join(', ')}.`);
  return found;
}
