"""faiss's inverted-file indexes on the benchmark's data, one thread: IndexIVFFlat and IndexIVFPQ.

Usage: faiss_ivf.py DATA.f32 QUERIES.f32 TRUTH.i32 DIM K LISTS NPROBES RUNS
  -> JSON: build seconds, bytes per vector, and per nprobe the seconds per run of all queries
     (one at a time) and recall@K against TRUTH (the exact top K of every query).
Both are trained on 48 vectors per list (as clipscope's), at least 10,000 (the product
quantiser's codebooks need them), chosen with a fixed seed.
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import faiss  # noqa: E402
import numpy as np  # noqa: E402


def recall(truth, found, k):
    hits = sum(len(set(t[:k]) & set(f[:k])) for t, f in zip(truth, found))
    return hits / truth.size


def measure(index, queries, truth, k, nprobes, runs):
    curve = []
    for nprobe in nprobes:
        index.nprobe = nprobe
        seconds = []
        for _ in range(runs):
            start = time.perf_counter()
            found = [index.search(q[None, :], k)[1][0] for q in queries]
            seconds.append(time.perf_counter() - start)
        curve.append({"nprobe": nprobe, "seconds": seconds, "recall": recall(truth, np.array(found), k)})
    return curve


def main():
    data_path, queries_path, truth_path, dim, k, lists, nprobes, runs = sys.argv[1:9]
    dim, k, lists, runs = int(dim), int(k), int(lists), int(runs)
    nprobes = [int(p) for p in nprobes.split(",")]
    faiss.omp_set_num_threads(1)
    data = np.fromfile(data_path, dtype=np.float32).reshape(-1, dim)
    queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
    truth = np.fromfile(truth_path, dtype=np.int32).reshape(len(queries), k)
    n = len(data)
    # 48 per list, and enough for the product quantiser's 256 centroids per sub-space.
    sample = data[np.random.default_rng(0).choice(n, min(n, max(lists * 48, 10000)), replace=False)]
    out = {"versions": {"numpy": np.__version__, "faiss": faiss.__version__}}
    variants = {
        "IndexIVFFlat": lambda q: faiss.IndexIVFFlat(q, dim, lists, faiss.METRIC_INNER_PRODUCT),
        # 64 sub-quantisers of 8 bits: 64 bytes per vector, 8x less than clipscope's int8.
        "IndexIVFPQ": lambda q: faiss.IndexIVFPQ(q, dim, lists, 64, 8, faiss.METRIC_INNER_PRODUCT),
    }
    for name, make in variants.items():
        quantizer = faiss.IndexFlatIP(dim)
        index = make(quantizer)
        start = time.perf_counter()
        index.train(sample)
        index.add(data)
        build = time.perf_counter() - start
        code_bytes = index.code_size + 8  # the code and its 64-bit id in the inverted list
        out[name] = {"build": build, "bytes_per_vector": code_bytes,
                     "curve": measure(index, queries, truth, k, nprobes, runs)}
        del index, quantizer
    print(json.dumps(out))


main()
