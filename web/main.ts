import { ClipscopeError, EmbeddingIndex, init, type StorageType } from 'clipscope';
import { clusteredVectors } from './random-data.js';

const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;
const buildStatus = $<HTMLParagraphElement>('build-status');
const searchStatus = $<HTMLParagraphElement>('search-status');
const searchButton = $<HTMLButtonElement>('search');
const results = $<HTMLTableElement>('results');

let index: EmbeddingIndex | undefined;

function report(element: HTMLElement, text: string, isError = false): void {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

function describe(error: unknown): string {
  return error instanceof ClipscopeError ? `${error.name}: ${error.message}` : String(error);
}

$<HTMLFormElement>('build-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const count = Number($<HTMLInputElement>('count').value);
  const dim = Number($<HTMLInputElement>('dim').value);
  const storage = $<HTMLSelectElement>('storage').value as StorageType;
  try {
    index?.delete();
    index = undefined;
    searchButton.disabled = true;
    const data = clusteredVectors(count, dim, 50, 1);
    const started = performance.now();
    const built = new EmbeddingIndex(dim, { storage });
    built.addMany(Array.from({ length: count }, (_, i) => i), data);
    const ms = performance.now() - started;
    index = built;
    const mb = (built.memoryBytes / 1e6).toFixed(1);
    report(buildStatus, `Indexed ${count} vectors of ${dim} dims (${storage}) in ${ms.toFixed(0)} ms; ${mb} MB.`);
    $<HTMLInputElement>('item').max = String(count - 1);
    searchButton.disabled = false;
  } catch (error) {
    report(buildStatus, describe(error), true);
  }
});

$<HTMLFormElement>('search-form').addEventListener('submit', (event) => {
  event.preventDefault();
  if (!index) return;
  const item = Number($<HTMLInputElement>('item').value);
  const k = Number($<HTMLInputElement>('k').value);
  try {
    const started = performance.now();
    const hits = index.search(index.get(item), k);
    const ms = performance.now() - started;
    const body = results.tBodies[0];
    body.replaceChildren(
      ...hits.ids.map((id, rank) => {
        const row = document.createElement('tr');
        for (const text of [String(rank + 1), String(id), hits.scores[rank].toFixed(4)]) {
          row.appendChild(document.createElement('td')).textContent = text;
        }
        return row;
      }),
    );
    results.hidden = false;
    report(searchStatus, `Top ${hits.ids.length} of ${index.size} in ${ms.toFixed(2)} ms.`);
  } catch (error) {
    report(searchStatus, describe(error), true);
  }
});

init().then(
  () => report(buildStatus, 'Ready. Choose a size and build an index.'),
  (error: unknown) => report(buildStatus, describe(error), true),
);
