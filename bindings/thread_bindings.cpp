// Embind bindings of the core's parallel shares: the JS thread pool (lib/wasm/thread-pool.ts)
// runs them on Workers that share this module's memory. Only the shared-memory build is given
// more than one thread; the other runs every share on the calling thread.
#include <emscripten/bind.h>
#include <emscripten/emscripten.h>

#include <cstdint>

#include "parallel.h"

extern "C" {
// compiler-rt's stack pointer setter: a helper points its instance at its own stack with it.
void stackRestore(void* top);
#ifdef __EMSCRIPTEN_PTHREADS__
// The linker's thread-local storage setup: a helper gives its instance its own block with it
// (an instance starts with thread-locals at address 0).
void __wasm_init_tls(void* block);
#endif

// thread_pool_library.js: hands [0, shares) to the pool and returns when every share is done;
// or hands them to the helpers and returns at once, then takes part and waits.
void clipscope_pool_run(clipscope::ShareFn fn, void* context, uint32_t shares);
void clipscope_pool_start(clipscope::ShareFn fn, void* context, uint32_t shares);
void clipscope_pool_finish();

// One share, called by the pool's helpers (each its own instance of this module, without the
// Emscripten runtime) and by the calling thread.
EMSCRIPTEN_KEEPALIVE void clipscope_run_share(clipscope::ShareFn fn, void* context,
                                              uint32_t share) {
  fn(context, share);
}
}

namespace clipscope::bindings {
namespace {

void PoolRun(ShareFn fn, void* context, size_t shares) {
  clipscope_pool_run(fn, context, uint32_t(shares));
}
void PoolStart(ShareFn fn, void* context, size_t shares) {
  clipscope_pool_start(fn, context, uint32_t(shares));
}
void PoolFinish() { clipscope_pool_finish(); }

// {runShare, setStack, initTls, tlsSize, tlsAlign}: function-table indices of what a helper
// calls, found in its own instance's table (export names are minified, table slots are the
// module's own), and the size and alignment of a thread-local block.
emscripten::val HelperEntryPoints() {
  emscripten::val points = emscripten::val::object();
  points.set("runShare", reinterpret_cast<uintptr_t>(&clipscope_run_share));
  points.set("setStack", reinterpret_cast<uintptr_t>(&stackRestore));
#ifdef __EMSCRIPTEN_PTHREADS__  // only the shared-memory build has helpers
  points.set("initTls", reinterpret_cast<uintptr_t>(&__wasm_init_tls));
  points.set("tlsSize", __builtin_wasm_tls_size());
  points.set("tlsAlign", __builtin_wasm_tls_align());
#endif
  return points;
}

// threads > 1 once the pool has started; 1 turns it off again.
void UseThreads(int threads) {
  SetShareRunner(threads > 1 ? &PoolRun : nullptr, threads);
  if (threads > 1)
    SetShareStarter(&PoolStart, &PoolFinish);
  else
    SetShareStarter(nullptr, nullptr);
}

}  // namespace

EMSCRIPTEN_BINDINGS(clipscope_threads) {
  emscripten::function("useThreads", &UseThreads);
  emscripten::function("workerThreads", &WorkerThreads);
  emscripten::function("helperEntryPoints", &HelperEntryPoints);
}

}  // namespace clipscope::bindings
