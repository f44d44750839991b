// The core's pool of helper threads: Workers (Node worker threads in Node) that each
// instantiate the shared-memory module on the same memory and run the shares of the core's
// parallel loops (src/parallel.h). The calling thread hands out a job through the control words
// (thread-control.ts), runs shares itself, and blocks until every share is done.
import { importNodeOnly } from '../common/node-only.js';
import { CONTROL, spinWhile, takeShares, type HelperStart } from './thread-control.js';
import type { HelperEntryPoints } from './raw-module.js';

/** Stack of each helper: the parallel loops' frames are small and never recurse. */
const HELPER_STACK_BYTES = 256 * 1024;
/** Unused bytes above a helper's stack: its busiest cache lines share none with other data. */
const STACK_GAP_BYTES = 256;
/** How long a helper may take to start before the pool gives up on threads. */
const START_TIMEOUT_MS = 20_000;

export interface PoolModule {
  _malloc(bytes: number): number;
  helperEntryPoints(): HelperEntryPoints;
  _clipscope_run_share(fn: number, context: number, share: number): void;
  runShares?: (fn: number, context: number, shares: number) => void;
  startShares?: (fn: number, context: number, shares: number) => void;
  finishShares?: () => void;
}

interface Helper {
  ready: Promise<void>;
  terminate(): void;
}

const inBrowserScope =
  typeof (globalThis as { document?: unknown }).document !== 'undefined' ||
  typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined';

function answer(resolve: () => void, reject: (error: Error) => void) {
  return (message: unknown) =>
    message === 'ready'
      ? resolve()
      : reject(new Error((message as { error?: string })?.error ?? `unexpected message ${String(message)}`));
}

async function startHelper(start: HelperStart): Promise<Helper> {
  if (inBrowserScope) {
    // The literal `new Worker(new URL(...))` is what Vite and webpack follow and bundle.
    const worker = new Worker(new URL('./thread-helper.js', import.meta.url), {
      type: 'module',
      name: 'clipscope-helper',
    });
    const ready = new Promise<void>((resolve, reject) => {
      worker.addEventListener('message', (event) => answer(resolve, reject)(event.data), { once: true });
      worker.addEventListener('error', (event) =>
        reject(new Error(event.message || 'the helper script failed to load')),
      );
    });
    worker.postMessage(start);
    return { ready, terminate: () => worker.terminate() };
  }
  const { Worker: NodeWorker } = await importNodeOnly<typeof import('node:worker_threads')>('node:worker_threads');
  const worker = new NodeWorker(new URL('./thread-helper.js', import.meta.url), { workerData: start });
  worker.unref(); // idle helpers never keep a Node process alive
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', answer(resolve, reject));
    worker.once('error', reject);
  });
  return { ready, terminate: () => void worker.terminate() };
}

// Every helper's answer, or an error once `ms` have passed without them.
async function allReady(helpers: Helper[], ms: number): Promise<void> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`the helper threads did not start within ${ms / 1000} s`)), ms);
  });
  try {
    await Promise.race([Promise.all(helpers.map((h) => h.ready)), late]);
  } finally {
    clearTimeout(timer);
  }
}

/** A running pool. */
export interface ThreadPool {
  /** Shares the helpers have run (not the calling thread's). */
  helperShares(): number;
}

/**
 * Starts `threads - 1` helpers and installs the module's `runShares`; throws why they could
 * not start (none is left running then).
 */
export async function startThreadPool(
  raw: PoolModule,
  module: WebAssembly.Module,
  memory: WebAssembly.Memory,
  threads: number,
): Promise<ThreadPool> {
  const controlAddress = raw._malloc(CONTROL.words * 4);
  if (!controlAddress) throw new Error('no memory for the thread pool');
  new Int32Array(memory.buffer, controlAddress, CONTROL.words).fill(0);
  const helpers: Helper[] = [];
  const { runShare, setStack, initTls, tlsSize, tlsAlign } = raw.helperEntryPoints();
  try {
    for (let t = 1; t < threads; t++) {
      const stack = raw._malloc(HELPER_STACK_BYTES + STACK_GAP_BYTES);
      // Its own thread-locals (aligned within a block of size + alignment).
      const tls = tlsSize ? raw._malloc(tlsSize + tlsAlign) : 0;
      if (!stack || (tlsSize && !tls)) throw new Error('no memory for a helper thread');
      const stackTop = stack + HELPER_STACK_BYTES; // 16-byte aligned, as malloc's blocks are
      const tlsBlock = tls && Math.ceil(tls / tlsAlign) * tlsAlign;
      helpers.push(
        await startHelper({ module, memory, control: controlAddress, stackTop, runShare, setStack, initTls, tlsBlock }),
      );
    }
    await allReady(helpers, START_TIMEOUT_MS);
  } catch (error) {
    for (const helper of helpers) helper.terminate();
    throw error;
  }
  let job = 0;
  let started: { fn: number; context: number; shares: number } | undefined;
  // Hands the shares to the helpers and returns; finishShares takes part and waits.
  raw.startShares = (fn, context, shares) => {
    const control = new Int32Array(memory.buffer, controlAddress, CONTROL.words);
    job = (job % CONTROL.jobMask) + 1; // 1 .. 2^20 - 1: never the helpers' initial 0
    Atomics.store(control, CONTROL.fn, fn);
    Atomics.store(control, CONTROL.context, context);
    Atomics.store(control, CONTROL.shares, shares);
    Atomics.store(control, CONTROL.done, 0);
    Atomics.store(control, CONTROL.failed, 0);
    Atomics.store(control, CONTROL.ticket, job << CONTROL.shareBits);
    Atomics.store(control, CONTROL.job, job);
    Atomics.notify(control, CONTROL.job);
    started = { fn, context, shares };
  };
  raw.finishShares = () => {
    if (!started) return;
    const { fn, context, shares } = started;
    started = undefined;
    // memory.buffer again: the memory may have grown since the start.
    const control = new Int32Array(memory.buffer, controlAddress, CONTROL.words);
    takeShares(control, job, (share) => raw._clipscope_run_share(fn, context, share));
    for (let done; (done = Atomics.load(control, CONTROL.done)) < shares;) {
      if (!spinWhile(control, CONTROL.done, done)) Atomics.wait(control, CONTROL.done, done);
    }
    if (Atomics.load(control, CONTROL.failed)) throw new Error('a clipscope helper thread failed (see the console)');
  };
  raw.runShares = (fn, context, shares) => {
    raw.startShares!(fn, context, shares);
    raw.finishShares!();
  };
  return {
    helperShares: () =>
      Atomics.load(new Int32Array(memory.buffer, controlAddress, CONTROL.words), CONTROL.helperShares),
  };
}
