/**
 * The Debian packages some tests read (the Fashion-MNIST data set, word lists, chromium), where
 * each is looked for, and the message a test skips with when one is absent: `npm test` on a machine
 * without them skips those tests and says what to install; `.ci/run` installs them all.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** Something a test needs from the system: the Debian packages that provide it and the files they install. */
export interface SystemNeed {
  /** What it is, for the message. */
  what: string;
  /** The Debian packages to install. */
  packages: string[];
  /** Files or directories that must all exist. */
  paths: string[];
}

/** Fashion-MNIST's four gzip IDX files; FMNIST_DIR points the tests at another directory. */
export const FASHION_MNIST: SystemNeed = {
  what: 'the Fashion-MNIST data set',
  packages: ['dataset-fashion-mnist'],
  paths: [process.env['FMNIST_DIR'] ?? '/usr/share/datasets/fashion-mnist'],
};

/** Where the word lists are; each language's list comes from its own package. */
export const DICT_DIR = '/usr/share/dict';

/** The word lists of the five languages of the word-language model. */
export const WORD_LISTS: SystemNeed = {
  what: 'the word lists of five languages',
  packages: ['wamerican', 'wfrench', 'wngerman', 'witalian', 'wspanish'],
  paths: ['american-english', 'french', 'ngerman', 'italian', 'spanish'].map((file) => join(DICT_DIR, file)),
};

/** Debian's chromium, which playwright-core drives for the browser tests. */
export const CHROMIUM: SystemNeed = { what: 'chromium', packages: ['chromium'], paths: ['/usr/bin/chromium'] };

/** The font PNG figures draw their text with (strata plot, strata lab). */
export const FONT: SystemNeed = { what: 'a TrueType font', packages: ['fonts-dejavu-core'], paths: ['/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf'] };

/**
 * For a test's `skip` option: false when everything `needs` names is there, else the message
 * saying what to install.
 *
 * @example
 * test('trains on Fashion-MNIST', { skip: missing(FASHION_MNIST) }, async () => { ... });
 */
export function missing(...needs: SystemNeed[]): string | false {
  const absent = needs.filter((need) => !need.paths.every((path) => existsSync(path)));
  if (absent.length === 0) return false;
  const packages = absent.flatMap((need) => need.packages);
  const looked = absent.flatMap((need) => need.paths.filter((path) => !existsSync(path)));
  return `skipped: install the Debian package${packages.length > 1 ? 's' : ''} ${packages.join(' ')} (apt-get install ${packages.join(' ')}) for ${absent.map((n) => n.what).join(' and ')}; not found: ${looked.join(', ')}`;
}
