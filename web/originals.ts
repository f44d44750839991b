// The original of a photo, while it is within reach: a file picked or dropped this session, or a
// file in the folder the user let the page remember (File System Access API: Chromium), whose
// permission the browser asks for again after a reload.
import { loadFolderHandle, saveFolderHandle } from './collection-store.js';

type PermissionHandle = FileSystemDirectoryHandle & {
  queryPermission?(options: { mode: 'read' }): Promise<PermissionState>;
  requestPermission?(options: { mode: 'read' }): Promise<PermissionState>;
};

const session = new Map<string, File>();

export function rememberOriginals(files: Array<{ id: string; file: File }>): void {
  for (const { id, file } of files) session.set(id, file);
}

export function forgetOriginals(ids?: readonly string[]): void {
  if (!ids) session.clear();
  else for (const id of ids) session.delete(id);
}

/** Whether this browser can remember a folder between visits. */
export function canRememberFolders(): boolean {
  return typeof (window as { showDirectoryPicker?: unknown }).showDirectoryPicker === 'function';
}

/** Lets the user pick a folder that the page remembers; its files, ids led by the folder's name. */
export async function pickRememberedFolder(): Promise<Array<{ id: string; file: File }>> {
  const picker = (window as unknown as { showDirectoryPicker(o: { mode: 'read' }): Promise<FileSystemDirectoryHandle> })
    .showDirectoryPicker;
  const handle = await picker({ mode: 'read' });
  await saveFolderHandle(handle);
  const files: Array<{ id: string; file: File }> = [];
  await walk(handle, `${handle.name}/`, files);
  return files;
}

async function walk(folder: FileSystemDirectoryHandle, path: string, out: Array<{ id: string; file: File }>) {
  for await (const entry of (folder as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
    if (entry.kind === 'file')
      out.push({ id: `${path}${entry.name}`, file: await (entry as FileSystemFileHandle).getFile() });
    else await walk(entry as FileSystemDirectoryHandle, `${path}${entry.name}/`, out);
  }
}

export type OriginalLookup =
  | { state: 'found'; file: Blob }
  | { state: 'needs-permission'; folder: string; grant: () => Promise<boolean> }
  | { state: 'unavailable' };

/** Finds the original of `id`: this session's file, or the remembered folder's. */
export async function findOriginal(id: string): Promise<OriginalLookup> {
  const file = session.get(id);
  if (file) return { state: 'found', file };
  const folder = (await loadFolderHandle().catch(() => undefined)) as PermissionHandle | undefined;
  if (!folder || !id.startsWith(`${folder.name}/`)) return { state: 'unavailable' };
  const read = async (): Promise<Blob | undefined> => {
    try {
      let dir: FileSystemDirectoryHandle = folder;
      const parts = id.slice(folder.name.length + 1).split('/');
      for (const part of parts.slice(0, -1)) dir = await dir.getDirectoryHandle(part);
      return await (await dir.getFileHandle(parts.at(-1)!)).getFile();
    } catch {
      return undefined; // moved or deleted since
    }
  };
  const permission = (await folder.queryPermission?.({ mode: 'read' })) ?? 'granted';
  if (permission === 'granted') {
    const found = await read();
    return found ? { state: 'found', file: found } : { state: 'unavailable' };
  }
  if (permission === 'denied') return { state: 'unavailable' };
  return {
    state: 'needs-permission',
    folder: folder.name,
    grant: async () => (await folder.requestPermission?.({ mode: 'read' })) === 'granted',
  };
}
