/** The dashboard server's JSON API, as the page calls it. */
import type { AudioResponse, GraphResponse, HParamsResponse, HistogramsResponse, ImagesResponse, PrCurvesResponse, RunsResponse, ScalarsResponse, TextResponse } from '../api-types.js';

async function getJson<T>(path: string): Promise<T> {
  const response = await fetch(path, { cache: 'no-store' });
  if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
  return (await response.json()) as T;
}

const q = (run: string): string => `run=${encodeURIComponent(run)}`;

/** Calls of the server's API. */
export const api = {
  runs: (): Promise<RunsResponse> => getJson('/api/runs'),
  scalars: (): Promise<ScalarsResponse> => getJson('/api/scalars'),
  histograms: (run: string): Promise<HistogramsResponse> => getJson(`/api/histograms?${q(run)}`),
  /** The run's layers, or with `tag` the op graph under that tag. */
  graph: (run: string, tag?: string): Promise<GraphResponse> => getJson(`/api/graph?${q(run)}${tag === undefined ? '' : `&tag=${encodeURIComponent(tag)}`}`),
  images: (run: string): Promise<ImagesResponse> => getJson(`/api/images?${q(run)}`),
  imageUrl: (run: string, tag: string, index: number, version: number, sample = 0): string =>
    `/api/image?${q(run)}&tag=${encodeURIComponent(tag)}&index=${index}&sample=${sample}&v=${version}`,
  /** A scalar series as a file to download: TensorBoard's CSV or JSON rows of wall time, step and value. */
  scalarFileUrl: (run: string, tag: string, format: 'csv' | 'json'): string => `/api/scalars?${q(run)}&tag=${encodeURIComponent(tag)}&format=${format}`,
  prCurves: (run: string): Promise<PrCurvesResponse> => getJson(`/api/pr-curves?${q(run)}`),
  text: (run: string): Promise<TextResponse> => getJson(`/api/text?${q(run)}`),
  audio: (run: string): Promise<AudioResponse> => getJson(`/api/audio?${q(run)}`),
  /** Every hparams session, with its hyperparameters and final metrics. */
  hparams: (): Promise<HParamsResponse> => getJson('/api/hparams'),
  audioUrl: (run: string, tag: string, index: number, version: number, sample = 0): string =>
    `/api/audio-clip?${q(run)}&tag=${encodeURIComponent(tag)}&index=${index}&sample=${sample}&v=${version}`,
};
