// The demo: a CLIP model in clipscope's Worker, the user's photos embedded on the device, and
// search, clusters, a map and near duplicates over them. Thumbnails and embeddings persist in
// IndexedDB; the photos themselves stay the user's files.
import { ClipscopeWorker, DEFAULT_MODEL_URL, type ClusterResult, type EmbedProgress } from 'clipscope';
import { exportCollection, importCollection } from './collection-file.js';
import { askImportChoice, type ImportChoice } from './import-choice.js';
import { mergeSavedIndexes } from './merge-collections.js';
import { clearCollection, loadIndex, loadPhotos, saveIndex, savePhotos, type PhotoRecord } from './collection-store.js';
import { defaultModelReachable } from './default-model.js';
import { filesFromDrop, isImageFile } from './dropped-files.js';
import { CLUSTER_COLOURS, MapView } from './map-view.js';
import { PhotoGrid } from './photo-grid.js';
import { thumbList } from './thumb-list.js';
import { makeThumbnail } from './thumbnails.js';

const $ = <T extends HTMLElement = HTMLElement>(id: string) => document.getElementById(id) as T;
type ModelKey = 'default' | 'files' | 'test';
type ImportedCollection = Awaited<ReturnType<typeof importCollection>>;
const TEST_MODEL_URL = new URL('models/clip-test/', location.href).href;
const CHUNK = 16; // photos per addImages call: thumbnails appear chunk by chunk

let engine: ClipscopeWorker | undefined;
let modelKey: ModelKey | undefined;
let savedModelKey: string | undefined;
const photos = new Map<string, PhotoRecord & { url: string }>();
let clusterLabels: Map<string, number> | undefined;

const grid = new PhotoGrid($('grid'), (id) => void findSimilar(id));
const mapView = new MapView(
  $<HTMLCanvasElement>('map'),
  $<HTMLImageElement>('map-tip'),
  (id) => photos.get(id)?.url,
  (id) => {
    selectTab('photos');
    void findSimilar(id);
  },
);

