// The folders of lib/ are the package's layers and imports point down only: a module may import
// its own folder and the folders below it, never one above (ARCHITECTURE.md draws the graph).
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const lib = fileURLToPath(new URL('../../lib/', import.meta.url));

// Each part and the parts it may import.
export const LAYERS: Record<string, string[]> = {
  common: [],
  wasm: ['common'],
  clustering: ['common', 'wasm'],
  search: ['common', 'wasm', 'clustering'],
  images: ['common', 'wasm'],
  text: ['common', 'wasm'],
  model: ['common', 'wasm', 'images', 'text'],
  persistence: ['common', 'wasm', 'search'],
  engine: ['common', 'wasm', 'clustering', 'search', 'images', 'text', 'model', 'persistence'],
  cli: ['common', 'wasm', 'clustering', 'search', 'images', 'text', 'model', 'persistence', 'engine'],
};

function importsOf(file: string): string[] {
  const source = readFileSync(file, 'utf8');
  return [...source.matchAll(/(?:from|import)\s*\(?\s*'(\.[^']+)'/g)].map((m) => m[1]);
}

describe('lib/ layers', () => {
  const parts = readdirSync(lib, { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => e.name);

  it('has one folder per part, no loose modules but the two entries', () => {
    expect(parts.sort()).toEqual(Object.keys(LAYERS).sort());
    expect(
      readdirSync(lib)
        .filter((f) => f.endsWith('.ts'))
        .sort(),
    ).toEqual(['advanced.ts', 'index.ts']);
  });

  it('imports only downwards', () => {
    const wrong: string[] = [];
    for (const part of parts) {
      for (const name of readdirSync(join(lib, part)).filter((f) => f.endsWith('.ts'))) {
        const file = join(lib, part, name);
        for (const spec of importsOf(file)) {
          const target = relative(lib, resolve(dirname(file), spec)).split('/')[0];
          if (target !== part && !LAYERS[part].includes(target)) wrong.push(`${part}/${name} imports ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});
