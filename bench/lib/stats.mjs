// Timing helpers shared by the benchmarks: every measurement is a list of seconds, one per
// run, summarised by its min and median.

export function min(values) {
  return Math.min(...values);
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** Runs fn `runs` times; returns the seconds of each run and the last result. */
export function timed(runs, fn) {
  const seconds = [];
  let result;
  for (let r = 0; r < runs; r++) {
    const start = performance.now();
    result = fn();
    seconds.push((performance.now() - start) / 1000);
  }
  return { seconds, result };
}

/** "min / median" of a list of seconds, in ms. */
export function ms(seconds) {
  return `${(min(seconds) * 1e3).toFixed(1)} / ${(median(seconds) * 1e3).toFixed(1)}`;
}

/** Ratio of two measurements, "at min / at median": how many times faster `ours` is. */
export function ratio(theirs, ours) {
  return `${(min(theirs) / min(ours)).toFixed(2)}× / ${(median(theirs) / median(ours)).toFixed(2)}×`;
}
