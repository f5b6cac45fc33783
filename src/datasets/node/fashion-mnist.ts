/**
 * Fashion-MNIST (Zalando, 2017): 70,000 28×28 grayscale images of clothing in 10 classes,
 * 60,000 for training and 10,000 for testing, as the four gzip IDX files Keras downloads.
 */
import { ImageDataset } from './image-dataset.js';

/** The class of each Fashion-MNIST label, 0 to 9. */
export const FASHION_MNIST_CLASSES = ['T-shirt/top', 'Trouser', 'Pullover', 'Dress', 'Coat', 'Sandal', 'Shirt', 'Sneaker', 'Bag', 'Ankle boot'] as const;

/**
 * Fashion-MNIST. `loadData()` reads it from `dataDir` / `STRATA_DATA_DIR`, Strata's cache, or
 * the Debian package `dataset-fashion-mnist` (/usr/share/datasets/fashion-mnist), and otherwise
 * downloads it once (30 MB) from Keras's mirror, checking each file's size and SHA-256.
 *
 * @example
 * const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
 * datasets.fashionMnist.classNames[yTrain.dataSync()[0]!]; // 'Ankle boot'
 */
export const fashionMnist = new ImageDataset({
  name: 'fashion-mnist',
  title: 'Fashion-MNIST',
  classNames: FASHION_MNIST_CLASSES,
  systemPackage: { dir: 'fashion-mnist', install: 'apt-get install dataset-fashion-mnist' },
  // The original files as Keras's mirror serves them. Debian's package holds the same compressed
  // data under another gzip header (no file name, a later date), so its files differ from these
  // checksums; local files are checked by the IDX reader's size checks instead.
  remote: {
    'train-labels-idx1-ubyte.gz': { size: 29515, sha256: 'a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845' },
    'train-images-idx3-ubyte.gz': { size: 26421880, sha256: '3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84' },
    't10k-labels-idx1-ubyte.gz': { size: 5148, sha256: '67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5' },
    't10k-images-idx3-ubyte.gz': { size: 4422102, sha256: '346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073' },
  },
});
