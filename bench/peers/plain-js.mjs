// What a web developer writes by hand: a Float32Array loop with a small sorted top-k list.

/** ids of the k best rows by dot product (data rows are unit vectors). */
export function plainSearch(data, d, query, k) {
  const n = data.length / d;
  const bestIds = [];
  const bestScores = [];
  for (let i = 0; i < n; i++) {
    let dot = 0;
    const row = i * d;
    for (let j = 0; j < d; j++) dot += data[row + j] * query[j];
    if (bestScores.length < k || dot > bestScores[bestScores.length - 1]) {
      let at = bestScores.length;
      while (at > 0 && bestScores[at - 1] < dot) at--;
      bestScores.splice(at, 0, dot);
      bestIds.splice(at, 0, i);
      if (bestScores.length > k) {
        bestScores.pop();
        bestIds.pop();
      }
    }
  }
  return bestIds;
}
