// `clipscope index <folder>`: embeds every image under a folder into one index file that
// EmbeddingIndex.load reads. A manifest beside it (<output>.files.json) remembers each file's
// size and modification time, so a second run embeds only new or changed files, drops the ones
// that are gone, and a stopped run resumes where it was. Both files are replaced whole (written
// aside, then renamed), so an interrupted save leaves the previous pair.
import { readFile, rename, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { Clipscope } from '../engine/clipscope.js';
import type { StorageType } from '../search/embedding-index.js';
import { findImages, type FoundFile } from './folder-walk.js';

export interface IndexFolderOptions {
  folder: string;
  output: string;
  /** A model folder or URL (Hugging Face / Transformers.js layout). */
  model: string;
  batchSize: number;
  storage: StorageType;
  signal?: AbortSignal;
  onProgress?: (done: number, total: number) => void;
}

export interface IndexFolderResult {
  output: string;
  /** Images found under the folder. */
  found: number;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  /** Files that could not be read or decoded (skipped again until they change). */
  failures: Array<{ id: string; error: string }>;
  /** Symbolic links met and not followed. */
  links: string[];
  /** True when the run was stopped before the end: run again to resume. */
  stopped: boolean;
}

interface Manifest {
  format: 'clipscope-folder-index';
  version: 1;
  model: string;
  files: Record<string, { size: number; mtimeMs: number; failed?: string }>;
}

const SAVE_EVERY_MS = 30_000;

async function readManifest(path: string, model: string): Promise<Manifest> {
  const empty: Manifest = { format: 'clipscope-folder-index', version: 1, model, files: {} };
  if (!existsSync(path)) return empty;
  const manifest = JSON.parse(await readFile(path, 'utf8')) as Manifest;
  if (manifest.format !== 'clipscope-folder-index' || manifest.version !== 1)
    throw new Error(`${path} is not a clipscope folder manifest (version 1)`);
  if (manifest.model !== model)
    throw new Error(
      `the index was made with the model ${manifest.model}; embeddings of ${model} cannot join it (use --model ${manifest.model}, or another --output)`,
    );
  return manifest;
}

async function replace(path: string, data: Uint8Array | string): Promise<void> {
  await writeFile(`${path}.partial`, data);
  await rename(`${path}.partial`, path);
}

export async function indexFolder(options: IndexFolderOptions): Promise<IndexFolderResult> {
  const manifestPath = `${options.output}.files.json`;
  const { files, links } = await findImages(options.folder);
  const manifest = existsSync(options.output)
    ? await readManifest(manifestPath, options.model)
    : { format: 'clipscope-folder-index' as const, version: 1 as const, model: options.model, files: {} };
  const engine = await Clipscope.create({
    model: options.model,
    encoders: ['vision'],
    index: { storage: options.storage },
  });
  const result: IndexFolderResult = {
    output: options.output,
    found: files.length,
    added: [],
    updated: [],
    removed: [],
    unchanged: 0,
    failures: [],
    links,
    stopped: false,
  };
  const save = async () => {
    await replace(options.output, await engine.save());
    await replace(manifestPath, JSON.stringify(manifest));
  };
  let current: FoundFile[] = []; // the files being embedded, for a stop to account for
  try {
    if (existsSync(options.output)) await engine.load(new Uint8Array(await readFile(options.output)));
    // What this run does: files gone are removed, unchanged ones (failed ones too) kept as they are.
    const present = new Set(files.map((file) => file.id));
    for (const id of Object.keys(manifest.files)) {
      if (present.has(id)) continue;
      delete manifest.files[id];
      if (engine.index.has(id)) engine.index.remove(id);
      result.removed.push(id);
    }
    const todo: FoundFile[] = [];
    for (const file of files) {
      const known = manifest.files[file.id];
      if (known && known.size === file.size && known.mtimeMs === file.mtimeMs) {
        if (known.failed) result.failures.push({ id: file.id, error: known.failed });
        else result.unchanged++;
      } else todo.push(file);
    }
    let done = 0;
    let saved = Date.now();
    options.onProgress?.(0, todo.length);
    // A few batches at a time: the files' bytes are read only for the images being embedded.
    const chunk = options.batchSize * 4;
    for (let start = 0; start < todo.length; start += chunk) {
      if (options.signal?.aborted) throw options.signal.reason;
      const part = todo.slice(start, start + chunk);
      current = part;
      const items: Array<{ id: string; image: Uint8Array }> = [];
      for (const file of part) {
        try {
          items.push({ id: file.id, image: new Uint8Array(await readFile(file.path)) });
        } catch (error) {
          const message = `could not read the file: ${error instanceof Error ? error.message : String(error)}`;
          manifest.files[file.id] = { size: file.size, mtimeMs: file.mtimeMs, failed: message };
          result.failures.push({ id: file.id, error: message });
        }
      }
      const changed = items.filter((item) => engine.index.has(item.id)).map((item) => item.id);
      for (const id of changed) engine.index.remove(id);
      const outcome = await engine.addImages(items, { batchSize: options.batchSize, signal: options.signal });
      const byId = new Map(part.map((file) => [file.id, file]));
      for (const id of outcome.added.map(String)) {
        const file = byId.get(id)!;
        manifest.files[id] = { size: file.size, mtimeMs: file.mtimeMs };
        (changed.includes(id) ? result.updated : result.added).push(id);
      }
      for (const failure of outcome.failures) {
        const file = byId.get(String(failure.id))!;
        manifest.files[file.id] = { size: file.size, mtimeMs: file.mtimeMs, failed: failure.error.message };
        result.failures.push({ id: file.id, error: failure.error.message });
      }
      done += part.length;
      options.onProgress?.(done, todo.length);
      if (Date.now() - saved > SAVE_EVERY_MS) {
        await save();
        saved = Date.now();
      }
    }
    current = [];
  } catch (error) {
    if ((error as Error | undefined)?.name !== 'AbortError') throw error;
    result.stopped = true;
    // The batches stored before the stop are kept: the manifest says so, so a resume skips them.
    for (const file of current) {
      const known = manifest.files[file.id];
      if (!engine.index.has(file.id) || (known && known.size === file.size && known.mtimeMs === file.mtimeMs)) continue;
      (known ? result.updated : result.added).push(file.id);
      manifest.files[file.id] = { size: file.size, mtimeMs: file.mtimeMs };
    }
  } finally {
    try {
      await save();
    } finally {
      await engine.delete();
    }
  }
  return result;
}
