// The image files under a folder, recursively, each with the id it is stored under (its path
// relative to the folder, with "/") and what tells a later run whether it changed. Symbolic
// links are not followed: one could lead out of the folder or round in a loop.
import { lstat, readdir } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

export const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|avif|heic|heif|tiff?|bmp)$/i;

export interface FoundFile {
  id: string;
  path: string;
  size: number;
  mtimeMs: number;
}

export async function findImages(folder: string): Promise<{ files: FoundFile[]; links: string[] }> {
  const files: FoundFile[] = [];
  const links: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    const entries = await readdir(dir, { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const path = join(dir, entry.name);
      const id = relative(folder, path).split(sep).join('/');
      if (entry.isSymbolicLink()) links.push(id);
      else if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && IMAGE_EXTENSIONS.test(entry.name)) {
        const stats = await lstat(path);
        files.push({ id, path, size: stats.size, mtimeMs: stats.mtimeMs });
      }
    }
  };
  await walk(folder);
  return { files, links };
}
