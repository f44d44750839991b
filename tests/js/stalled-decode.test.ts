// A browser decode that never settles (Firefox's createImageBitmap can neither resolve nor
// reject) does not stall a run: a silent decoding Worker is given up and its files decoded on
// the page's thread, and a file that does not decode there in time fails alone, named, while
// the others go through. Browser globals are stood in for here, with fake timers.
import { afterEach, beforeEach, expect, it, vi } from 'vitest';

type Listener = (event: { data: unknown }) => void;

class FakeWorker {
  static made: FakeWorker[] = [];
  readonly posted: Array<{ id: number; blob: Blob }> = [];
  readonly listeners = new Map<string, Listener[]>();
  terminated = false;
  constructor() {
    FakeWorker.made.push(this);
  }
  addEventListener(type: string, listener: Listener): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  postMessage(message: { id: number; blob: Blob }): void {
    this.posted.push(message);
  }
  terminate(): void {
    this.terminated = true;
  }
  // The Worker's reply for the file it was sent as `id`: a bitmap made as the page would.
  answer(id: number): void {
    const blob = this.posted[id].blob;
    for (const listener of this.listeners.get('message') ?? []) listener({ data: { id, bitmap: bitmapOf(blob) } });
  }
}

const closed: string[] = [];
function bitmapOf(blob: Blob) {
  return { width: blob.size, height: 1, from: blob.type, close: () => closed.push(blob.type) };
}

// Files of type image/stall never settle; the others decode at once.
function fakeCreateImageBitmap(blob: Blob): Promise<unknown> {
  return blob.type === 'image/stall' ? new Promise(() => {}) : Promise.resolve(bitmapOf(blob));
}

const scope = globalThis as Record<string, unknown>;
const file = (type: string, size = 1) => new Blob([new Uint8Array(size)], { type });

beforeEach(() => {
  vi.useFakeTimers();
  vi.resetModules(); // a fresh decoder (and its Worker) per test
  FakeWorker.made = [];
  closed.length = 0;
  scope.createImageBitmap = fakeCreateImageBitmap;
});
afterEach(() => {
  vi.useRealTimers();
  delete scope.Worker;
  delete scope.createImageBitmap;
  delete scope.document;
});

async function decoder() {
  return import('../../dist/images/bitmap-decoder.js');
}

it('gives up a Worker that stops answering: its files are decoded on this thread, a stalled one fails alone', async () => {
  scope.Worker = FakeWorker;
  const { decodeBitmap, bitmapDecodes, WORKER_SILENCE_MS, DECODE_TIME_LIMIT_MS } = await decoder();
  const outcomes: Record<string, unknown> = {};
  const watch = (name: string, decoding: Promise<unknown>) =>
    decoding.then(
      (bitmap) => (outcomes[name] = (bitmap as { from: string }).from),
      (error: Error) => (outcomes[name] = `${error.name}: ${error.message}`),
    );
  watch('a', decodeBitmap(file('image/a', 2)));
  watch('b', decodeBitmap(file('image/b', 3)));
  watch('stalled', decodeBitmap(file('image/stall')));
  const [worker] = FakeWorker.made;
  expect(worker.posted.length).toBe(3);

  // Replies keep the Worker in use: silence counts from the last one.
  await vi.advanceTimersByTimeAsync(WORKER_SILENCE_MS - 1000);
  worker.answer(0);
  await vi.advanceTimersByTimeAsync(WORKER_SILENCE_MS - 1000);
  worker.answer(1);
  await vi.advanceTimersByTimeAsync(WORKER_SILENCE_MS - 1000);
  expect(outcomes).toEqual({ a: 'image/a', b: 'image/b' });
  expect(worker.terminated).toBe(false);
  expect(bitmapDecodes).toEqual({ inWorker: 2, here: 0 });

  // Silent too long with a file waiting: the Worker goes, the file is decoded here, and stalls.
  await vi.advanceTimersByTimeAsync(1000);
  expect(worker.terminated).toBe(true);
  expect(bitmapDecodes).toEqual({ inWorker: 2, here: 1 });
  await vi.advanceTimersByTimeAsync(DECODE_TIME_LIMIT_MS - 1);
  expect(outcomes.stalled).toBeUndefined();
  await vi.advanceTimersByTimeAsync(1);
  expect(outcomes.stalled).toBe(
    `DecodeError: the browser neither decoded nor refused this file within ${DECODE_TIME_LIMIT_MS / 1000} s`,
  );

  // Later files decode on this thread, without a new Worker.
  watch('c', decodeBitmap(file('image/c')));
  await vi.advanceTimersByTimeAsync(0);
  expect(outcomes.c).toBe('image/c');
  expect(FakeWorker.made.length).toBe(1);
  expect(bitmapDecodes.here).toBe(2);
});

