// The map: every photo's thumbnail at its place on a 2-D layout of the embeddings, drawn on one
// canvas (no DOM node per photo), framed in its group's colour (the legend gives each colour's
// number and name). PCA is the instant first view; the UMAP layout, where similar photos form
// neighbourhoods, replaces it when the core has computed it. Zoom and pan with the wheel, drag,
// pinch, or the keyboard (+, −, arrows, 0); click, tap or Enter (on the photo under the centre
// mark) opens the viewer.
import type { Collection } from '../collection.js';
import type { Store } from '../store.js';
import { $, describe, say } from '../ui.js';
import { GROUP_COLOURS } from '../group-colours.js';

const THUMB = 40; // on-screen size of a thumbnail at zoom 1, CSS pixels
const SQUARE = 8; // on-screen size of a photo's square when there are too many for thumbnails
const UNGROUPED = '#64748b';

// A #rrggbb colour as one opaque RGBA pixel in a little-endian Uint32Array.
function packColour(hex: string): number {
  const rgb = parseInt(hex.slice(1), 16);
  return ((0xff << 24) | ((rgb & 0xff) << 16) | (rgb & 0xff00) | (rgb >> 16)) >>> 0;
}
const PACKED_UNGROUPED = packColour(UNGROUPED);
const PACKED_GROUP_COLOURS = GROUP_COLOURS.map(packColour);
const BITMAPS_KEPT = 3000; // decoded thumbnails kept for drawing (least recently used go)
const MAX_PICTURES = 1500; // thumbnails drawn at most; more photos in view are drawn as squares
const MIN_SCALE = 0.5;
const MAX_SCALE = 40;

interface Point {
  id: string;
  index: number; // in #points
  x: number; // 0..1 across the layout
  y: number;
}

export class MapView {
  readonly #canvas: HTMLCanvasElement;
  readonly #store: Store;
  readonly #collection: Collection;
  readonly #openViewer: (id: string, order: string[]) => void;
  #points: Point[] = [];
  #scale = 1;
  #tx = 0;
  #ty = 0;
  #frame = 0;
  readonly #bitmaps = new Map<string, ImageBitmap | 'loading'>();
  readonly #pointers = new Map<number, { x: number; y: number }>();
  #dragged = false;
  #generation = 0;
  #pixels: ImageData | undefined;
  #colours: { points: Point[]; groupOf: ReadonlyMap<string, number> | undefined; packed: Uint32Array } | undefined;
  /** Milliseconds each recent frame took to draw (for the benchmark). */
  readonly frameTimes: number[] = [];

