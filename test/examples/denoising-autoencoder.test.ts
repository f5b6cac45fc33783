/** examples/denoising-autoencoder runs on a slice of Fashion-MNIST, denoises, and draws its picture. */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { decode as decodePng } from 'fast-png';
import { FASHION_MNIST, missing } from '../helpers/system-packages.js';

test('examples/denoising-autoencoder: trained on 512 noisy images, its outputs are closer to the clean test images than the noisy inputs are; the picture has three rows of ten', { skip: missing(FASHION_MNIST) }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-denoise-'));
  try {
    const path = fileURLToPath(new URL('../../examples/denoising-autoencoder.js', import.meta.url));
    const out = execFileSync(process.execPath, [path, '--images', '512', '--test', '100', '--epochs', '2', '--batch', '16', '--out', dir], { encoding: 'utf8' });
    assert.match(out, /Total params: 3,217 /);
    const [noisy, denoised] = /noisy MSE (\d\.\d+), denoised MSE (\d\.\d+)/.exec(out)!.slice(1).map(Number) as [number, number];
    assert.ok(noisy > 0.05, `the noise changes the images: ${out}`);
    assert.ok(denoised < 0.6 * noisy, `denoised MSE ${denoised} against the noisy images' ${noisy}`);
    const png = decodePng(readFileSync(join(dir, 'denoising.png')));
    assert.deepEqual([png.width, png.height, png.channels], [280, 84, 1]);
    const { buildDenoiser } = await import('../../examples/denoising-autoencoder.js');
    const model = buildDenoiser();
    assert.deepEqual(model.layers.map((l) => l.countParams()), [160, 1_160, 584, 1_168, 145]);
    assert.deepEqual(model.outputs[0]!.shape, [null, 28, 28, 1]);
    model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
