// A plain app that installed clipscope from its tarball: the model runs in clipscope's Worker.
import { ClipscopeWorker } from 'clipscope';

// PNGs, and a JPEG of each colour: decoded in clipscope's decoding Worker, which the bundler
// must have bundled too.
async function colourImage(rgb, seed, type) {
  const canvas = new OffscreenCanvas(48, 40);
  const context = canvas.getContext('2d');
  context.fillStyle = `rgb(${rgb.map((v) => Math.min(255, v + seed * 3)).join(',')})`;
  context.fillRect(0, 0, 48, 40);
  return canvas.convertToBlob({ type, quality: 0.95 });
}

async function run() {
  const engine = await ClipscopeWorker.create({
    model: new URL('./models/clip-colors/', location.href).href,
    dtype: 'fp32',
  });
  const items = [];
  for (const [name, rgb] of [
    ['red', [220, 30, 30]],
    ['blue', [30, 40, 220]],
  ]) {
    for (let i = 0; i < 3; i++)
      items.push({ id: `${name}-${i}`, image: await colourImage(rgb, i, i ? 'image/png' : 'image/jpeg') });
  }
  const added = await engine.addImages(items);
  const byText = await engine.searchByText('blue', 3);
  const clusters = await engine.cluster({ k: 2 });
  await engine.delete();
  return {
    backend: engine.backend.name,
    coreThreads: engine.coreThreads.count,
    added: added.added.length,
    byText: byText.ids,
    clusters: clusters.clusters.map((c) => c.members.map((id) => String(id).split('-')[0])),
  };
}

run().then(
  (result) => {
    window.result = result;
    document.getElementById('status').textContent = 'done';
  },
  (error) => {
    window.result = { error: String(error) };
    document.getElementById('status').textContent = 'done';
  },
);
