// bench/RESULTS.md holds one section per benchmark between <!-- name --> markers; each
// benchmark replaces only its own section, so they can be re-run one at a time.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';

const header = `# Benchmark results

Produced by \`npm run bench\` (see [README.md](README.md)); each section names the command
that produced it. Ratios are "how many times faster clipscope is", at the min and at the
median of the runs.
`;

export function writeSection(path, name, markdown) {
  const start = `<!-- ${name} -->`;
  const end = `<!-- /${name} -->`;
  const block = `${start}\n${markdown.trim()}\n${end}`;
  let text = existsSync(path) ? readFileSync(path, 'utf8') : header;
  const from = text.indexOf(start);
  const to = text.indexOf(end);
  text =
    from >= 0 && to > from
      ? text.slice(0, from) + block + text.slice(to + end.length)
      : `${text.trimEnd()}\n\n${block}\n`;
  writeFileSync(path, text);
}
