/**
 * The model files written by Keras and TF.js that live beside the repository
 * (shared/fixtures/interop), with the facts an independent reader recorded about each
 * (expected.json). Tests read them there, never from a copy, and skip when they are absent.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the fixtures. */
export const INTEROP = fileURLToPath(new URL('../../../../shared/fixtures/interop/', import.meta.url));

/** A skip reason when the fixtures are absent, else undefined. */
export function interopMissing(): string | undefined {
  return existsSync(join(INTEROP, 'expected.json')) ? undefined : `no interop fixtures at ${INTEROP} (the shared/ folder beside the repository)`;
}