function say(element: HTMLElement, text: string, isError = false): void {
  element.textContent = text;
  element.classList.toggle('error', isError);
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function refreshCollection(): void {
  grid.photos = [...photos.values()].map((p) => ({ id: p.id, name: p.name, url: p.url }));
  $('empty').hidden = photos.size > 0;
  $<HTMLButtonElement>('export').disabled = photos.size === 0;
  $<HTMLButtonElement>('clear').disabled = photos.size === 0;
  void reportMemory();
}

async function reportMemory(): Promise<void> {
  if (!engine || collectionBelongsElsewhere()) {
    const made = savedModelKey ? `, embedded with the ${savedModelKey} model` : '';
    say($('memory'), photos.size ? `${photos.size} photos stored on this device${made}.` : '');
    return;
  }
  const info = await engine.indexInfo();
  const perPhoto = info.size ? Math.round(info.memoryBytes / info.size) : 0;
  say(
    $('memory'),
    `${info.size} photos embedded · ${(info.memoryBytes / 1e6).toFixed(2)} MB of embeddings in WebAssembly memory (${perPhoto} bytes per photo, ${info.dim} dimensions, ${info.storage})`,
  );
}

// The stored embeddings were made by another model than the one loaded: they cannot be searched.
function collectionBelongsElsewhere(): boolean {
  return photos.size > 0 && savedModelKey !== undefined && savedModelKey !== modelKey;
}

function addPhotoRecords(records: PhotoRecord[]): void {
  for (const record of records) photos.set(record.id, { ...record, url: URL.createObjectURL(record.thumb) });
}

// ---- model -------------------------------------------------------------------------------

function chosenModel(): ModelKey {
  return (document.querySelector<HTMLInputElement>('input[name="model"]:checked')?.value ?? 'default') as ModelKey;
}

function modelSource(key: ModelKey): { model: string | FileList; dtype: 'quantized' | 'fp32' } {
  if (key === 'test') return { model: TEST_MODEL_URL, dtype: 'fp32' };
  if (key === 'files') {
    const files = $<HTMLInputElement>('model-files').files;
    if (!files?.length)
      throw new Error('choose the folder that holds the model files (onnx/, tokenizer.json, …) first');
    return { model: files, dtype: 'quantized' };
  }
  return { model: DEFAULT_MODEL_URL, dtype: 'quantized' };
}

// The new model loads beside the current one, which stays in use until the new one is ready:
// a model that fails to load leaves the page with the model it had.
async function loadModel(key: ModelKey): Promise<void> {
  const status = $('model-status');
  const progress = $<HTMLProgressElement>('model-progress');
  $<HTMLButtonElement>('load-model').disabled = true;
  let next: ClipscopeWorker | undefined;
  try {
    const source = modelSource(key);
    say(status, 'Loading the model…');
    progress.hidden = false;
    next = await ClipscopeWorker.create({
      ...source,
      backend: 'auto',
      onProgress: ({ file, loaded, total, fromCache }) => {
        if (total) progress.value = loaded / total;
        say(
          status,
          fromCache
            ? `${file}: from the offline cache`
            : `Downloading ${file}: ${(loaded / 1e6).toFixed(1)}${total ? ` of ${(total / 1e6).toFixed(1)}` : ''} MB`,
        );
      },
    });
    cancelRuns(); // runs belong to the engine being replaced; they keep what they stored
    await previousRunsSettled();
    const previous = engine;
    engine = next;
    modelKey = key;
    await previous?.delete();
    localStorage.setItem('clipscope-demo-model', key);
    const { name, reason, threads, threadsReason } = engine.backend;
    // One thread is worth explaining: the page could be faster where threads work.
    say(
      $('backend'),
      `Running on ${name === 'webgpu' ? 'WebGPU' : `WebAssembly (${threads} thread${threads > 1 ? 's' : ''})`}: ${reason}.` +
        (threads === 1 ? ` One thread: ${threadsReason}.` : ''),
    );
    say(status, `Model ready (${engine.files.vision ?? ''}, ${engine.dim}-dimensional embeddings).`);
    await restoreEmbeddings();
  } catch (error) {
    if (next && next !== engine) await next.delete();
    const hint =
      key === 'default'
        ? ' The default model could not be reached: pick the model files from disk, or use the bundled test model.'
        : '';
    const still = engine && modelKey ? ` Still using the ${modelKey} model.` : '';
    say(status, `Could not load the model: ${describe(error)}.${hint}${still}`, true);
  } finally {
    progress.hidden = true;
    $<HTMLButtonElement>('load-model').disabled = false;
    refreshCollection();
  }
}

async function previousRunsSettled(): Promise<void> {
  while (currentRun || queuedRuns.length) await new Promise((resolve) => setTimeout(resolve, 20));
}

// The embeddings saved with the collection are only meaningful for the model that made them.
async function restoreEmbeddings(): Promise<void> {
  const saved = await loadIndex();
  savedModelKey = saved?.modelKey;
  if (!saved || !engine) return;
  if (saved.modelKey !== modelKey) {
    say(
      $('model-status'),
      `Your collection was embedded with the ${saved.modelKey} model; load that model to search it, or Clear to start again.`,
      true,
    );
    return;
  }
  await engine.load(saved.bytes);
}

let lastPersisted = 0;

// Saving copies every embedding, so during a long run it happens at most every few seconds
// (and always at the end): the cost stays linear in the collection size.
async function persistEmbeddings(force = true): Promise<void> {
  if (!engine || !modelKey) return;
  if (!force && performance.now() - lastPersisted < 3000) return;
  await saveIndex({ modelKey, bytes: await engine.save() });
  savedModelKey = modelKey;
  lastPersisted = performance.now();
}

// ---- adding photos -----------------------------------------------------------------------

function showFailures(failures: Array<{ name: string; message: string }>): void {
  const list = $('failure-list');
  for (const failure of failures) {
    const item = document.createElement('li');
    item.textContent = `${failure.name}: ${failure.message}`;
    list.append(item);
  }
  $('failures').hidden = list.childElementCount === 0;
  if (failures.length) ($('failures') as HTMLDetailsElement).open = true;
}

function photoId(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

// Photos picked while a run is going wait in a queue: runs go one after another, each with
// its own AbortController, and every photo picked ends up in the collection or in the failure
// list (Cancel stops the current run and the queued ones, listing what was not added).
interface AddRun {
  files: File[];
  controller: AbortController;
}
const queuedRuns: AddRun[] = [];
let currentRun: AddRun | undefined;
const pendingIds = new Set<string>(); // queued or running, not yet in the collection

function addFiles(files: File[]): void {
  if (!engine) {
    say($('embed-status'), 'Load a model first.', true);
    $('progress-row').hidden = false;
    return;
  }
  if (collectionBelongsElsewhere()) {
    say(
      $('embed-status'),
      `Your collection was embedded with the ${savedModelKey} model: load it, or Clear first.`,
      true,
    );
    $('progress-row').hidden = false;
    return;
  }
  if (!currentRun) $('failure-list').replaceChildren();
  const skipped = files.filter((f) => !isImageFile(f)).map((f) => ({ name: photoId(f), message: 'not an image file' }));
  const already = files
    .filter((f) => isImageFile(f) && photos.has(photoId(f)))
    .map((f) => ({ name: photoId(f), message: 'already in the collection' }));
  const waiting = files
    .filter((f) => isImageFile(f) && pendingIds.has(photoId(f)))
    .map((f) => ({ name: photoId(f), message: 'already being added' }));
  const seen = new Set<string>();
  const todo = files.filter((f) => {
    const id = photoId(f);
    if (!isImageFile(f) || photos.has(id) || pendingIds.has(id) || seen.has(id)) return false;
    seen.add(id);
    return true;
  });
  showFailures([...skipped, ...already, ...waiting]);
  if (!todo.length) return;
  for (const file of todo) pendingIds.add(photoId(file));
  queuedRuns.push({ files: todo, controller: new AbortController() });
  if (currentRun) {
    const queuedPhotos = queuedRuns.reduce((n, run) => n + run.files.length, 0);
    say($('queue-status'), `${queuedPhotos} more photo${queuedPhotos === 1 ? '' : 's'} queued`);
    return;
  }
  void drainRuns();
}

async function drainRuns(): Promise<void> {
  $('cancel').hidden = false;
  try {
    for (let run = queuedRuns.shift(); run; run = queuedRuns.shift()) {
      currentRun = run;
      const queuedPhotos = queuedRuns.reduce((n, r) => n + r.files.length, 0);
      say($('queue-status'), queuedPhotos ? `${queuedPhotos} more photos queued` : '');
      await embedRun(run);
    }
  } finally {
    currentRun = undefined;
    say($('queue-status'), '');
    $('cancel').hidden = true;
  }
}

function cancelRuns(): void {
  for (const run of [currentRun, ...queuedRuns]) run?.controller.abort();
}

// Thumbnails and records for the photos of `files` that the engine stored.
async function recordStored(files: File[], stored: Set<string>): Promise<void> {
  const records = await Promise.all(
    files
      .filter((file) => stored.has(photoId(file)))
      .map(async (file) => ({ id: photoId(file), name: file.name, thumb: await makeThumbnail(file) })),
  );
  await savePhotos(records);
  addPhotoRecords(records);
}

async function embedRun(run: AddRun): Promise<void> {
  const todo = run.files;
  const { signal } = run.controller;
  const bar = $<HTMLProgressElement>('embed-progress');
  const status = $('embed-status');
  $('progress-row').hidden = false;
  const started = performance.now();
  let done = 0;
  let failed = 0;
  let from = 0;
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 1e-3);
    const left = rate > 0 ? Math.ceil((todo.length - done) / rate) : 0;
    bar.value = done / todo.length;
    say(
      status,
      `${done} of ${todo.length} photos · ${rate.toFixed(1)} photos/s · ${left} s left${failed ? ` · ${failed} failed` : ''}`,
    );
  };
  report();
  try {
    for (; from < todo.length; from += CHUNK) {
      const chunk = todo.slice(from, from + CHUNK);
      const result = await engine!.addImages(
        chunk.map((file) => ({ id: photoId(file), image: file })),
        {
          batchSize: 8,
          signal,
          onProgress: (p: EmbedProgress) => {
            done = from + p.done;
            report();
          },
        },
      );
      failed += result.failures.length;
      showFailures(result.failures.map((f) => ({ name: String(f.id), message: f.error.message })));
      await recordStored(chunk, new Set(result.added.map(String)));
      await persistEmbeddings(false);
      done = from + chunk.length;
      report();
      refreshCollection();
    }
    await persistEmbeddings();
    say(
      status,
      `Added ${todo.length - failed} photos in ${((performance.now() - started) / 1000).toFixed(1)} s${failed ? `; ${failed} could not be added (see below)` : ''}.`,
    );
  } catch (error) {
    const cancelled = (error as Error | null)?.name === 'AbortError';
    // A cancelled chunk keeps what the engine stored before the cancel: record those too, and
    // list every photo of the run that is not in the collection.
    const rest = todo.slice(from);
    const stored = new Set<string>();
    for (const file of rest) if (engine && (await engine.index('has', photoId(file)))) stored.add(photoId(file));
    await recordStored(rest, stored);
    await persistEmbeddings();
    const reason = cancelled ? 'cancelled before it was added' : `not added: ${describe(error)}`;
    showFailures(
      rest.filter((file) => !stored.has(photoId(file))).map((file) => ({ name: photoId(file), message: reason })),
    );
    say(
      status,
      cancelled ? `Cancelled: ${photos.size} photos are in the collection.` : `Stopped: ${describe(error)}`,
      !cancelled,
    );
  } finally {
    for (const file of todo) pendingIds.delete(photoId(file));
    clusterLabels = undefined;
    refreshCollection();
  }
}

