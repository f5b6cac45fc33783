/** Guide, step 1: load Fashion-MNIST and look at it. */
import { datasets, max, min, type Tensor } from '../../src/node/index.js';

const [[xTrain, yTrain], [xTest, yTest]] = await datasets.fashionMnist.loadData();
const describe = (t: Tensor): string => `${t.dtype} [${t.shape.join(', ')}]`;
console.log(`training images ${describe(xTrain)}, labels ${describe(yTrain)}`);
console.log(`test images     ${describe(xTest)}, labels ${describe(yTest)}`);
console.log(`pixel values from ${min(xTrain).item()} to ${max(xTrain).item()}`);

const names = datasets.fashionMnist.classNames;
const counts = new Array<number>(10).fill(0);
for (const label of yTrain.dataSync()) counts[label]!++;
names.forEach((name, i) => console.log(`${i} ${name.padEnd(12)} ${counts[i]} images`));

// The first training image, drawn with characters from light to dark.
const first = xTrain.dataSync().subarray(0, 784);
console.log(`\nimage 0, labelled ${names[yTrain.dataSync()[0]!]}:`);
const shades = ' .:-=+*#%@';
for (let row = 0; row < 28; row++) {
  let line = '';
  for (let col = 0; col < 28; col++) line += shades[Math.floor((first[row * 28 + col]! / 256) * shades.length)]!.repeat(2);
  console.log(line.trimEnd());
}
