// The demo: a photo app over clipscope. A CLIP model runs in clipscope's Worker, the user's
// photos are embedded on the device, and the views (model, photos, search, viewer, groups, map,
// near duplicates, collection) share one small store. Thumbnails, previews and embeddings
// persist in IndexedDB; the photos themselves stay the user's files.
import { Collection } from './collection.js';
import { loadIndex, loadPhotos } from './collection-store.js';
import { acceptDrops, photoId } from './dropped-files.js';
import { Store, initialState, type TabName } from './store.js';
import { $ } from './ui.js';
import { ClustersView } from './views/clusters-view.js';
import { CollectionView } from './views/collection-view.js';
import { DuplicatesView } from './views/duplicates-view.js';
import { MapView } from './views/map-view.js';
import { ModelView } from './views/model-view.js';
import { PhotosView } from './views/photos-view.js';
import { SearchView } from './views/search-view.js';
import { Tabs } from './views/tabs.js';
import { initUndoToast } from './views/undo-toast.js';
import { ViewerView } from './views/viewer-view.js';

const store = new Store(initialState());
const collection = new Collection(store);
const openViewer = (id: string, order: string[]) => viewer.open(id, order);
const photos = new PhotosView(store, collection, openViewer);
const search = new SearchView(store, collection, openViewer);
const clusters = new ClustersView(store, collection, openViewer);
const viewer = new ViewerView(store, collection, { showGroup: (id) => clusters.showGroup(id) });
const model = new ModelView(store, () => photos.settle());
new MapView(store, collection, openViewer);
new DuplicatesView(store, collection, openViewer);
new CollectionView(store, collection, () => photos.busy);
new Tabs($('view-tabs'), store, (tab: TabName) => store.set({ tab }));
initUndoToast();

// A single photo dropped on the search area searches with it; anything else is added.
acceptDrops($('view-photos'), (files) => {
  if (files.length === 1) void search.show({ image: files[0] }, `Most similar to the dropped ${files[0].name}`);
  else photos.add(files.map((file) => ({ id: photoId(file), file })));
});

async function start(): Promise<void> {
  collection.add(await loadPhotos());
  store.set({ savedModelKey: (await loadIndex())?.modelKey });
  await model.start();
  document.body.dataset.ready = 'true';
}
void start();