async function loadSamples(): Promise<void> {
  const button = $<HTMLButtonElement>('load-samples');
  button.disabled = true;
  try {
    const list = (await (await fetch('samples/index.json')).json()) as string[];
    const files = await Promise.all(
      list.map(
        async (path) => new File([await (await fetch(`samples/${path}`)).blob()], path.split('/').pop()!, { type: '' }),
      ),
    );
    addFiles(files);
  } catch (error) {
    say($('embed-status'), `The sample photos could not be loaded: ${describe(error)}`, true);
    $('progress-row').hidden = false;
  } finally {
    button.disabled = false;
  }
}

// ---- search ------------------------------------------------------------------------------

function showResults(title: string, ids: Array<string | number>, scores: Float32Array): void {
  say($('results-title'), title);
  const entries = ids.map((id, i) => ({
    id: String(id),
    url: photos.get(String(id))?.url,
    caption: scores[i].toFixed(3),
  }));
  $('results').replaceWith(
    Object.assign(
      thumbList(entries, (id) => void findSimilar(id)),
      { id: 'results' },
    ),
  );
  $('results-panel').hidden = false;
}

// Search needs the model that made the collection's embeddings.
function searchUnavailable(): string | undefined {
  if (!engine) return 'Load a model first.';
  if (!photos.size) return 'Add some photos first.';
  if (collectionBelongsElsewhere())
    return `Your collection was embedded with the ${savedModelKey} model: load it to search.`;
  return undefined;
}

