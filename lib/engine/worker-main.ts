// The clipscope Worker's engine: one engine (model + index) answering the page's calls, so
// decoding, preprocessing and inference never block the page. Loaded by worker.ts.
import { Clipscope } from './clipscope.js';
import { coreThreads, env } from '../wasm/core.js';
import { runtimeSettings } from '../model/onnx-runtime.js';
import type { ClipscopeOptions } from './clipscope.js';
import {
  ENGINE_METHODS,
  INDEX_METHODS,
  RUN_METHODS,
  serializeError,
  serializeFailures,
  transferablesOf,
  type Reply,
  type Request,
} from './worker-protocol.js';

declare const self: {
  onmessage: ((event: MessageEvent<Request>) => void) | null;
  postMessage(message: Reply, transfer?: Transferable[]): void;
};

let engine: Clipscope | undefined;
const running = new Map<number, AbortController>();

function ready(): Clipscope {
  if (!engine) throw new Error('the worker has no engine yet: call create first');
  return engine;
}

type Handler = (args: unknown[], signal: AbortSignal, progress: (value: unknown) => void) => unknown;

const handlers: Record<string, Handler> = {
  async create([options, settings], _signal, progress) {
    // The page's asset locations, absolute already: this module instance has its own settings.
    const { wasmPaths, ortWasmPaths, threads } = settings as {
      wasmPaths?: string;
      ortWasmPaths?: string;
      threads?: number;
    };
    if (wasmPaths) env.wasmPaths = wasmPaths;
    if (threads !== undefined) env.threads = threads;
    if (ortWasmPaths) runtimeSettings.ortWasmPaths = ortWasmPaths;
    await engine?.delete();
    engine = undefined;
    engine = await Clipscope.create({ ...(options as ClipscopeOptions), onProgress: progress });
    return { backend: engine.backend, coreThreads: coreThreads(), dim: engine.model.dim, files: engine.model.files };
  },
  index([name, ...args]) {
    if (!(INDEX_METHODS as readonly string[]).includes(name as string))
      throw new Error(`index method ${String(name)} is not available from the page`);
    const index = ready().index as unknown as Record<string, (...a: unknown[]) => unknown>;
    return index[name as string](...args);
  },
  async delete() {
    await engine?.delete();
    engine = undefined;
  },
};

// Every engine method, from the one list: a run's options get the call's signal and progress.
for (const method of ENGINE_METHODS) {
  handlers[method] = (args, signal, progress) => {
    const call = [...args];
    if (RUN_METHODS.has(method)) {
      // Progress and finished batches travel on the call's progress channel, told apart by key.
      const { batches, ...options } = (call[1] ?? {}) as { batches?: boolean };
      call[1] = {
        ...options,
        signal,
        onProgress: (value: unknown) => progress({ progress: value }),
        onBatch: batches ? (batch: unknown) => progress({ batch }) : undefined,
      };
    }
    return (ready()[method] as (...a: unknown[]) => unknown)(...call);
  };
}

async function answer(event: MessageEvent<Request>): Promise<void> {
  const message = event.data;
  if (message.type === 'cancel') {
    running.get(message.call)?.abort(new DOMException(message.reason, 'AbortError'));
    return;
  }
  const controller = new AbortController();
  running.set(message.call, controller);
  try {
    const handler = handlers[message.method];
    if (!handler) throw new Error(`unknown method ${message.method}`);
    const result = serializeFailures(
      await handler(message.args, controller.signal, (progress) => self.postMessage({ call: message.call, progress })),
    );
    // Results (embeddings, saved bytes) are not needed here afterwards: moved, not copied.
    self.postMessage({ call: message.call, result }, transferablesOf(result));
  } catch (error) {
    self.postMessage({ call: message.call, error: serializeError(error) });
  } finally {
    running.delete(message.call);
  }
}

/** Answers the page's messages from now on, after those that arrived while this module loaded. */
export function serve(queued: ReadonlyArray<MessageEvent<Request>>): void {
  self.onmessage = (event) => void answer(event);
  for (const event of queued) void answer(event);
}