  constructor(store: Store, collection: Collection, openViewer: (id: string, order: string[]) => void) {
    this.#canvas = $<HTMLCanvasElement>('map');
    this.#store = store;
    this.#collection = collection;
    this.#openViewer = openViewer;
    const canvas = this.#canvas;
    canvas.addEventListener('wheel', (event) => {
      event.preventDefault();
      this.#zoomAt(Math.exp(-event.deltaY / 300), event.offsetX, event.offsetY);
    });
    canvas.addEventListener('pointerdown', (event) => {
      canvas.setPointerCapture(event.pointerId);
      this.#pointers.set(event.pointerId, { x: event.offsetX, y: event.offsetY });
      this.#dragged = false;
    });
    canvas.addEventListener('pointermove', (event) => this.#move(event));
    const up = (event: PointerEvent) => {
      const wasTap = this.#pointers.size === 1 && !this.#dragged;
      this.#pointers.delete(event.pointerId);
      if (wasTap && event.type === 'pointerup') this.#openAt(event.offsetX, event.offsetY);
    };
    canvas.addEventListener('pointerup', up);
    canvas.addEventListener('pointercancel', up);
    canvas.addEventListener('keydown', (event) => this.#key(event));
    $('map-layout').addEventListener('change', () => void this.refresh());
    $('map-layout').addEventListener('change', () => void this.refresh());
    new ResizeObserver(() => this.#schedule()).observe(canvas);
    store.subscribe((state, changed) => {
      if (changed.has('clusters')) this.#legend();
      if (state.tab === 'map' && (changed.has('tab') || changed.has('photos') || changed.has('engine')))
        void this.refresh();
      else if (changed.has('clusters')) this.#schedule();
    });
  }

  get size(): number {
    return this.#points.length;
  }

  // PCA first (instant), then the UMAP layout when it is ready, unless the user chose PCA.
  async refresh(): Promise<void> {
    const generation = ++this.#generation;
    const { engine, photos } = this.#store.state;
    const problem =
      this.#collection.unavailable() ?? (photos.size < 3 ? 'Add at least three photos to see a map.' : undefined);
    this.#legend();
    if (problem) {
      this.#points = [];
      say($('map-status'), problem, true);
      this.#schedule();
      return;
    }
    const wanted = $<HTMLSelectElement>('map-layout').value as 'umap' | 'pca';
    try {
      const pca = await engine!.map({ layout: 'pca' });
      if (generation !== this.#generation) return;
      this.#layout(pca.ids.map(String), pca.coords);
      if (wanted === 'pca') return this.#placed(pca.ids.length, 'pca');
      say(
        $('map-status'),
        `${pca.ids.length} photos placed by the two main directions of their embeddings; arranging them by neighbourhood…`,
      );
      const umap = await engine!.map({ layout: 'umap' });
      if (generation !== this.#generation) return;
      this.#layout(umap.ids.map(String), umap.coords);
      this.#placed(umap.ids.length, 'umap');
    } catch (error) {
      if (generation === this.#generation) say($('map-status'), `Could not draw the map: ${describe(error)}`, true);
    }
  }

  #placed(count: number, layout: 'pca' | 'umap'): void {
    this.#canvas.dataset.layout = layout;
    say(
      $('map-status'),
      layout === 'umap'
        ? `${count} photos arranged so that each one's most similar photos are near it (UMAP).`
        : `${count} photos placed by the two main directions of their embeddings (PCA).`,
    );
  }

  #layout(ids: string[], coords: Float32Array): void {
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (let i = 0; i < ids.length; i++) {
      minX = Math.min(minX, coords[2 * i]);
      maxX = Math.max(maxX, coords[2 * i]);
      minY = Math.min(minY, coords[2 * i + 1]);
      maxY = Math.max(maxY, coords[2 * i + 1]);
    }
    const span = Math.max(maxX - minX, maxY - minY) || 1;
    this.#points = ids.map((id, i) => ({
      id,
      index: i,
      x: 0.5 + (coords[2 * i] - (minX + maxX) / 2) / span,
      y: 0.5 - (coords[2 * i + 1] - (minY + maxY) / 2) / span,
    }));
    this.#reset();
  }

  #reset(): void {
    this.#scale = 1;
    this.#tx = 0;
    this.#ty = 0;
    this.#schedule();
  }

  // Layout (0..1) to CSS pixels: the square layout fits the canvas's shorter side, centred.
  // Screen position = offset + layout position × factor. Computed once per frame: the canvas's
  // size read per photo cost 60 ms a frame at 50,000 photos.
  #screenTransform(): { factor: number; x: number; y: number } {
    const { clientWidth: w, clientHeight: h } = this.#canvas;
    const factor = (Math.min(w, h) - THUMB) * this.#scale;
    return { factor, x: w / 2 - 0.5 * factor + this.#tx, y: h / 2 - 0.5 * factor + this.#ty };
  }

