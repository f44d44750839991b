// The one inertia every engine is judged by: each cluster's centroid is recomputed as the
// mean of the points an engine put in it, then squared distances are summed in double.
export function inertiaOfLabels(data, d, labels) {
  const sums = new Map();
  const counts = new Map();
  for (let i = 0; i < labels.length; i++) {
    const c = labels[i];
    if (!sums.has(c)) {
      sums.set(c, new Float64Array(d));
      counts.set(c, 0);
    }
    const sum = sums.get(c);
    for (let j = 0; j < d; j++) sum[j] += data[i * d + j];
    counts.set(c, counts.get(c) + 1);
  }
  for (const [c, sum] of sums) for (let j = 0; j < d; j++) sum[j] /= counts.get(c);
  let total = 0;
  for (let i = 0; i < labels.length; i++) {
    const mean = sums.get(labels[i]);
    for (let j = 0; j < d; j++) total += (data[i * d + j] - mean[j]) ** 2;
  }
  return total;
}
