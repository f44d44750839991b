"""numpy and faiss on the benchmark's data, one thread: the native ceiling.

Usage: numpy_faiss.py DATA.f32 QUERIES.f32 DIM K RUNS  -> prints JSON with seconds per run.
numpy: normalised matrix product + argpartition + sort of the k best.
faiss: IndexFlatIP over the normalised vectors.
"""
import json
import os
import sys
import time

# One BLAS/OpenMP thread, set before numpy and faiss load their libraries.
for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import faiss  # noqa: E402
import numpy as np  # noqa: E402
from exact_search import normalise, top_k  # noqa: E402


def timed(runs, fn):
    seconds = []
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        seconds.append(time.perf_counter() - start)
    return seconds, result


def main():
    data_path, queries_path, dim, k, runs = sys.argv[1:6]
    dim, k, runs = int(dim), int(k), int(runs)
    data = normalise(np.fromfile(data_path, dtype=np.float32).reshape(-1, dim))
    queries = normalise(np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim))
    faiss.omp_set_num_threads(1)

    out = {}
    out["numpy_single"], _ = timed(runs, lambda: [top_k(data @ q, k) for q in queries])
    out["numpy_batch"], ids = timed(runs, lambda: top_k(queries @ data.T, k))
    out["numpy_ids"] = ids.reshape(-1).tolist()

    index = faiss.IndexFlatIP(dim)
    build, _ = timed(1, lambda: index.add(data))
    out["faiss_build"] = build
    out["faiss_single"], _ = timed(runs, lambda: [index.search(q[None, :], k) for q in queries])
    out["faiss_batch"], (_, ids) = timed(runs, lambda: index.search(queries, k))
    out["faiss_ids"] = ids.reshape(-1).tolist()
    out["versions"] = {"numpy": np.__version__, "faiss": faiss.__version__}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