it('decodes here every file a silent Worker was sent: none is lost', async () => {
  scope.Worker = FakeWorker;
  const { decodeBitmap, WORKER_SILENCE_MS } = await decoder();
  const decoded = Promise.all([decodeBitmap(file('image/x')), decodeBitmap(file('image/y'))]);
  await vi.advanceTimersByTimeAsync(WORKER_SILENCE_MS);
  expect(((await decoded) as Array<{ from: string }>).map((b) => b.from)).toEqual(['image/x', 'image/y']);
  expect(FakeWorker.made[0].terminated).toBe(true);
});

it('does not count time the thread was blocked (inference on it) against a file', async () => {
  scope.createImageBitmap = fakeCreateImageBitmap; // no Worker: decoded here
  const { decodeBitmap, DECODE_TIME_LIMIT_MS } = await decoder();
  let outcome = '';
  decodeBitmap(file('image/stall')).catch((error: Error) => (outcome = error.message));
  // A block of a minute: no timer runs during it, and it counts as one late tick (2 s).
  vi.setSystemTime(Date.now() + 60_000);
  await vi.advanceTimersByTimeAsync(1000);
  await vi.advanceTimersByTimeAsync(DECODE_TIME_LIMIT_MS - 3000);
  expect(outcome).toBe('');
  await vi.advanceTimersByTimeAsync(1000);
  expect(outcome).toMatch(/neither decoded nor refused/);
});

it('closes a bitmap that arrives after its time limit', async () => {
  let finish!: (bitmap: unknown) => void;
  scope.createImageBitmap = () => new Promise((resolve) => (finish = resolve)); // no Worker: here
  const { decodeBitmap, DECODE_TIME_LIMIT_MS } = await decoder();
  const decoding = decodeBitmap(file('image/late')).catch((error: Error) => error.message);
  await vi.advanceTimersByTimeAsync(DECODE_TIME_LIMIT_MS);
  expect(await decoding).toMatch(/neither decoded nor refused/);
  finish(bitmapOf(file('image/late')));
  await vi.advanceTimersByTimeAsync(0);
  expect(closed).toEqual(['image/late']);
});

it("names the file in decodeImage's error, in clipscope's words", async () => {
  scope.document = {}; // the browser's path
  const { decodeImage } = await import('../../dist/advanced.js');
  const { DECODE_TIME_LIMIT_MS } = await decoder();
  // A JPEG's header (16 x 16, three components), whose decoding stalls.
  const jpeg = new Uint8Array([
    0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0x00, 0x10, 0x00, 0x10, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1, 0xff,
    0xd9,
  ]);
  const decoding = decodeImage(new File([jpeg], 'beach.jpg', { type: 'image/stall' })).catch((error: Error) => error);
  await vi.advanceTimersByTimeAsync(DECODE_TIME_LIMIT_MS);
  const error = (await decoding) as Error;
  expect(error.name).toBe('DecodeError');
  expect(error.message).toBe(
    `beach.jpg: the browser neither decoded nor refused this file within ${DECODE_TIME_LIMIT_MS / 1000} s`,
  );
});
