// A virtualised grid of thumbnails: only the rows in view (plus a margin) exist in the DOM, so
// thousands of photos scroll smoothly. Cells are buttons (keyboard: Tab, Enter) and stretch so
// the columns fill the width (two at least, on a phone).
export interface GridPhoto {
  id: string;
  name: string;
  url: string;
  /** Written over the picture: the name of a photo that has none. */
  caption?: string;
}

const MIN_CELL = 104;
const GAP = 8;

export class PhotoGrid {
  readonly #element: HTMLElement;
  readonly #onPick: (id: string) => void;
  #photos: GridPhoto[] = [];
  #selected: string | undefined;
  #frame = 0;

  constructor(element: HTMLElement, onPick: (id: string) => void) {
    this.#element = element;
    this.#onPick = onPick;
    element.addEventListener('scroll', () => this.#schedule());
    new ResizeObserver(() => this.#schedule()).observe(element);
  }

  set photos(photos: GridPhoto[]) {
    this.#photos = photos;
    this.#element.dataset.count = String(photos.length);
    this.#schedule();
  }

  /** Lays the cells out again (after the grid was hidden, its size was unknown). */
  refresh(): void {
    this.#schedule();
  }

  select(id: string | undefined): void {
    this.#selected = id;
    this.#schedule();
  }

  #schedule(): void {
    if (!this.#frame) this.#frame = requestAnimationFrame(() => ((this.#frame = 0), this.#render()));
  }

  #render(): void {
    const width = this.#element.clientWidth || 600;
    const columns = Math.max(2, Math.floor((width - GAP) / (MIN_CELL + GAP)));
    const size = Math.floor((width - GAP * (columns + 1)) / columns);
    const rows = Math.ceil(this.#photos.length / columns);
    const top = this.#element.scrollTop;
    const first = Math.max(0, Math.floor(top / (size + GAP)) - 2);
    const last = Math.min(rows, Math.ceil((top + this.#element.clientHeight) / (size + GAP)) + 2);
    const spacer = document.createElement('div');
    spacer.style.height = `${rows * (size + GAP) + GAP}px`;
    const cells: HTMLElement[] = [spacer];
    for (let row = first; row < last; row++) {
      for (let col = 0; col < columns; col++) {
        const photo = this.#photos[row * columns + col];
        if (!photo) break;
        const cell = document.createElement('button');
        cell.type = 'button';
        cell.className = photo.id === this.#selected ? 'cell selected' : 'cell';
        if (photo.id === this.#selected) cell.setAttribute('aria-current', 'true');
        cell.setAttribute('role', 'listitem');
        cell.dataset.id = photo.id;
        cell.title = photo.name;
        cell.setAttribute('aria-label', photo.name);
        cell.style.transform = `translate(${GAP + col * (size + GAP)}px, ${GAP + row * (size + GAP)}px)`;
        cell.style.width = cell.style.height = `${size}px`;
        const img = document.createElement('img');
        img.src = photo.url;
        img.alt = '';
        img.loading = 'lazy';
        cell.append(img);
        if (photo.caption) {
          const caption = document.createElement('span');
          caption.className = 'cell-name';
          caption.textContent = photo.caption;
          cell.append(caption);
        }
        cell.addEventListener('click', () => this.#onPick(photo.id));
        cells.push(cell);
      }
    }
    const focused = (document.activeElement as HTMLElement | null)?.dataset?.id;
    this.#element.replaceChildren(...cells);
    if (focused) (this.#element.querySelector(`[data-id="${CSS.escape(focused)}"]`) as HTMLElement | null)?.focus();
  }
}
