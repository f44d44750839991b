"""numpy and faiss batched search at 1 and 2 threads, for the threads benchmark.

Usage: batch_threads.py DATA.f32 QUERIES.f32 DIM K RUNS THREADS[,THREADS...]  -> JSON.
numpy: normalised matrix product + argpartition + sort of the k best; faiss: IndexFlatIP.
Threads are set with threadpoolctl (OpenBLAS) and faiss.omp_set_num_threads (OpenMP).
"""
import json
import sys

import faiss
import numpy as np
from threadpoolctl import threadpool_info, threadpool_limits
from exact_search import normalise, top_k
from timing import timed


def main():
    data_path, queries_path, dim, k, runs, threads = sys.argv[1:7]
    dim, k, runs = int(dim), int(k), int(runs)
    data = normalise(np.fromfile(data_path, dtype=np.float32).reshape(-1, dim))
    queries = normalise(np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim))
    index = faiss.IndexFlatIP(dim)
    index.add(data)
    out = {"numpy": {}, "faiss": {}}
    for t in map(int, threads.split(",")):
        with threadpool_limits(limits=t):
            out["numpy"][t] = timed(runs, lambda: top_k(queries @ data.T, k))
            faiss.omp_set_num_threads(t)
            out["faiss"][t] = timed(runs, lambda: index.search(queries, k))
    blas = [p for p in threadpool_info() if p.get("internal_api") == "openblas"]
    out["kernel"] = blas[0].get("architecture") if blas else "unknown"
    print(json.dumps(out))


if __name__ == "__main__":
    main()