function showSearchProblem(message: string): void {
  say($('results-title'), message, true);
  $('results').replaceChildren();
  $('results-panel').hidden = false;
}

async function findSimilar(id: string): Promise<void> {
  const problem = searchUnavailable();
  if (problem) return showSearchProblem(problem);
  grid.select(id);
  try {
    const hits = await engine!.searchByImage(id, 12);
    showResults(`Most similar to ${photos.get(id)?.name ?? id}`, hits.ids, hits.scores);
  } catch (error) {
    showSearchProblem(describe(error));
  }
}

async function searchText(text: string): Promise<void> {
  const problem = searchUnavailable();
  if (problem) return showSearchProblem(problem);
  grid.select(undefined);
  try {
    const hits = await engine!.searchByText(text, 12);
    showResults(`Photos matching “${text}”`, hits.ids, hits.scores);
  } catch (error) {
    showSearchProblem(`Could not search: ${describe(error)}`);
  }
}

async function searchWithFile(file: File): Promise<void> {
  const problem = searchUnavailable();
  if (problem) return showSearchProblem(problem);
  try {
    const hits = await engine!.searchByImage(file, 12);
    showResults(`Most similar to the dropped ${file.name}`, hits.ids, hits.scores);
  } catch (error) {
    say($('results-title'), `Could not search with ${file.name}: ${describe(error)}`, true);
    $('results-panel').hidden = false;
  }
}

