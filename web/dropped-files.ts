// Files from a drop: plain files and whole folders (walked recursively, paths kept as ids).
const IMAGE_EXTENSIONS = /\.(jpe?g|png|gif|webp|avif|bmp|heic|heif|tiff?)$/i;

export function isImageFile(file: File): boolean {
  return file.type.startsWith('image/') || IMAGE_EXTENSIONS.test(file.name);
}

function readEntries(reader: FileSystemDirectoryReader): Promise<FileSystemEntry[]> {
  return new Promise((resolve, reject) => reader.readEntries(resolve, reject));
}

async function walk(entry: FileSystemEntry, path: string, out: File[]): Promise<void> {
  if (entry.isFile) {
    const file = await new Promise<File>((resolve, reject) => (entry as FileSystemFileEntry).file(resolve, reject));
    // The folder path becomes the id, as a folder picker's webkitRelativePath would.
    Object.defineProperty(file, 'webkitRelativePath', { value: `${path}${file.name}` });
    out.push(file);
    return;
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  // readEntries returns the folder in pieces; an empty piece means the end.
  for (let batch = await readEntries(reader); batch.length; batch = await readEntries(reader)) {
    for (const child of batch) await walk(child, `${path}${entry.name}/`, out);
  }
}

export async function filesFromDrop(data: DataTransfer): Promise<File[]> {
  const entries = [...data.items].map((item) => item.webkitGetAsEntry?.()).filter((e): e is FileSystemEntry => !!e);
  if (!entries.some((e) => e.isDirectory)) return [...data.files];
  const out: File[] = [];
  for (const entry of entries) await walk(entry, '', out);
  return out;
}

/** A photo's id: its path in the folder it came from, else its name. */
export function photoId(file: File): string {
  return (file as File & { webkitRelativePath?: string }).webkitRelativePath || file.name;
}

/** Marks `target` while files are dragged over it and hands what is dropped to `onFiles`. */
export function acceptDrops(target: HTMLElement, onFiles: (files: File[]) => void): void {
  target.addEventListener('dragover', (event) => {
    event.preventDefault();
    target.classList.add('over');
  });
  target.addEventListener('dragleave', () => target.classList.remove('over'));
  target.addEventListener('drop', (event) => {
    event.preventDefault();
    target.classList.remove('over');
    void filesFromDrop(event.dataTransfer!).then(onFiles);
  });
}
