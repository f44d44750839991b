// Modules that only exist in Node. The specifier reaches import() as a variable, so bundlers
// leave the import alone and browser bundles never try to include these modules.

export function importNodeOnly<T>(specifier: string): Promise<T> {
  return import(/* @vite-ignore */ /* webpackIgnore: true */ specifier) as Promise<T>;
}

/** The bytes of a file: URL. */
export async function readFileUrl(url: URL): Promise<Uint8Array<ArrayBuffer>> {
  const { readFile } = await importNodeOnly<typeof import('node:fs/promises')>('node:fs/promises');
  return new Uint8Array(await readFile(url));
}