// ---- clusters, map, duplicates -------------------------------------------------------------

function renderClusters(result: ClusterResult): void {
  clusterLabels = new Map(result.ids.map((id, i) => [String(id), result.labels[i]]));
  const table = $<HTMLTableElement>('silhouette');
  table.hidden = !result.silhouette;
  if (result.silhouette) {
    const { ks, scores } = result.silhouette;
    table.tBodies[0].replaceChildren(
      ...ks.map((k, i) => {
        const row = document.createElement('tr');
        row.className = k === result.k ? 'best' : '';
        row.innerHTML = `<td>${k}</td><td>${scores[i].toFixed(3)}</td>`;
        return row;
      }),
    );
  }
  const sections = result.clusters
    .map((cluster, c) => ({ cluster, c }))
    .sort((a, b) => b.cluster.size - a.cluster.size)
    .map(({ cluster, c }) => {
      const section = document.createElement('section');
      section.className = 'cluster';
      section.dataset.cluster = String(c);
      const title = document.createElement('h3');
      const swatch = document.createElement('span');
      swatch.className = 'swatch';
      swatch.style.background = CLUSTER_COLOURS[c % CLUSTER_COLOURS.length];
      const representative =
        cluster.representative === undefined
          ? ''
          : ` · representative: ${photos.get(String(cluster.representative))?.name ?? cluster.representative}`;
      title.append(swatch, `Cluster ${c + 1} · ${cluster.size} photo${cluster.size === 1 ? '' : 's'}${representative}`);
      const shown = cluster.members.slice(0, 30).map((id) => ({
        id: String(id),
        url: photos.get(String(id))?.url,
        caption: photos.get(String(id))?.name ?? String(id),
      }));
      section.append(
        title,
        thumbList(shown, (id) => (selectTab('photos'), void findSimilar(id)), 'cluster-row'),
      );
      if (cluster.size > 30) section.append(`and ${cluster.size - 30} more`);
      return section;
    });
  $('clusters').replaceChildren(...sections);
}

async function cluster(): Promise<void> {
  const problem = searchUnavailable() ?? (photos.size < 2 ? 'Add at least two photos to cluster them.' : undefined);
  if (problem) return say($('clusters'), problem, true);
  const value = $<HTMLSelectElement>('cluster-k').value;
  try {
    renderClusters(await engine!.cluster({ k: value === 'auto' ? 'auto' : Number(value), kMax: 12 }));
  } catch (error) {
    say($('clusters'), describe(error), true);
  }
}

async function drawMap(): Promise<void> {
  if (searchUnavailable() || photos.size < 2) return;
  try {
    const { ids, coords } = await engine!.map();
    mapView.draw({ ids: ids.map(String), coords, labels: clusterLabels });
  } catch (error) {
    say($('memory'), `Could not draw the map: ${describe(error)}`, true);
  }
}

