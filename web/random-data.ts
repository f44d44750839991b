// Clustered unit-ish vectors, as real embedding collections are: points around random centres.
export function clusteredVectors(n: number, d: number, clusters: number, seed: number): Float32Array {
  let state = seed >>> 0;
  const uniform = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const normal = () => Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
  const centres = Float32Array.from({ length: clusters * d }, normal);
  const out = new Float32Array(n * d);
  const noise = 0.5;
  for (let i = 0; i < n; i++) {
    const c = Math.floor(uniform() * clusters);
    for (let j = 0; j < d; j++) out[i * d + j] = centres[c * d + j] + noise * normal();
  }
  return out;
}
