// Whether the core can run its parallel loops on threads here, and how many: found by feature
// detection when the core loads, never configured.
import { importNodeOnly } from '../common/node-only.js';

/** The core's threads: how many run its parallel loops, and why that many. */
export interface CoreThreads {
  count: number;
  detail: string;
}

/** Most threads used by default: beyond 8 the loops are bound by memory bandwidth. */
export const MAX_DEFAULT_CORE_THREADS = 8;
/** The most threads `env.threads` may ask for. */
export const MAX_CORE_THREADS = 64;

/** What {@link coreThreadPlan} looks at (a parameter for the tests). */
export interface CoreThreadScope {
  crossOriginIsolated?: boolean;
  SharedArrayBuffer?: unknown;
  Worker?: unknown;
  document?: unknown;
  WorkerGlobalScope?: unknown;
  navigator?: { hardwareConcurrency?: number };
  process?: { versions?: { node?: string } };
}

async function nodeCores(): Promise<number> {
  const os = await importNodeOnly<typeof import('node:os')>('node:os');
  return os.availableParallelism?.() ?? os.cpus().length;
}

function sharedMemoryWorks(): string | undefined {
  try {
    new WebAssembly.Memory({ initial: 1, maximum: 1, shared: true });
    return undefined;
  } catch (error) {
    return `shared WebAssembly memory cannot be created here (${String(error)})`;
  }
}

/**
 * The thread count the core loads with: `requested` (env.threads) where threads work, else 1;
 * by default every core up to {@link MAX_DEFAULT_CORE_THREADS}.
 */
export async function coreThreadPlan(
  requested: number | undefined,
  scope: CoreThreadScope = globalThis as CoreThreadScope,
): Promise<{ threads: number; detail: string }> {
  const one = (detail: string) => ({ threads: 1, detail });
  if (requested === 1) return one('env.threads is 1');
  const browser = scope.document !== undefined || scope.WorkerGlobalScope !== undefined;
  if (!browser && !scope.process?.versions?.node) return one('neither a browser nor Node: one thread');
  if (browser) {
    if (scope.crossOriginIsolated !== true)
      return one('the page is not cross-origin isolated (it needs the COOP and COEP headers): one thread');
    if (scope.document !== undefined)
      return one("on a page's main thread the core cannot wait for helpers: one thread (ClipscopeWorker has threads)");
    if (typeof scope.Worker !== 'function') return one('this context cannot start Workers: one thread');
  }
  if (typeof scope.SharedArrayBuffer !== 'function') return one('SharedArrayBuffer is missing: one thread');
  const noMemory = sharedMemoryWorks();
  if (noMemory) return one(`${noMemory}: one thread`);
  const cores = browser ? Math.max(1, Math.floor(scope.navigator?.hardwareConcurrency ?? 1)) : await nodeCores();
  const threads = requested ?? Math.min(cores, MAX_DEFAULT_CORE_THREADS);
  if (threads === 1) return one('one core: one thread');
  return {
    threads,
    detail:
      requested === undefined
        ? `${threads} threads (${cores} core${cores > 1 ? 's' : ''})`
        : `${threads} threads (env.threads)`,
  };
}
