/** data.csv: header, typed columns, quoting (delimiters and line breaks inside quotes), labels, files streamed from disk, and its errors. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import * as s from '../../src/node/index.js';

const { data } = s;

test('rows become objects of typed values; quoted fields keep delimiters, quotes and line breaks', async () => {
  const text = 'id;name;score\n1;"Smith; J.";2.5\n2;"say ""hi""\nthen go";-1e-3\n';
  assert.deepEqual(await data.csv({ text }, { delimiter: ';' }).toArray(), [
    { id: 1, name: 'Smith; J.', score: 2.5 },
    { id: 2, name: 'say "hi"\nthen go', score: -0.001 },
  ]);
  // Types given override the guess; a label column splits each row into [features, label].
  const rows = await data.csv({ text: 'a,b,kind\n1,2,x\n3,4,y\n' }, { columns: { a: 'string' }, label: 'kind' }).toArray();
  assert.deepEqual(rows, [[{ a: '1', b: 2 }, 'x'], [{ a: '3', b: 4 }, 'y']]);
  assert.deepEqual(await data.csv({ text: '5,6\n7,8\n' }, { header: false, columnNames: ['p', 'q'] }).toArray(), [{ p: 5, q: 6 }, { p: 7, q: 8 }]);
});

test('a file is streamed in chunks (a quoted field across chunk boundaries included), and batches into tensors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'strata-csv-'));
  try {
    const path = join(dir, 'big.csv');
    const lines = ['x,y,note'];
    for (let i = 0; i < 5000; i++) lines.push(`${i},${i % 3},"a, b\n${'z'.repeat(i % 40)}"`);
    writeFileSync(path, `${lines.join('\n')}\n`);
    let count = 0;
    let sum = 0;
    for await (const row of data.csv(path)) {
      const r = row as s.data.CsvRow;
      assert.equal(r.note, `a, b\n${'z'.repeat(count % 40)}`);
      sum += r.x as number;
      count++;
    }
    assert.equal(count, 5000);
    assert.equal(sum, (4999 * 5000) / 2);
    const before = s.memory().numTensors;
    const batches = data.csv(path, { label: 'y' }).map((e) => {
      const [f, label] = e as [s.data.CsvRow, number];
      return [s.tensor([f.x as number]), label];
    }).batch(2000);
    const shapes: number[][] = [];
    for await (const b of batches) {
      const [x, y] = b as [s.Tensor, s.Tensor];
      shapes.push([...x.shape, ...y.shape]);
      s.dispose([x, y]);
    }
    assert.deepEqual(shapes, [[2000, 1, 2000], [2000, 1, 2000], [1000, 1, 1000]]);
    assert.equal(s.memory().numTensors, before);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a URL is fetched and streamed (a data: URL here)', async () => {
  assert.deepEqual(await data.csv(new URL('data:text/csv,a,b%0A1,"x%0Ay"%0A')).toArray(), [{ a: 1, b: 'x\ny' }]);
});

test('errors name the row, the column and the fix', async () => {
  await assert.rejects(data.csv({ text: 'a,b\n1,2\n3\n' }).toArray(), /row 3 has 1 fields, but there are 2 columns \(a, b\)/);
  await assert.rejects(data.csv({ text: 'a,b\n1,2\nx,4\n' }).toArray(), /column 'a' holds numbers, but row 3 has 'x'. Give it columns: \{ a: 'string' \}/);
  await assert.rejects(data.csv({ text: 'a,b\n1,2\n' }, { label: 'c' }).toArray(), /no column named 'c'; the columns are a, b/);
  await assert.rejects(data.csv({ text: 'a\n"open\n' }).toArray(), /data.csv: .*quote/i);
  assert.throws(() => data.csv({ text: '' }, { header: false }), /give the column names as columnNames/);
});
