// The 2-D map: one dot per photo at its PCA coordinates, coloured by cluster; hovering shows the
// thumbnail, clicking picks the photo.
export const CLUSTER_COLOURS = [
  '#2563eb',
  '#dc2626',
  '#16a34a',
  '#d97706',
  '#7c3aed',
  '#0891b2',
  '#db2777',
  '#65a30d',
  '#9333ea',
  '#ea580c',
  '#0d9488',
  '#4b5563',
];

export interface MapData {
  ids: string[];
  coords: Float32Array;
  /** Cluster of each id (same order), or undefined before clustering. */
  labels?: Map<string, number>;
}

export class MapView {
  readonly #canvas: HTMLCanvasElement;
  readonly #tip: HTMLImageElement;
  readonly #thumbUrl: (id: string) => string | undefined;
  #points: Array<{ id: string; x: number; y: number }> = [];

  constructor(
    canvas: HTMLCanvasElement,
    tip: HTMLImageElement,
    thumbUrl: (id: string) => string | undefined,
    onPick: (id: string) => void,
  ) {
    this.#canvas = canvas;
    this.#tip = tip;
    this.#thumbUrl = thumbUrl;
    canvas.addEventListener('mousemove', (event) => this.#hover(event));
    canvas.addEventListener('mouseleave', () => (tip.hidden = true));
    canvas.addEventListener('click', (event) => {
      const hit = this.#nearest(event);
      if (hit) onPick(hit.id);
    });
  }

  /** Number of dots drawn. */
  get size(): number {
    return this.#points.length;
  }

  draw(data: MapData): void {
    const { width, height } = this.#canvas;
    const context = this.#canvas.getContext('2d')!;
    context.clearRect(0, 0, width, height);
    const n = data.ids.length;
    let minX = Infinity,
      maxX = -Infinity,
      minY = Infinity,
      maxY = -Infinity;
    for (let i = 0; i < n; i++) {
      minX = Math.min(minX, data.coords[2 * i]);
      maxX = Math.max(maxX, data.coords[2 * i]);
      minY = Math.min(minY, data.coords[2 * i + 1]);
      maxY = Math.max(maxY, data.coords[2 * i + 1]);
    }
    const pad = 24;
    const sx = (width - 2 * pad) / (maxX - minX || 1);
    const sy = (height - 2 * pad) / (maxY - minY || 1);
    this.#points = data.ids.map((id, i) => ({
      id,
      x: pad + (data.coords[2 * i] - minX) * sx,
      y: height - pad - (data.coords[2 * i + 1] - minY) * sy,
    }));
    for (const point of this.#points) {
      const label = data.labels?.get(point.id);
      context.fillStyle = label === undefined ? '#2563eb' : CLUSTER_COLOURS[label % CLUSTER_COLOURS.length];
      context.beginPath();
      context.arc(point.x, point.y, 5, 0, Math.PI * 2);
      context.fill();
    }
    this.#canvas.dataset.points = String(this.#points.length);
  }

  #nearest(event: MouseEvent): { id: string; x: number; y: number } | undefined {
    const rect = this.#canvas.getBoundingClientRect();
    const x = ((event.clientX - rect.left) * this.#canvas.width) / rect.width;
    const y = ((event.clientY - rect.top) * this.#canvas.height) / rect.height;
    let best: { id: string; x: number; y: number } | undefined;
    let bestDistance = 10 * 10;
    for (const point of this.#points) {
      const d = (point.x - x) ** 2 + (point.y - y) ** 2;
      if (d < bestDistance) [best, bestDistance] = [point, d];
    }
    return best;
  }

  #hover(event: MouseEvent): void {
    const hit = this.#nearest(event);
    const url = hit && this.#thumbUrl(hit.id);
    this.#tip.hidden = !url;
    if (!hit || !url) return;
    const rect = this.#canvas.getBoundingClientRect();
    this.#tip.src = url;
    this.#tip.alt = hit.id;
    this.#tip.style.left = `${(hit.x * rect.width) / this.#canvas.width + 12}px`;
    this.#tip.style.top = `${(hit.y * rect.height) / this.#canvas.height + 12}px`;
  }
}
