/**
 * The model files written by Keras and TF.js that live beside the repository
 * (shared/fixtures/interop), with the facts an independent reader recorded about each
 * (expected.json). Tests read them there, never from a copy, and skip when they are absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The folder of the fixtures. */
export const INTEROP = fileURLToPath(new URL('../../../../shared/fixtures/interop/', import.meta.url));

/** A skip reason when the fixtures are absent, else undefined. */
export function interopMissing(): string | undefined {
  return existsSync(join(INTEROP, 'expected.json')) ? undefined : `no interop fixtures at ${INTEROP} (the shared/ folder beside the repository)`;
}

/** What expected.json records of one fixture. */
export interface InteropFixture {
  folder: string;
  format: string;
  files: { file: string }[];
  model_params: number;
  layers: { class: string; name: string }[];
  weights: { path: string; shape: number[] }[];
  stats: Record<string, number | string | number[]>;
  extra: { optimizer_weights?: { count: number }; compile?: { optimizer: string } };
}

/** Every fixture of expected.json, by folder. */
export function interopFixtures(): Record<string, InteropFixture> {
  return JSON.parse(readFileSync(join(INTEROP, 'expected.json'), 'utf8')).fixtures as Record<string, InteropFixture>;
}

/** Mean and (population) standard deviation, in float64, as expected.json's statistics are. */
export function meanStd(values: ArrayLike<number>): [number, number] {
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += values[i]!;
  const mean = sum / values.length;
  let sq = 0;
  for (let i = 0; i < values.length; i++) sq += (values[i]! - mean) ** 2;
  return [mean, Math.sqrt(sq / values.length)];
}
