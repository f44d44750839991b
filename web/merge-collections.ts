// Merging an imported collection's embeddings into the current ones with the package's own
// index: the photos not already there are added, the rest is left as it is.
import { EmbeddingIndex } from 'clipscope';

export async function mergeSavedIndexes(
  current: Uint8Array,
  imported: Uint8Array,
): Promise<{ bytes: Uint8Array; added: string[] }> {
  const into = await EmbeddingIndex.load(current);
  const from = await EmbeddingIndex.load(imported);
  try {
    const ids = from.rows().ids.filter((id) => !into.has(id));
    if (ids.length) {
      const rows = from.rows({ ids });
      into.addMany(rows.ids, rows.vectors);
    }
    return { bytes: into.save(), added: ids.map(String) };
  } finally {
    into.delete();
    from.delete();
  }
}
