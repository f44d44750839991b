// `clipscope index <folder>`: a folder of good, broken, duplicate and HEIC files (and a link out
// of it) is indexed, stopped with SIGINT midway, resumed, then re-run after a change; the index
// file loads with EmbeddingIndex.load in Node and in Chromium, where a static page searches it by
// text with only the text encoder downloaded.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClipModel } from '../../dist/advanced.js';
import { EmbeddingIndex } from '../../dist/index.js';
import type { IndexFolderResult } from '../../dist/cli/index-folder.js';
import { serveRepository } from '../../scripts/static-server.mjs';
import { launchEngine } from '../e2e/engines/index.js';
import { openApp, requireApp } from '../e2e/app-page.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const work = `${root}build/cli-test/`;
const folder = `${work}photos/`;
const output = `${work}photos.clipscope-index`;
const model = `${root}build/models/clip-colors`;
const cli = `${root}dist/cli/clipscope.js`;
const shapes = `${root}build/web/samples/shapes/`;
const COPIES = 25;

type Result = IndexFolderResult;

function run(args: string[]): { status: number | null; result: Result; stderr: string } {
  const out = spawnSync('node', [cli, 'index', folder, '--model', model, '--output', output, '--json', ...args], {
    encoding: 'utf8',
  });
  return { status: out.status, result: JSON.parse(out.stdout), stderr: out.stderr };
}

/** Runs the command and sends SIGINT once it reports its first images done. */
function runAndStop(): Promise<{ status: number | null; result: Result }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'node',
      [cli, 'index', folder, '--model', model, '--output', output, '--json', '--batch-size', '2'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    let stderr = '';
    let sent = false;
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
      if (!sent && /"done":[1-9]/.test(stderr)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    child.on('error', reject);
    child.on('close', (status) => {
      try {
        resolve({ status, result: JSON.parse(stdout) });
      } catch {
        reject(new Error(`no result: ${stdout} ${stderr}`));
      }
    });
  });
}

const goodIds: string[] = [];

