// A time limit that counts only the time this thread was free to run tasks. Work on this thread
// (inference, on a page without an engine Worker) can block it for longer than the limit, and
// what waits on the thread (a file's decoding, a Worker's reply) cannot progress meanwhile: a
// tick that comes late counts as two, not as the whole block.
const TICK_MS = 1000;

/** Calls `expire` once `ms` of free time have passed; the returned function cancels it. */
export function freeTimeLimit(ms: number, expire: () => void): () => void {
  let counted = 0;
  let last = Date.now();
  const timer = setInterval(() => {
    const now = Date.now();
    counted += Math.min(Math.max(now - last, 0), 2 * TICK_MS);
    last = now;
    if (counted >= ms) {
      clearInterval(timer);
      expire();
    }
  }, TICK_MS);
  return () => clearInterval(timer);
}
