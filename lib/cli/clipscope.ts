#!/usr/bin/env node
// The clipscope command. `clipscope index <folder>` embeds a folder of photos into an index
// file for EmbeddingIndex.load (a static site's text search, say); see --help.
import { basename, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_MODEL_URL } from '../model/model-files.js';
import { indexFolder, type IndexFolderResult } from './index-folder.js';
import { progressLine } from './progress.js';

const HELP = `Usage: clipscope index <folder> [options]

Embeds every image under <folder> (recursively; symbolic links are not followed) with a CLIP
model and writes an index file that EmbeddingIndex.load reads. Run it again to add only new or
changed files (and drop deleted ones); stop it with Ctrl-C and run it again to resume.

Options:
  --model <folder|url>   model files in the Hugging Face / Transformers.js layout
                         (default: ${DEFAULT_MODEL_URL})
  --output <file>        the index file (default: <folder name>.clipscope-index); its manifest
                         is <file>.files.json
  --batch-size <n>       images per inference batch (default: 8)
  --storage <kind>       float32 (default), int8-exact or int8
  --json                 print the result as JSON on stdout (progress as JSON lines on stderr)
  --help                 this text

Formats: JPEG, PNG, WebP, GIF, AVIF, TIFF (through the optional dependency sharp) and HEIC.
Files that cannot be read are listed and skipped until they change.`;

function fail(message: string): never {
  process.stderr.write(`clipscope: ${message}\nTry clipscope --help.\n`);
  process.exit(2);
}

async function main(): Promise<void> {
  let parsed;
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: {
        model: { type: 'string', default: DEFAULT_MODEL_URL },
        output: { type: 'string' },
        'batch-size': { type: 'string', default: '8' },
        storage: { type: 'string', default: 'float32' },
        json: { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help || positionals.length === 0) {
    process.stdout.write(`${HELP}\n`);
    return;
  }
  const [command, folder, ...rest] = positionals;
  if (command !== 'index') fail(`unknown command ${command}`);
  if (!folder || rest.length) fail('give exactly one folder: clipscope index <folder>');
  const batchSize = Number(values['batch-size']);
  if (!Number.isInteger(batchSize) || batchSize < 1 || batchSize > 1024)
    fail(`--batch-size must be a whole number from 1 to 1024, got ${values['batch-size']}`);
  const storage = values.storage;
  if (storage !== 'float32' && storage !== 'int8-exact' && storage !== 'int8')
    fail(`--storage must be float32, int8-exact or int8, got ${storage}`);
  const model = /^https?:\/\//.test(values.model) ? values.model : `${resolve(values.model)}/`;
  const output = resolve(values.output ?? `${basename(resolve(folder))}.clipscope-index`);

  // Ctrl-C stops after the batch being embedded; the work so far is saved.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort(new DOMException('stopped', 'AbortError')));
  process.once('SIGTERM', () => controller.abort(new DOMException('stopped', 'AbortError')));
  const started = performance.now();
  const tty = process.stderr.isTTY && !values.json;
  let result: IndexFolderResult;
  try {
    result = await indexFolder({
      folder: resolve(folder),
      output,
      model,
      batchSize,
      storage,
      signal: controller.signal,
      onProgress: (done, total) => {
        const seconds = (performance.now() - started) / 1000;
        if (values.json) process.stderr.write(`${JSON.stringify({ done, total, seconds })}\n`);
        else if (tty) process.stderr.write(`\r${progressLine(done, total, seconds)}`);
      },
    });
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (tty) process.stderr.write('\n');
  if (values.json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
  } else {
    const lines = [
      `${result.stopped ? 'Stopped' : 'Done'}: ${result.added.length} added, ${result.updated.length} updated, ${result.removed.length} removed, ${result.unchanged} unchanged, ${result.failures.length} could not be read.`,
      ...result.failures.map((failure) => `  skipped ${failure.id}: ${failure.error}`),
      ...result.links.map((link) => `  not followed (symbolic link): ${link}`),
      `Index: ${result.output}${result.stopped ? ' (run the same command again to resume)' : ''}`,
    ];
    process.stdout.write(`${lines.join('\n')}\n`);
  }
  process.exitCode = result.stopped ? 130 : 0;
}

void main();