beforeAll(() => {
  requireApp();
  rmSync(work, { recursive: true, force: true });
  mkdirSync(folder, { recursive: true });
  const pngs = readdirSync(shapes).filter((name) => name.endsWith('.png'));
  for (let copy = 0; copy < COPIES; copy++) {
    mkdirSync(`${folder}set-${copy}`);
    for (const name of pngs) {
      cpSync(`${shapes}${name}`, `${folder}set-${copy}/${name}`);
      goodIds.push(`set-${copy}/${name}`);
    }
  }
  cpSync(`${root}build/reference/formats/heic-444.heic`, `${folder}phone.heic`);
  goodIds.push('phone.heic');
  writeFileSync(`${folder}broken.jpg`, 'not a photo');
  symlinkSync('/etc', `${folder}elsewhere`);
  symlinkSync(`${shapes}red-circle.png`, `${folder}linked.png`);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('clipscope index <folder>', () => {
  const seen: string[] = [];

  it('stops on SIGINT after the batch it is on, keeping what is done', async () => {
    const { status, result } = await runAndStop();
    expect(status).toBe(130);
    expect(result.stopped).toBe(true);
    expect(result.found).toBe(goodIds.length + 1);
    expect(result.added.length).toBeGreaterThan(0);
    expect(result.added.length).toBeLessThan(goodIds.length);
    expect(result.links.sort()).toEqual(['elsewhere', 'linked.png']);
    const index = await EmbeddingIndex.load(readFileSync(output));
    expect(index.size).toBe(result.added.length);
    index.delete();
    seen.push(...result.added);
  }, 120_000);

  it('resumes: adds only what the stopped run did not, and lists the broken file', async () => {
    const { status, result } = run([]);
    expect(status).toBe(0);
    expect(result.stopped).toBe(false);
    expect(result.added.filter((id) => seen.includes(id))).toEqual([]);
    expect([...seen, ...result.added].sort()).toEqual([...goodIds].sort());
    expect(result.unchanged).toBe(seen.length);
    expect(result.failures).toEqual([{ id: 'broken.jpg', error: 'not a decodable image (unrecognised header)' }]);
  }, 120_000);

  it('re-embeds a changed file, drops a deleted one, and skips the rest', () => {
    cpSync(`${shapes}blue-circle.png`, `${folder}set-0/red-circle.png`);
    rmSync(`${folder}set-1/green-square.png`);
    const { status, result } = run([]);
    expect(status).toBe(0);
    expect(result).toMatchObject({
      added: [],
      updated: ['set-0/red-circle.png'],
      removed: ['set-1/green-square.png'],
      unchanged: goodIds.length - 2,
      failures: [{ id: 'broken.jpg', error: 'not a decodable image (unrecognised header)' }],
    });
  });

  it('refuses another model for the same index, and wrong options, with the reason', () => {
    const other = spawnSync(
      'node',
      [cli, 'index', folder, '--model', `${root}build/models/clip-tiny`, '--output', output],
      {
        encoding: 'utf8',
      },
    );
    expect(other.status).toBe(2);
    expect(other.stderr).toMatch(
      /^clipscope: the index was made with the model .*clip-colors\/; embeddings of .*clip-tiny\/ cannot join it/,
    );
    const wrong = spawnSync('node', [cli, 'index', folder, '--storage', 'int4'], { encoding: 'utf8' });
    expect(wrong.stderr).toBe(
      'clipscope: --storage must be float32, int8-exact or int8, got int4\nTry clipscope --help.\n',
    );
    const help = spawnSync('node', [cli, '--help'], { encoding: 'utf8' });
    expect(help.stdout).toMatch(/^Usage: clipscope index <folder> \[options\]/);
  });

  it('writes an index EmbeddingIndex.load reads, searchable by text in Node', async () => {
    const index = await EmbeddingIndex.load(readFileSync(output));
    expect(index.size).toBe(goodIds.length - 1);
    const text = await ClipModel.load(model, { encoders: ['text'] });
    const hits = index.search(await text.embedText('red'), 5);
    await text.delete();
    index.delete();
    expect(hits.ids.every((id) => String(id).split('/').pop()!.startsWith('red-'))).toBe(true);
  });

  it('loads in Chromium, where a static page searches it by text with only the text encoder', async () => {
    const server = await serveRepository();
    const browser = await launchEngine('chromium');
    try {
      const page = await openApp(browser, server.url);
      const asked = server.requests.length;
      const ids = await page.evaluate(async () => {
        const { clipscope } = window as any;
        const bytes = new Uint8Array(await (await fetch('/build/cli-test/photos.clipscope-index')).arrayBuffer());
        const index = await clipscope.EmbeddingIndex.load(bytes);
        const model = await clipscope.ClipModel.load('/build/models/clip-colors/', {
          encoders: ['text'],
          dtype: 'fp32',
          cache: false,
        });
        const hits = index.search(await model.embedText('blue'), 5);
        await model.delete();
        index.delete();
        return hits.ids;
      });
      expect(ids.every((id: string) => id.split('/').pop()!.startsWith('blue-'))).toBe(true);
      const fetched = server.requests.slice(asked).filter((path) => path.startsWith('/build/models/'));
      expect(fetched.some((path) => path.includes('text_model'))).toBe(true);
      expect(fetched.filter((path) => path.includes('vision_model'))).toEqual([]);
    } finally {
      await browser.close();
      await server.close();
    }
  }, 120_000);
});

describe('the progress line', () => {
  it('shows done of total, the rate and the time left', async () => {
    const { progressLine } = await import('../../dist/cli/progress.js');
    expect(progressLine(30, 120, 10)).toBe('[######------------------] 30/120 images · 3.0/s · 30 s left');
    expect(progressLine(100, 10_000, 20)).toBe('[------------------------] 100/10000 images · 5.0/s · 33 min 0 s left');
    expect(progressLine(0, 0, 0)).toBe('[########################] 0/0 images · 0.0/s · 0 s left');
  });
});
