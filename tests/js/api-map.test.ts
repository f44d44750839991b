// The README's API map matches the package: every export of `clipscope` and
// `clipscope/advanced` is in it, and everything it names is exported (from the entry it says).
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as advanced from '../../dist/advanced.js';
import * as main from '../../dist/index.js';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const section = readme.slice(readme.indexOf('## API reference'), readme.indexOf('## Browser support'));
const rows = section
  .split('\n')
  .filter((line) => line.startsWith('| ') && !line.startsWith('| export') && !line.startsWith('|---'));

// The identifiers a row names: in its first column, or (the errors row) in its second.
function named(row: string): { names: string[]; advanced: boolean } {
  const [first, second] = row.split(' | ');
  const column = first.includes('`') ? first : second;
  const names = [...column.matchAll(/`([A-Za-z_$][\w$]*)/g)].map((m) => m[1]);
  return { names, advanced: first.includes('*advanced*') };
}

describe('README API map', () => {
  it('names every export of both entries, each under the entry it comes from', () => {
    const listed = new Map<string, boolean>();
    for (const row of rows) for (const name of named(row).names) listed.set(name, named(row).advanced);
    const mainNames = Object.keys(main).sort();
    const advancedNames = Object.keys(advanced).sort();
    expect(mainNames.filter((n) => !listed.has(n))).toEqual([]);
    expect(advancedNames.filter((n) => !listed.has(n))).toEqual([]);
    for (const [name, isAdvanced] of listed) {
      expect(isAdvanced ? advancedNames : mainNames, `${name} (${isAdvanced ? 'advanced' : 'main'})`).toContain(name);
    }
  });
});
