// The words the core's thread pool and its helpers share in WASM memory (Int32 indices), and
// what a helper is started with.

/** Ticket = job number (high 20 bits) and next share (low 12 bits). */
export const CONTROL = {
  job: 0,
  ticket: 1,
  fn: 2,
  context: 3,
  shares: 4,
  done: 5,
  failed: 6,
  /** Shares run by helpers since the pool started: proof for the tests that they take part. */
  helperShares: 7,
  words: 8,
  shareBits: 12,
  shareMask: (1 << 12) - 1,
  jobMask: (1 << 20) - 1,
} as const;

/** How long a thread checks a word before Atomics.wait: k-means makes 1,500 short parallel
 * calls, and each wake-up takes tens of microseconds. */
export const SPIN_MS = 0.2;

/** Checks control[index] until it is not `value`, for at most SPIN_MS: false if it still is. */
export function spinWhile(control: Int32Array, index: number, value: number): boolean {
  const until = performance.now() + SPIN_MS;
  for (let i = 1; ; i++) {
    if (Atomics.load(control, index) !== value) return true;
    if (i % 64 === 0 && performance.now() > until) return false;
  }
}

export interface HelperStart {
  module: WebAssembly.Module;
  memory: WebAssembly.Memory;
  /** Byte address of the control words. */
  control: number;
  /** Top of this helper's stack (it grows down). */
  stackTop: number;
  /** Function-table indices: one share (fn, context, share), the stack pointer setter, the
   * thread-local storage setup. */
  runShare: number;
  setStack: number;
  initTls: number;
  /** This helper's thread-local block (0: the module has no thread-locals). */
  tlsBlock: number;
}

/**
 * Takes shares of the current job until none is left. A
 * share is claimed by moving the ticket on by one with compareExchange, so a thread that holds
 * an older job's number can claim nothing of a newer job.
 */
export function takeShares(control: Int32Array, job: number, run: (share: number) => void): void {
  const shares = Atomics.load(control, CONTROL.shares);
  for (;;) {
    const ticket = Atomics.load(control, CONTROL.ticket);
    if (ticket >>> CONTROL.shareBits !== job) return;
    const share = ticket & CONTROL.shareMask;
    if (share >= shares) return;
    if (Atomics.compareExchange(control, CONTROL.ticket, ticket, ticket + 1) !== ticket) continue;
    try {
      run(share);
    } catch (error) {
      Atomics.store(control, CONTROL.failed, 1);
      console.error('clipscope: a parallel share failed', error);
    }
    if (Atomics.add(control, CONTROL.done, 1) + 1 === shares) Atomics.notify(control, CONTROL.done);
  }
}
