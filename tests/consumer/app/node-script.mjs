// A Node script using the installed package: embed, search and cluster with a model folder.
import { Clipscope } from 'clipscope';
import { decodeImage } from 'clipscope/advanced';

const model = process.argv[2];
const engine = await Clipscope.create({ model, dtype: 'fp32' });
const solid = (rgb) => {
  const data = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < data.length; i++) data[i] = rgb[i % 3];
  return { data, width: 32, height: 32, channels: 3 };
};
await engine.addImages([
  { id: 'green-a', image: solid([30, 200, 40]) },
  { id: 'green-b', image: solid([40, 190, 50]) },
  { id: 'yellow-a', image: solid([230, 220, 40]) },
]);
const hits = await engine.searchByText('yellow', 1);
const clusters = engine.cluster({ k: 2 });
console.log(
  JSON.stringify({
    top: hits.ids[0],
    clusters: clusters.clusters.map((c) => c.size).sort(),
    decode: typeof decodeImage,
  }),
);
await engine.delete();