async function showDuplicates(): Promise<void> {
  const threshold = Number($<HTMLInputElement>('threshold').value);
  say($('threshold-value'), threshold.toFixed(3));
  const problem = searchUnavailable();
  if (problem || photos.size < 2) return say($('duplicates'), problem ?? 'Add at least two photos.', Boolean(problem));
  const groups = await engine!.nearDuplicates(threshold);
  if (!groups.length) return say($('duplicates'), `No photos are this similar (cosine ≥ ${threshold.toFixed(3)}).`);
  $('duplicates').replaceChildren(
    ...groups.map((group) =>
      thumbList(
        group.map((id) => ({
          id: String(id),
          url: photos.get(String(id))?.url,
          caption: photos.get(String(id))?.name ?? String(id),
        })),
        (id) => (selectTab('photos'), void findSimilar(id)),
      ),
    ),
  );
}

function selectTab(name: string): void {
  for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
    const selected = tab.id === `tab-${name}`;
    tab.setAttribute('aria-selected', String(selected));
    $(tab.getAttribute('aria-controls')!).hidden = !selected;
  }
  if (name === 'photos') grid.refresh();
  if (name === 'map') void drawMap();
  if (name === 'duplicates') void showDuplicates();
}

// ---- export, import, clear ------------------------------------------------------------------

// Exports what is stored on the device (after saving the latest embeddings when the loaded
// model is the collection's), so a collection made with another model is exported intact.
async function exportFile(): Promise<void> {
  if (engine && !collectionBelongsElsewhere()) await persistEmbeddings();
  const saved = await loadIndex();
  if (!saved) return say($('memory'), 'Nothing to export yet: add photos with a model first.', true);
  const blob = await exportCollection(await loadPhotos(), saved);
  const link = Object.assign(document.createElement('a'), {
    href: URL.createObjectURL(blob),
    download: 'photos.clipscope',
  });
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

// Import never drops the current collection without asking: with photos already here it asks
// whether to merge (add the photos not already there), replace, or cancel.
async function importFile(file: File): Promise<void> {
  const status = $('embed-status');
  $('progress-row').hidden = false;
  if (currentRun)
    return say(status, 'Wait until the photos being added are in (or cancel them) before importing.', true);
  try {
    const collection = await importCollection(file, modelKey ?? savedModelKey ?? 'default');
    let choice: ImportChoice = 'replace';
    if (photos.size > 0) {
      const ours = savedModelKey ?? modelKey;
      const sameModel = ours === undefined || collection.index.modelKey === ours;
      choice = await askImportChoice(
        `${file.name} holds ${collection.photos.length} photos; your collection has ${photos.size}.`,
        sameModel
          ? undefined
          : `Merging is not possible: ${file.name} was embedded with the ${collection.index.modelKey} model, your collection with the ${ours} model.`,
      );
    }
    if (choice === 'cancel') return say(status, `Import cancelled: your collection is unchanged.`);
    if (choice === 'merge') await mergeImport(file, collection);
    else await replaceWithImport(collection);
  } catch (error) {
    say(status, `Could not import ${file.name}: ${describe(error)}`, true);
  } finally {
    refreshCollection();
  }
}

async function replaceWithImport(collection: ImportedCollection): Promise<void> {
  if (engine && collection.index.modelKey === modelKey) await engine.load(collection.index.bytes.slice());
  await clearCollection();
  await savePhotos(collection.photos);
  await saveIndex(collection.index);
  savedModelKey = collection.index.modelKey;
  forgetPhotos();
  addPhotoRecords(collection.photos);
  const note =
    collection.index.modelKey === modelKey ? '' : ` Load the ${collection.index.modelKey} model to search it.`;
  say($('embed-status'), `Imported ${collection.photos.length} photos.${note}`);
}

async function mergeImport(file: File, collection: ImportedCollection): Promise<void> {
  if (engine && !collectionBelongsElsewhere()) await persistEmbeddings();
  const current = await loadIndex();
  if (!current) return replaceWithImport(collection);
  const { bytes, added } = await mergeSavedIndexes(current.bytes, collection.index.bytes);
  const addedIds = new Set(added);
  const newPhotos = collection.photos.filter((photo) => addedIds.has(photo.id) && !photos.has(photo.id));
  if (engine && current.modelKey === modelKey) await engine.load(bytes.slice());
  await saveIndex({ modelKey: current.modelKey, bytes });
  await savePhotos(newPhotos);
  addPhotoRecords(newPhotos);
  clusterLabels = undefined;
  const kept = collection.photos.length - newPhotos.length;
  say(
    $('embed-status'),
    `Merged ${file.name}: added ${newPhotos.length} photos${kept ? `; ${kept} were already in your collection` : ''}.`,
  );
}

function forgetPhotos(): void {
  for (const photo of photos.values()) URL.revokeObjectURL(photo.url);
  photos.clear();
  clusterLabels = undefined;
  $('results-panel').hidden = true;
  $('clusters').replaceChildren();
}

async function clearAll(): Promise<void> {
  if (!confirm('Remove all photos and embeddings from this device? The model stays cached.')) return;
  await clearCollection();
  await engine?.index('clear');
  savedModelKey = undefined;
  forgetPhotos();
  refreshCollection();
}

// ---- wiring ------------------------------------------------------------------------------

for (let k = 2; k <= 12; k++) $('cluster-k').append(new Option(String(k), String(k)));
$('load-model').addEventListener('click', () => void loadModel(chosenModel()));
$('model-files').addEventListener('change', () => {
  document.querySelector<HTMLInputElement>('input[name="model"][value="files"]')!.checked = true;
});
$('photo-files').addEventListener('change', (event) => addFiles([...((event.target as HTMLInputElement).files ?? [])]));
$('photo-folder').addEventListener('change', (event) =>
  addFiles([...((event.target as HTMLInputElement).files ?? [])]),
);
$('load-samples').addEventListener('click', () => void loadSamples());
$('cancel').addEventListener('click', cancelRuns);
$('text-search').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $<HTMLInputElement>('query').value.trim();
  if (text) void searchText(text);
});
$('cluster-form').addEventListener('submit', (event) => {
  event.preventDefault();
  void cluster();
});
$('threshold').addEventListener('input', () => void showDuplicates());
for (const tab of document.querySelectorAll<HTMLButtonElement>('[role="tab"]')) {
  tab.addEventListener('click', () => selectTab(tab.id.slice(4)));
}
$('export').addEventListener('click', () => void exportFile());
$('import-file').addEventListener('change', (event) => {
  const file = (event.target as HTMLInputElement).files?.[0];
  if (file) void importFile(file);
  (event.target as HTMLInputElement).value = '';
});
$('clear').addEventListener('click', () => void clearAll());

