// A helper thread of the core's pool (thread-pool.ts), in a Worker or a Node worker thread: its
// own instance of the shared-memory module, without Emscripten's runtime, that runs the shares
// the calling thread hands out. Shares allocate nothing and throw nothing (src/parallel.h), so
// the instance needs only the shared memory and a stack of its own.
import { importNodeOnly } from '../common/node-only.js';
import { CONTROL, spinWhile, takeShares, type HelperStart } from './thread-control.js';

type RunShare = (fn: number, context: number, share: number) => void;

function instantiate({ module, memory, stackTop, runShare, setStack, initTls, tlsBlock }: HelperStart): RunShare {
  const imports: Record<string, Record<string, WebAssembly.ImportValue>> = {};
  for (const { module: from, name, kind } of WebAssembly.Module.imports(module)) {
    imports[from] ??= {};
    imports[from][name] =
      kind === 'memory'
        ? memory
        : () => {
            throw new Error(`${name} is not available on a clipscope helper thread`);
          };
  }
  const instance = new WebAssembly.Instance(module, imports);
  const tableName = WebAssembly.Module.exports(module).find((e) => e.kind === 'table')?.name;
  const table = instance.exports[tableName ?? ''] as WebAssembly.Table | undefined;
  if (!table) throw new Error('the core module exports no function table');
  (table.get(setStack) as (top: number) => void)(stackTop);
  if (tlsBlock) (table.get(initTls) as (block: number) => void)(tlsBlock);
  return table.get(runShare) as RunShare;
}

// Blocks in Atomics.wait between jobs (after a short spin): a helper has nothing else to do.
function serve(start: HelperStart, runShare: RunShare): never {
  const control = new Int32Array(start.memory.buffer, start.control, CONTROL.words);
  let seen = 0;
  for (;;) {
    if (!spinWhile(control, CONTROL.job, seen)) Atomics.wait(control, CONTROL.job, seen);
    seen = Atomics.load(control, CONTROL.job);
    const fn = Atomics.load(control, CONTROL.fn);
    const context = Atomics.load(control, CONTROL.context);
    takeShares(control, seen, (share) => {
      runShare(fn, context, share);
      Atomics.add(control, CONTROL.helperShares, 1);
    });
  }
}

function start(data: HelperStart, ready: (message: unknown) => void): void {
  let runShare: RunShare;
  try {
    runShare = instantiate(data);
  } catch (error) {
    ready({ error: String(error) });
    return;
  }
  ready('ready');
  serve(data, runShare);
}

// Browser Workers get their start in one message; Node's worker threads in workerData.
if (typeof (globalThis as { WorkerGlobalScope?: unknown }).WorkerGlobalScope !== 'undefined') {
  self.addEventListener(
    'message',
    (event: MessageEvent<HelperStart>) => start(event.data, (m) => self.postMessage(m)),
    {
      once: true,
    },
  );
} else {
  // No top-level await: bundlers may build Worker scripts in formats without it.
  void importNodeOnly<typeof import('node:worker_threads')>('node:worker_threads').then(({ parentPort, workerData }) =>
    start(workerData as HelperStart, (m) => parentPort?.postMessage(m)),
  );
}
