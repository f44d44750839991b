// Shared fixtures of the JS tests: deterministic data (mulberry32) and a double-precision
// brute-force reference.

export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n·d floats uniform in [-1, 1). */
export function randomVectors(n: number, d: number, seed: number): Float32Array {
  const next = rng(seed);
  return Float32Array.from({ length: n * d }, () => next() * 2 - 1);
}

/** Indices of the k best items by double-precision cosine, ties in insertion order. */
export function bruteForce(data: Float32Array, d: number, query: ArrayLike<number>, k: number) {
  const n = data.length / d;
  const norm = (x: ArrayLike<number>, at: number) => {
    let s = 0;
    for (let j = 0; j < d; j++) s += x[at + j] * x[at + j];
    return Math.sqrt(s);
  };
  const qn = norm(query, 0);
  const scores = Array.from({ length: n }, (_, i) => {
    let dot = 0;
    for (let j = 0; j < d; j++) dot += query[j] * data[i * d + j];
    return dot / (qn * norm(data, i * d));
  });
  const order = scores.map((_, i) => i).sort((a, b) => scores[b] - scores[a] || a - b);
  return { order: order.slice(0, k), scores };
}