const dropZone = $('drop-zone');
dropZone.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' || event.key === ' ') $('photo-files').click();
});
for (const target of [dropZone, $('view-photos')]) {
  target.addEventListener('dragover', (event) => {
    event.preventDefault();
    target.classList.add('over');
  });
  target.addEventListener('dragleave', () => target.classList.remove('over'));
  target.addEventListener('drop', (event) => {
    event.preventDefault();
    target.classList.remove('over');
    void filesFromDrop(event.dataTransfer!).then((files) => {
      // A single photo dropped on the results searches with it; anything else is added.
      if (target !== dropZone && files.length === 1) void searchWithFile(files[0]);
      else addFiles(files);
    });
  });
}

async function start(): Promise<void> {
  addPhotoRecords(await loadPhotos());
  savedModelKey = (await loadIndex())?.modelKey;
  refreshCollection();
  const last = localStorage.getItem('clipscope-demo-model') as ModelKey | null;
  // A collection made with the bundled or the default model reloads that model (from the cache).
  if (photos.size && savedModelKey && savedModelKey !== 'files' && last === savedModelKey) {
    document.querySelector<HTMLInputElement>(`input[name="model"][value="${savedModelKey}"]`)!.checked = true;
    await loadModel(savedModelKey as ModelKey);
  } else if (!(await defaultModelReachable())) {
    document.querySelector<HTMLInputElement>('input[name="model"][value="test"]')!.checked = true;
    say(
      $('model-status'),
      'The CLIP model cannot be downloaded now (offline, or the Hugging Face hub is unreachable) and is not cached: the bundled test model is selected.',
    );
  }
  document.body.dataset.ready = 'true';
}
void start();