  #zoomAt(factor: number, x: number, y: number): void {
    const scale = Math.min(MAX_SCALE, Math.max(MIN_SCALE, this.#scale * factor));
    const applied = scale / this.#scale;
    const { clientWidth: w, clientHeight: h } = this.#canvas;
    // Keep the point under (x, y) where it is.
    this.#tx = (this.#tx + w / 2 - x) * applied + x - w / 2;
    this.#ty = (this.#ty + h / 2 - y) * applied + y - h / 2;
    this.#scale = scale;
    this.#schedule();
  }

  #move(event: PointerEvent): void {
    const last = this.#pointers.get(event.pointerId);
    if (!last) return;
    const now = { x: event.offsetX, y: event.offsetY };
    if (this.#pointers.size === 2) {
      // Pinch: zoom by the change of distance between the two pointers, about their middle.
      const [other] = [...this.#pointers.entries()].filter(([id]) => id !== event.pointerId).map(([, p]) => p);
      const before = Math.hypot(last.x - other.x, last.y - other.y);
      const after = Math.hypot(now.x - other.x, now.y - other.y);
      if (before > 0) this.#zoomAt(after / before, (now.x + other.x) / 2, (now.y + other.y) / 2);
    } else {
      this.#tx += now.x - last.x;
      this.#ty += now.y - last.y;
      this.#schedule();
    }
    if (Math.hypot(now.x - last.x, now.y - last.y) > 2) this.#dragged = true;
    this.#pointers.set(event.pointerId, now);
  }

  #key(event: KeyboardEvent): void {
    const { clientWidth: w, clientHeight: h } = this.#canvas;
    const step = 40;
    const actions: Record<string, () => void> = {
      '+': () => this.#zoomAt(1.25, w / 2, h / 2),
      '=': () => this.#zoomAt(1.25, w / 2, h / 2),
      '-': () => this.#zoomAt(0.8, w / 2, h / 2),
      '0': () => this.#reset(),
      ArrowLeft: () => ((this.#tx += step), this.#schedule()),
      ArrowRight: () => ((this.#tx -= step), this.#schedule()),
      ArrowUp: () => ((this.#ty += step), this.#schedule()),
      ArrowDown: () => ((this.#ty -= step), this.#schedule()),
      Enter: () => this.#openAt(w / 2, h / 2, Infinity),
    };
    const action = actions[event.key];
    if (!action) return;
    event.preventDefault();
    action();
  }

  /** The photo drawn at (x, y) CSS pixels, or with `reach` Infinity the nearest one. */
  #hit(x: number, y: number, reach = (THUMB * Math.sqrt(this.#scale)) / 2): Point | undefined {
    let best: Point | undefined;
    let bestDistance = reach * reach;
    const screen = this.#screenTransform();
    for (const p of this.#points) {
      const d = (screen.x + p.x * screen.factor - x) ** 2 + (screen.y + p.y * screen.factor - y) ** 2;
      if (d <= bestDistance) [best, bestDistance] = [p, d];
    }
    return best;
  }

  #openAt(x: number, y: number, reach?: number): void {
    const hit = this.#hit(x, y, reach);
    if (hit)
      this.#openViewer(
        hit.id,
        this.#points.map((p) => p.id),
      );
  }

  #legend(): void {
    const clusters = this.#store.state.clusters;
    const legend = $('map-legend');
    if (!clusters) {
      legend.replaceChildren(
        Object.assign(document.createElement('li'), {
          textContent: 'Group the photos (Groups tab) to colour the map by group.',
        }),
      );
      return;
    }
    legend.replaceChildren(
      ...clusters.groups.map((group, g) => {
        const item = document.createElement('li');
        const swatch = document.createElement('span');
        swatch.className = 'swatch';
        swatch.style.background = GROUP_COLOURS[g % GROUP_COLOURS.length];
        swatch.textContent = String(g + 1);
        item.append(swatch, ` ${group.name || `Group ${g + 1}`} (${group.ids.length})`);
        return item;
      }),
    );
  }

  #schedule(): void {
    if (!this.#frame) this.#frame = requestAnimationFrame(() => ((this.#frame = 0), this.#draw()));
  }

  #bitmap(id: string): ImageBitmap | undefined {
    const cached = this.#bitmaps.get(id);
    if (cached === 'loading') return undefined;
    if (cached) {
      this.#bitmaps.delete(id); // most recently used last
      this.#bitmaps.set(id, cached);
      return cached;
    }
    const url = this.#store.state.photos.get(id)?.thumbUrl;
    if (!url) return undefined;
    this.#bitmaps.set(id, 'loading');
    // Through an image element: name tiles are SVG, which createImageBitmap does not take as a blob.
    const image = new Image();
    image.src = url;
    void image
      .decode()
      .then(() => createImageBitmap(image, { resizeWidth: 64, resizeHeight: 64, resizeQuality: 'low' }))
      .then(
        (bitmap) => {
          this.#bitmaps.set(id, bitmap);
          while (this.#bitmaps.size > BITMAPS_KEPT) {
            const [oldest, value] = this.#bitmaps.entries().next().value!;
            if (value !== 'loading') value.close();
            this.#bitmaps.delete(oldest);
          }
          this.#schedule();
        },
        () => this.#bitmaps.delete(id),
      );
    return undefined;
  }

  // Many photos in view: an 8-pixel square each, written straight into the canvas's pixels
  // (50,000 fillRect calls took 190 ms a frame in a software-rendered canvas).
  #drawSquares(
    context: CanvasRenderingContext2D,
    visible: Array<[Point, number, number]>,
    ratio: number,
    groupOf: ReadonlyMap<string, number> | undefined,
  ): void {
    const { width, height } = this.#canvas;
    if (this.#pixels?.width !== width || this.#pixels.height !== height)
      this.#pixels = context.createImageData(width, height);
    const image = this.#pixels;
    const pixels = new Uint32Array(image.data.buffer);
    pixels.fill(0);
    const colours = this.#packedColours(groupOf);
    const side = Math.max(1, Math.round(SQUARE * ratio));
    for (const [p, x, y] of visible) {
      const colour = colours[p.index];
      const left = Math.max(0, Math.round(x * ratio - side / 2));
      const top = Math.max(0, Math.round(y * ratio - side / 2));
      const right = Math.min(width, left + side);
      const bottom = Math.min(height, top + side);
      for (let row = top; row < bottom; row++) {
        const end = row * width + right;
        for (let at = row * width + left; at < end; at++) pixels[at] = colour;
      }
    }
    context.putImageData(image, 0, 0);
  }

  // Each photo's square colour, looked up once per grouping rather than once per frame.
  #packedColours(groupOf: ReadonlyMap<string, number> | undefined): Uint32Array {
    const cached = this.#colours;
    if (cached && cached.points === this.#points && cached.groupOf === groupOf) return cached.packed;
    const packed = Uint32Array.from(this.#points, (p) => {
      const group = groupOf?.get(p.id);
      return group === undefined ? PACKED_UNGROUPED : PACKED_GROUP_COLOURS[group % PACKED_GROUP_COLOURS.length];
    });
    this.#colours = { points: this.#points, groupOf, packed };
    return packed;
  }

  #draw(): void {
    const started = performance.now();
    const canvas = this.#canvas;
    const ratio = window.devicePixelRatio || 1;
    const w = canvas.clientWidth;
    const h = canvas.clientHeight;
    if (canvas.width !== Math.round(w * ratio) || canvas.height !== Math.round(h * ratio)) {
      canvas.width = Math.round(w * ratio);
      canvas.height = Math.round(h * ratio);
    }
    const context = canvas.getContext('2d')!;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, w, h);
    const groupOf = this.#store.state.clusters?.groupOf;
    const size = Math.max(6, THUMB * Math.sqrt(this.#scale));
    const half = size / 2;
    const visible: Array<[Point, number, number]> = [];
    const screen = this.#screenTransform();
    for (const p of this.#points) {
      const x = screen.x + p.x * screen.factor;
      const y = screen.y + p.y * screen.factor;
      if (x >= -half && y >= -half && x <= w + half && y <= h + half) visible.push([p, x, y]);
    }
    // Thumbnails while few enough are in view to decode and draw; else a small square per photo
    // in its group's colour (zooming in brings the thumbnails).
    const pictures = visible.length <= MAX_PICTURES && size >= 12;
    if (pictures) {
      for (const [p, x, y] of visible) {
        const group = groupOf?.get(p.id);
        context.fillStyle = group === undefined ? UNGROUPED : GROUP_COLOURS[group % GROUP_COLOURS.length];
        context.fillRect(x - half - 2, y - half - 2, size + 4, size + 4);
        const bitmap = this.#bitmap(p.id);
        if (bitmap) context.drawImage(bitmap, x - half, y - half, size, size);
      }
    } else {
      this.#drawSquares(context, visible, ratio, groupOf);
    }
    const drawn = visible.length;
    canvas.dataset.pictures = String(pictures);
    // The centre mark: Enter opens the photo nearest it.
    if (document.activeElement === canvas) {
      context.strokeStyle = '#111827';
      context.lineWidth = 2;
      context.strokeRect(w / 2 - 8, h / 2 - 8, 16, 16);
    }
    canvas.dataset.points = String(this.#points.length);
    canvas.dataset.drawn = String(drawn);
    canvas.dataset.scale = this.#scale.toFixed(3);
    canvas.dataset.offset = `${Math.round(this.#tx)},${Math.round(this.#ty)}`;
    this.frameTimes.push(performance.now() - started);
    if (this.frameTimes.length > 240) this.frameTimes.shift();
  }
}
