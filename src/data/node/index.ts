/** The data pipeline under Node: the browser's, with CSV files streamed from disk, image folders and file caches. */
export * from '../index.js';
export { csv } from './csv-file.js';
export { imageFolder, type ImageFolderArgs, type ImageFolderDataset } from './image-folder.js';
export type { ColorMode } from './decode-image.js';
