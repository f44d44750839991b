// Draws bench/RESULTS.md's ratios as one SVG bar chart: every table row whose cells hold a
// "min× / median×" ratio becomes a bar (the median, log scale), grouped by section; 1× (parity)
// is marked. Usage: node bench/chart.mjs [--results FILE] [--out FILE]
import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args } = parseArgs({
  options: {
    results: { type: 'string', default: 'bench/RESULTS.md' },
    out: { type: 'string', default: 'bench/results.svg' },
  },
});

/** [{ section, rows: [{ label, median }] }] from the markdown. */
export function ratioRows(markdown) {
  const sections = [];
  let section;
  let subsection = '';
  let header = [];
  let previous = [];
  const cellsOf = (line) =>
    line
      .split('|')
      .slice(1, -1)
      .map((c) => c.trim());
  for (const line of markdown.split('\n')) {
    if (line.startsWith('## ')) {
      sections.push((section = { section: line.slice(3).trim(), rows: [] }));
      subsection = '';
    } else if (line.startsWith('### ')) {
      subsection = line
        .slice(4)
        .trim()
        .replace(/\s×.*$/, '');
    } else if (line.startsWith('|---')) {
      header = previous;
    } else if (section && line.startsWith('|')) {
      const cells = cellsOf(line);
      previous = cells;
      cells.forEach((cell, i) => {
        const match = /^([\d.]+)× \/ ([\d.]+)×$/.exec(cell);
        if (!match || i === 0) return;
        const column = cells.length > 2 && header[i] ? ` (${header[i]})` : '';
        section.rows.push({
          label: [subsection, cells[0]].filter(Boolean).join(' · ') + column,
          median: Number(match[2]),
        });
      });
    }
  }
  return sections.filter((s) => s.rows.length);
}

function escape(text) {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export function chart(sections) {
  const rowHeight = 18;
  const labelWidth = 520;
  const plotWidth = 420;
  const rows = sections.flatMap((s) => [{ header: s.section }, ...s.rows]);
  const height = 40 + rows.length * rowHeight;
  const values = sections.flatMap((s) => s.rows.map((r) => r.median)).filter((v) => v > 0);
  const lo = Math.min(0.1, ...values);
  const hi = Math.max(10, ...values);
  const x = (v) => labelWidth + ((Math.log10(v) - Math.log10(lo)) / (Math.log10(hi) - Math.log10(lo))) * plotWidth;
  const parts = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${labelWidth + plotWidth + 70}" height="${height}" font-family="sans-serif" font-size="11">`,
    `<text x="8" y="16" font-size="13" font-weight="bold">clipscope speed ratio against each peer (median of runs; &gt; 1 = clipscope faster; log scale)</text>`,
  ];
  const parity = x(1);
  parts.push(
    `<line x1="${parity}" y1="24" x2="${parity}" y2="${height - 4}" stroke="#9ca3af" stroke-dasharray="3,3"/>`,
  );
  parts.push(`<text x="${parity + 3}" y="34" fill="#6b7280">1×</text>`);
  rows.forEach((row, i) => {
    const y = 40 + i * rowHeight;
    if ('header' in row) {
      parts.push(`<text x="8" y="${y + 12}" font-weight="bold">${escape(row.header)}</text>`);
      return;
    }
    const end = x(Math.max(lo, row.median));
    const colour = row.median >= 1 ? '#2563eb' : '#dc2626';
    parts.push(`<text x="20" y="${y + 12}">${escape(row.label.slice(0, 90))}</text>`);
    parts.push(
      `<rect x="${Math.min(parity, end)}" y="${y + 3}" width="${Math.max(1, Math.abs(end - parity))}" height="${rowHeight - 6}" fill="${colour}"/>`,
    );
    parts.push(`<text x="${Math.max(parity, end) + 4}" y="${y + 12}">${row.median.toFixed(2)}×</text>`);
  });
  parts.push('</svg>');
  return parts.join('\n');
}

const sections = ratioRows(readFileSync(args.results, 'utf8'));
writeFileSync(args.out, chart(sections) + '\n');
console.error(`${args.out}: ${sections.reduce((n, s) => n + s.rows.length, 0)} ratios in ${sections.length} sections`);
