// The demo as a photo app, in Chromium (driven directly through playwright-core for real
// keyboard, wheel and touch input): the viewer, search that says when nothing matches, named
// groups, the duplicate clean-up with undo, the map (zoom and pan by wheel, drag, pinch and
// keys), keyboard access, axe-core on every view, and the phone layout. Screenshots go to
// test-results/e2e/app/.
import AxeBuilder from '@axe-core/playwright';
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM_FLAGS, chromiumPath } from '../../scripts/chromium-flags.mjs';
import { GROUP_COLOURS } from '../../web/group-colours.js';
import { requireDemo, startDemoServer } from './demo-page.js';
import { pageRequests, startOutsideProxy } from './engines/outside-proxy.js';

const shapesDir = fileURLToPath(new URL('../../build/web/samples/shapes/', import.meta.url));
const shots = fileURLToPath(new URL('../../test-results/e2e/app/', import.meta.url));
const colourOf = (id: string) => id.split('-')[0];

let server: Awaited<ReturnType<typeof startDemoServer>>;
let proxy: Awaited<ReturnType<typeof startOutsideProxy>>;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

beforeAll(async () => {
  requireDemo();
  mkdirSync(shots, { recursive: true });
  server = await startDemoServer();
  proxy = await startOutsideProxy();
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: CHROMIUM_FLAGS,
    proxy: { server: proxy.url, bypass: 'localhost,127.0.0.1' },
  });
  const context = await browser.newContext({ viewport: { width: 1200, height: 900 }, hasTouch: true });
  page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(String(error)));
  page.on('dialog', (dialog) => void dialog.accept());
  await page.goto(server.url);
  await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
  await page.check('input[name="model"][value="test"]');
  await page.click('#load-model');
  await page.waitForFunction(
    () => document.getElementById('model-status')!.textContent!.startsWith('Model ready'),
    undefined,
    {
      timeout: 90_000,
    },
  );
}, 180_000);
afterAll(async () => {
  await browser?.close();
  await proxy?.close();
  await server?.close();
});

async function drop(files: Array<{ name: string; path: string }>): Promise<void> {
  const list = files.map((f) => ({ name: f.name, bytes: [...readFileSync(f.path)] }));
  await page.evaluate((items) => {
    const transfer = new DataTransfer();
    for (const f of items) transfer.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
    document
      .getElementById('drop-zone')!
      .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
  }, list);
}

const ids = (selector: string) =>
  page.$$eval(selector, (items) => items.map((item) => (item as HTMLElement).dataset.id!));
const viewerOpen = () => page.$eval('#viewer', (d) => (d as HTMLDialogElement).open);

