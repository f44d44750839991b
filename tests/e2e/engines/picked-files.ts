// Paths to files as a file picker yields them: a file by its name, a folder as every file in it
// (recursively) with its path under the folder's own name, as browsers' folder pickers report.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { basename, join, relative } from 'node:path';
import type { PickedFile } from './engine.js';

export function pickedFiles(paths: string[]): PickedFile[] {
  const out: PickedFile[] = [];
  for (const path of paths) {
    if (!statSync(path).isDirectory()) {
      out.push({ name: basename(path), relativePath: '', base64: readFileSync(path).toString('base64') });
      continue;
    }
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
        const full = join(dir, entry.name);
        if (entry.isDirectory()) walk(full);
        else
          out.push({
            name: entry.name,
            relativePath: join(basename(path), relative(path, full)),
            base64: readFileSync(full).toString('base64'),
          });
      }
    };
    walk(path);
  }
  return out;
}
