// Benchmark data: clustered unit vectors, as real embedding collections are (points around
// random centres, neighbours with close scores), from a seed.

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n·d floats: `clusters` random centres, each point centre + noise, normalised. */
export function clusteredUnitVectors(n, d, clusters, noise, seed) {
  const uniform = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Float64Array.from({ length: clusters * d }, () => normal() / Math.sqrt(d));
  const out = new Float32Array(n * d);
  const sigma = noise / Math.sqrt(d);
  for (let i = 0; i < n; i++) {
    const c = Math.floor(uniform() * clusters);
    let norm = 0;
    for (let j = 0; j < d; j++) {
      const x = centres[c * d + j] + sigma * normal();
      out[i * d + j] = x;
      norm += x * x;
    }
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[i * d + j] *= inv;
  }
  return out;
}

/** Fraction of each query's true top-k found in its returned top-k. */
export function recall(truth, found, k) {
  let hits = 0;
  for (let q = 0; q < truth.length / k; q++) {
    const want = new Set(truth.slice(q * k, (q + 1) * k).map(Number));
    for (const id of found.slice(q * k, (q + 1) * k)) hits += want.has(Number(id)) ? 1 : 0;
  }
  return hits / truth.length;
}

/**
 * n·d unit floats with the structure of a photo collection's embeddings: `topics` broad
 * subjects, each of `subtopics` groups, each group varying along a few directions of its own
 * (8) plus a little noise, so nearest neighbours and the layout of groups both mean something.
 */
export function structuredUnitVectors(n, d, seed, topics = 20, subtopics = 10) {
  const uniform = mulberry32(seed);
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const latent = 8;
  const groups = topics * subtopics;
  const topic = Float64Array.from({ length: topics * d }, () => normal() / Math.sqrt(d));
  const centre = new Float64Array(groups * d);
  const axes = new Float64Array(groups * latent * d);
  for (let g = 0; g < groups; g++) {
    const t = Math.floor(g / subtopics);
    for (let j = 0; j < d; j++) centre[g * d + j] = topic[t * d + j] + (0.6 * normal()) / Math.sqrt(d);
    for (let a = 0; a < latent * d; a++) axes[g * latent * d + a] = (0.35 * normal()) / Math.sqrt(d);
  }
  const out = new Float32Array(n * d);
  const row = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const g = Math.floor(uniform() * groups);
    for (let j = 0; j < d; j++) row[j] = centre[g * d + j] + (0.1 * normal()) / Math.sqrt(d);
    for (let a = 0; a < latent; a++) {
      const z = normal();
      for (let j = 0; j < d; j++) row[j] += z * axes[(g * latent + a) * d + j];
    }
    let norm = 0;
    for (let j = 0; j < d; j++) norm += row[j] * row[j];
    const inv = 1 / Math.sqrt(norm);
    for (let j = 0; j < d; j++) out[i * d + j] = row[j] * inv;
  }
  return out;
}