async function noSeriousViolations(view: string): Promise<void> {
  const result = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const serious = result.violations
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${view}: ${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  expect(serious).toEqual([]);
}

describe('the demo as a photo app (Chromium)', () => {
  it('adds photos, a duplicate among them, and passes axe on the photos view', async () => {
    const shapes = readdirSync(shapesDir).filter((f) => f.endsWith('.png'));
    await drop([
      ...shapes.map((name) => ({ name, path: shapesDir + name })),
      { name: 'copy-of-red-circle.png', path: `${shapesDir}red-circle.png` },
    ]);
    await expect.poll(() => page.textContent('#embed-status'), { timeout: 60_000 }).toMatch(/^Added 17 photos/);
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('17');
    await noSeriousViolations('photos');
  });

  it('opens a photo by click or keyboard, steps with the arrows, closes with Escape', async () => {
    await page.click('#grid .cell[data-id="blue-circle.png"]');
    await expect.poll(viewerOpen).toBe(true);
    expect(await page.textContent('#viewer-name')).toBe('blue-circle.png');
    expect(await page.textContent('#viewer-position')).toBe('1 of 17');
    await expect.poll(() => page.textContent('#viewer-source')).toBe('The original photo.');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.textContent('#viewer-position')).toBe('2 of 17');
    expect(await page.textContent('#viewer-name')).toBe('blue-square.png');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.textContent('#viewer-name')).toBe('blue-circle.png');
    await noSeriousViolations('viewer');
    await page.screenshot({ path: `${shots}viewer.png` });
    await page.keyboard.press('Escape');
    await expect.poll(viewerOpen).toBe(false);
    // The keyboard alone: focus a photo of the grid, Enter opens it.
    await page.focus('#grid .cell[data-id="green-circle.png"]');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#viewer-name')).toBe('green-circle.png');
    await page.keyboard.press('Escape');
  });

  it('shows from the viewer: similar photos, a photo plus words, near duplicates, its group', async () => {
    await page.click('#grid .cell[data-id="red-circle.png"]');
    await page.click('#viewer-similar');
    await expect.poll(() => ids('#viewer-related li')).toHaveLength(12);
    expect((await ids('#viewer-related li')).slice(0, 4).map(colourOf)).toEqual(['copy', 'red', 'red', 'red']);
    // Red plus the word "green" is yellow to the colour model.
    await page.fill('#viewer-refine-text', 'green');
    await page.press('#viewer-refine-text', 'Enter');
    await expect.poll(() => page.textContent('#viewer-related-title')).toBe('Like this photo, and “green”');
    expect(colourOf((await ids('#viewer-related li'))[0])).toBe('yellow');
    await page.click('#viewer-duplicates');
    // To the colour model every red shape is a near duplicate of every other.
    await expect.poll(() => page.textContent('#viewer-related-title')).toBe('4 near duplicates of this photo');
    expect((await ids('#viewer-related li')).sort()).toEqual([
      'copy-of-red-circle.png',
      'red-square.png',
      'red-stripes.png',
      'red-triangle.png',
    ]);
    await page.click('#viewer-group');
    await expect.poll(viewerOpen).toBe(false);
    await expect.poll(() => page.getAttribute('#tab-clusters', 'aria-selected')).toBe('true');
    await expect
      .poll(() => page.evaluate(() => (document.activeElement?.closest('li') as HTMLElement)?.dataset.id))
      .toBe('red-circle.png');
  });

  it('searches by text best first, says when nothing matches, and shows more on demand', async () => {
    await page.click('#tab-photos');
    await page.fill('#query', 'red');
    await page.press('#query', 'Enter');
    await expect
      .poll(async () => (await ids('#results li')).map(colourOf).sort())
      .toEqual(['copy', 'red', 'red', 'red', 'red']);
    expect(await page.isVisible('#no-match')).toBe(false);
    await noSeriousViolations('search results');
    await page.fill('#query', 'xyzzy');
    await page.press('#query', 'Enter');
    await expect.poll(() => page.isVisible('#no-match')).toBe(true);
    expect(await page.textContent('#no-match')).toBe('No good match. Try other words, or fewer of them.');
    expect(await ids('#results li')).toEqual([]);
    // An excluded term that describes the photos best leaves none of them.
    await page.fill('#query', 'red -red');
    await page.press('#query', 'Enter');
    await expect.poll(() => page.isVisible('#no-match')).toBe(true);
    // A dropped photo ranks the whole collection: 24 first, then the rest on demand.
    await drop(Array.from({ length: 12 }, (_, i) => ({ name: `more-${i}.png`, path: `${shapesDir}blue-square.png` })));
    await expect.poll(() => page.getAttribute('#grid', 'data-count'), { timeout: 60_000 }).toBe('29');
    await page.evaluate(async () => {
      const canvas = new OffscreenCanvas(64, 64);
      const context = canvas.getContext('2d')!;
      context.fillStyle = 'rgb(30, 40, 210)';
      context.fillRect(0, 0, 64, 64);
      const transfer = new DataTransfer();
      transfer.items.add(
        new File([await canvas.convertToBlob({ type: 'image/png' })], 'query.png', { type: 'image/png' }),
      );
      document
        .getElementById('view-photos')!
        .dispatchEvent(new DragEvent('drop', { dataTransfer: transfer, bubbles: true, cancelable: true }));
    });
    await expect.poll(() => ids('#results li')).toHaveLength(24);
    expect(await page.isVisible('#show-more')).toBe(true);
    await page.click('#show-more');
    await expect.poll(() => ids('#results li')).toHaveLength(29);
    expect(await page.isVisible('#show-more')).toBe(false);
    await page.screenshot({ path: `${shots}search.png` });
  });

  it('groups by colour with names, the representative marked, the choice of k in words', async () => {
    await page.click('#tab-clusters');
    await page.selectOption('#cluster-k', 'auto');
    await page.click('#cluster-form button');
    await expect.poll(() => page.textContent('#cluster-summary')).toMatch(/^4 groups fit best: /);
    const groups = await page.$$eval('#clusters .cluster', (sections) =>
      sections.map((s) => ({
        title: s.querySelector('h3')!.textContent!,
        marked: [...s.querySelectorAll('li.marked')].map((li) => (li as HTMLElement).dataset.id!),
        badge: s.querySelector('li.marked .badge')?.textContent,
      })),
    );
    // Largest first (the blue group has the twelve copies), numbered in that order.
    expect(groups.map((g) => g.title)).toEqual([
      '1blue · 16 photos',
      '2red · 5 photos',
      expect.any(String),
      expect.any(String),
    ]);
    expect(new Set(groups.slice(2).map((g) => g.title.slice(1)))).toEqual(
      new Set(['green · 4 photos', 'yellow · 4 photos']),
    );
    for (const group of groups) {
      expect(group.marked).toHaveLength(1);
      expect(group.badge).toBe('★ representative');
    }
    expect(await page.isVisible('#silhouette')).toBe(false); // behind the disclosure
    await page.click('#silhouette-details summary');
    expect(await page.isVisible('#silhouette')).toBe(true);
    await noSeriousViolations('groups');
    await page.screenshot({ path: `${shots}groups.png`, fullPage: true });
  });

  it('cleans up near duplicates in one action, says what the threshold means, and undoes it', async () => {
    await page.click('#tab-duplicates');
    await expect
      .poll(() => page.textContent('#threshold-value'))
      .toBe('0.950: near duplicates: the same moment, such as burst shots or small crops');
    await page.$eval('#threshold', (input) => {
      (input as HTMLInputElement).value = '0.99';
      input.dispatchEvent(new Event('input'));
    });
    await expect
      .poll(() => page.textContent('#threshold-value'))
      .toBe('0.990: near-identical: the same picture re-saved, resized or lightly edited');
    // Largest group first; to the colour model the shapes of one colour are near-identical.
    await expect
      .poll(() => page.$$eval('#duplicates .duplicate-group legend', (l) => l.map((x) => x.textContent)))
      .toEqual([
        '16 photos · similarity 1.000',
        '5 photos · similarity 0.999–1.000',
        expect.stringMatching(/^4 photos · similarity 0\.99\d–1\.000$/),
        expect.stringMatching(/^4 photos · similarity 0\.99\d–1\.000$/),
      ]);
    // The first photo of each group is kept unless the user says otherwise: keep a second blue one.
    expect(await page.textContent('#remove-duplicates')).toBe('Remove 25 photos not kept');
    await page.check('#duplicates .duplicate-group[data-group="0"] li:nth-child(2) .keep input');
    expect(await page.textContent('#remove-duplicates')).toBe('Remove 24 photos not kept');
    await noSeriousViolations('near duplicates');
    await page.screenshot({ path: `${shots}duplicates.png`, fullPage: true });
    await page.click('#remove-duplicates');
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('5');
    await expect.poll(() => page.textContent('#toast-message')).toBe('Removed 24 near duplicates from the collection.');
    await expect.poll(() => page.$$eval('#duplicates .duplicate-group', (g) => g.length)).toBe(1); // the two blue kept
    await page.click('#undo');
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('29');
    await expect.poll(() => page.$$eval('#duplicates .duplicate-group', (g) => g.length)).toBe(4);
  });

  it('maps thumbnails by neighbourhood, zooms and pans by wheel, drag, pinch and keys, opens a photo on click', async () => {
    await page.click('#tab-map');
    // PCA at once, then the neighbourhood layout computed by the core.
    await expect.poll(() => page.getAttribute('#map', 'data-layout'), { timeout: 30_000 }).toBe('umap');
    expect(await page.textContent('#map-status')).toBe(
      "29 photos arranged so that each one's most similar photos are near it (UMAP).",
    );
    await expect.poll(() => page.getAttribute('#map', 'data-drawn')).toBe('29');
    await noSeriousViolations('map');
    await page.locator('#map').scrollIntoViewIfNeeded();
    const box = (await page.locator('#map').boundingBox())!;
    const scale = async () => Number(await page.getAttribute('#map', 'data-scale'));
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.wheel(0, -300);
    await expect.poll(scale).toBeGreaterThan(2);
    await page.keyboard.press('0'); // needs focus: nothing happens yet
    expect(await scale()).toBeGreaterThan(2);
    await page.focus('#map');
    await page.keyboard.press('0');
    await expect.poll(scale).toBe(1);
    await page.keyboard.press('+');
    await expect.poll(scale).toBe(1.25);
    // Pinch out with two fingers.
    const cdp = await page.context().newCDPSession(page);
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    const touch = (type: string, spread: number) =>
      cdp.send('Input.dispatchTouchEvent', {
        type,
        touchPoints:
          type === 'touchEnd'
            ? []
            : [
                { x: cx - spread, y: cy, id: 0 },
                { x: cx + spread, y: cy, id: 1 },
              ],
      });
    await touch('touchStart', 40);
    for (const spread of [60, 80, 100, 120]) await touch('touchMove', spread);
    await touch('touchEnd', 0);
    await expect.poll(scale).toBeGreaterThan(2.5);
    await page.keyboard.press('0');
    await expect.poll(scale).toBe(1);
    // Drag to pan.
    await page.mouse.move(cx, cy);
    await page.mouse.down();
    await page.mouse.move(cx + 60, cy + 30, { steps: 5 });
    await page.mouse.up();
    await expect.poll(() => page.getAttribute('#map', 'data-offset')).toBe('60,30');
    await page.keyboard.press('ArrowLeft');
    await expect.poll(() => page.getAttribute('#map', 'data-offset')).toBe('100,30');
    await page.keyboard.press('0');
    await page.screenshot({ path: `${shots}map.png` });
    // Click on a drawn thumbnail: the centre of the first drawn pixel run.
    const spot = await page.evaluate(() => {
      const canvas = document.getElementById('map') as HTMLCanvasElement;
      const { width, height } = canvas;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, width, height).data;
      const ratio = width / canvas.clientWidth;
      for (let y = 0; y < height; y += 2)
        for (let x = 0; x < width; x += 2)
          if (pixels[(y * width + x) * 4 + 3] > 0) return { x: (x + 20 * ratio) / ratio, y: (y + 20 * ratio) / ratio };
      return undefined;
    });
    expect(spot).toBeDefined();
    await page.mouse.click(box.x + spot!.x, box.y + spot!.y);
    await expect.poll(viewerOpen).toBe(true);
    await page.keyboard.press('Escape');
    await page.focus('#map');
    await page.keyboard.press('Enter'); // the photo nearest the centre mark
    await expect.poll(viewerOpen).toBe(true);
    await page.keyboard.press('Escape');
  });

  it('shows the original of a photo from a remembered folder after a reload, else its stored preview', async () => {
    // A folder the page may read: an origin-private one stands in for a folder the user picked
    // (showDirectoryPicker needs a person), remembered where the page keeps the picked one.
    await page.evaluate(
      async (bytes) => {
        const root = await navigator.storage.getDirectory();
        const folder = await root.getDirectoryHandle('Holiday', { create: true });
        const file = await (await folder.getFileHandle('sunset.png', { create: true })).createWritable();
        await file.write(new Uint8Array(bytes));
        await file.close();
        const db = await new Promise<IDBDatabase>((resolve, reject) => {
          const open = indexedDB.open('clipscope-demo', 2);
          open.onsuccess = () => resolve(open.result);
          open.onerror = () => reject(open.error);
        });
        await new Promise((resolve, reject) => {
          const tx = db.transaction('state', 'readwrite');
          tx.objectStore('state').put(folder, 'folder');
          tx.oncomplete = resolve;
          tx.onerror = reject;
        });
        db.close();
      },
      [...readFileSync(`${shapesDir}yellow-circle.png`)],
    );
    await page.evaluate(
      async (bytes) => {
        const file = new File([new Uint8Array(bytes)], 'sunset.png', { type: 'image/png' });
        Object.defineProperty(file, 'webkitRelativePath', { value: 'Holiday/sunset.png' });
        const transfer = new DataTransfer();
        transfer.items.add(file);
        const input = document.getElementById('photo-folder') as HTMLInputElement;
        Object.defineProperty(input, 'files', { value: transfer.files, configurable: true });
        input.dispatchEvent(new Event('change'));
      },
      [...readFileSync(`${shapesDir}yellow-circle.png`)],
    );
    await expect.poll(() => page.getAttribute('#grid', 'data-count'), { timeout: 60_000 }).toBe('30');
    await page.reload();
    await page.waitForFunction(() => document.body.dataset.ready === 'true', undefined, { timeout: 60_000 });
    await expect.poll(() => page.getAttribute('#grid', 'data-count')).toBe('30');
    await page.click('#tab-photos');
    await page.click('#grid .cell[data-id="Holiday/sunset.png"]');
    await expect.poll(() => page.textContent('#viewer-source')).toBe('The original photo.');
    await page.keyboard.press('Escape');
    await page.click('#grid .cell[data-id="red-circle.png"]');
    await expect
      .poll(() => page.textContent('#viewer-source'))
      .toBe('A stored preview: the original is not within reach of this page.');
    const shown = await page.$eval('#viewer-image', (img) => [
      (img as HTMLImageElement).naturalWidth,
      (img as HTMLImageElement).naturalHeight,
    ]);
    expect(Math.max(...shown)).toBeGreaterThan(192); // larger than the thumbnail
    await page.keyboard.press('Escape');
  });

  it('moves between views with the arrow keys, reaches the pickers by Tab, fits a phone', async () => {
    await page.focus('#tab-map');
    await page.keyboard.press('ArrowRight');
    await expect.poll(() => page.getAttribute('#tab-duplicates', 'aria-selected')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('tab-duplicates');
    await page.keyboard.press('Home');
    await expect.poll(() => page.getAttribute('#tab-photos', 'aria-selected')).toBe('true');
    await page.focus('#load-model');
    const reached: string[] = [];
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      reached.push(await page.evaluate(() => document.activeElement?.id ?? ''));
    }
    expect(reached).toEqual(['pick-photos', 'pick-folder', 'load-samples', 'tab-photos']);
    await page.setViewportSize({ width: 390, height: 844 });
    expect(await page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth)).toBe(true);
    // Two columns stretched to the grid's width.
    const fill = await page.$eval('#grid', (grid) => {
      const cells = [...grid.querySelectorAll('.cell')] as HTMLElement[];
      const right = Math.max(...cells.map((c) => c.getBoundingClientRect().right));
      return grid.getBoundingClientRect().right - right;
    });
    expect(fill).toBeLessThan(24);
    await noSeriousViolations('phone');
    await page.screenshot({ path: `${shots}phone.png`, fullPage: true });
    await page.setViewportSize({ width: 1200, height: 900 });
  });

  it('maps thousands of photos as a square each in its group colour, written into the pixels', async () => {
    // An index of 2,000 photos as `clipscope index` writes it: too many in view for thumbnails.
    const { EmbeddingIndex } = await import('../../dist/index.js');
    const index = await EmbeddingIndex.create(512);
    let seed = 7;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648 - 0.5;
    index.addMany(
      Array.from({ length: 2000 }, (_, i) => `many/${i}.jpg`),
      Float32Array.from({ length: 2000 * 512 }, random),
    );
    const file = `${shots}many.clipscope-index`;
    writeFileSync(file, index.save());
    index.delete();
    await page.setInputFiles('#import-file', file);
    await page.click('#import-replace');
    await expect.poll(() => page.getAttribute('#grid', 'data-count'), { timeout: 30_000 }).toBe('2000');
    await page.click('#tab-map');
    await expect.poll(() => page.getAttribute('#map', 'data-points'), { timeout: 30_000 }).toBe('2000');
    await expect.poll(() => page.getAttribute('#map', 'data-pictures')).toBe('false');
    const colours = await page.evaluate(() => {
      const canvas = document.getElementById('map') as HTMLCanvasElement;
      const pixels = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
      const seen: Record<string, number> = {};
      for (let i = 0; i < pixels.length; i += 4) {
        if (pixels[i + 3] === 0) continue;
        const hex = `#${[pixels[i], pixels[i + 1], pixels[i + 2], pixels[i + 3]].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
        seen[hex] = (seen[hex] ?? 0) + 1;
      }
      return seen;
    });
    // Opaque squares in the palette only (slate: in no group), covering at least a few hundred
    // photos' worth of 8-pixel squares (they overlap).
    const palette = [...GROUP_COLOURS, '#64748b'].map((hex) => `${hex}ff`);
    expect(Object.keys(colours).filter((hex) => !palette.includes(hex))).toEqual([]);
    expect(Object.values(colours).reduce((a, b) => a + b, 0)).toBeGreaterThan(300 * 64);
    await page.screenshot({ path: `${shots}map-squares.png` });
  });

  it('raised no page error and reached nothing outside localhost but the model check', () => {
    expect(pageErrors).toEqual([]);
    expect(new Set(pageRequests(proxy.requests))).toEqual(new Set(['https://huggingface.co/']));
  });
});
