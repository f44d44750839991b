// The JS imports of the core's parallel shares: the module's `runShares`, `startShares` and
// `finishShares`, which the thread pool installs (lib/wasm/thread-pool.ts). Called only after
// useThreads(n > 1).
mergeInto(LibraryManager.library, {
  clipscope_pool_run: function (fn, context, shares) {
    Module['runShares'](fn, context, shares);
  },
  clipscope_pool_start: function (fn, context, shares) {
    Module['startShares'](fn, context, shares);
  },
  clipscope_pool_finish: function () {
    Module['finishShares']();
  },
});
