// Merging an imported collection's embeddings into the current ones with the package's own
// index (exact or approximate, each as saved): the photos not already there are added, the
// rest is left as it is.
import { loadIndexFrom } from 'clipscope';

export async function mergeSavedIndexes(
  current: Uint8Array,
  imported: Uint8Array,
): Promise<{ bytes: Uint8Array; added: string[] }> {
  const into = await loadIndexFrom([current], { totalBytes: current.length });
  let from;
  try {
    from = await loadIndexFrom([imported], { totalBytes: imported.length });
    const ids = from.rows().ids.filter((id) => !into.has(id));
    if (ids.length) {
      const rows = from.rows({ ids });
      into.addMany(rows.ids, rows.vectors);
    }
    return { bytes: into.save(), added: ids.map(String) };
  } finally {
    into.delete();
    from?.delete();
  }
}
