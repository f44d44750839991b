"""The peers of the threads benchmark's other work, each at every thread count given:
scikit-learn KMeans and MiniBatchKMeans, faiss Kmeans, faiss range search (near-duplicate
pairs), faiss IndexIVFFlat (build, batched search), Pillow + numpy preprocessing on a pool of
Python threads (Pillow's resize lets go of the GIL) and scikit-learn TSNE.

Usage: threads_peers.py DATA.f32 QUERIES.f32 DIM RUNS THREADS[,THREADS...] LISTS
  -> JSON: {task: {engine: {threads: [seconds per run]}}}, and versions.
Threads are set with threadpoolctl (OpenBLAS and OpenMP), faiss.omp_set_num_threads and
TSNE's n_jobs. The same data and shapes as bench/threads.mjs.
"""
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

import faiss
import numpy as np
import sklearn
from PIL import Image
from sklearn.cluster import KMeans, MiniBatchKMeans
from sklearn.manifold import TSNE
from threadpoolctl import threadpool_limits

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "..", "tests", "reference"))
from make_preprocess_refs import CONFIGS, preprocess  # noqa: E402
from timing import timed  # noqa: E402


def once(fn):
    start = time.perf_counter()
    fn()
    return [time.perf_counter() - start]


def noise_images(width, height, count, seed):
    rng = np.random.default_rng(seed)
    return [rng.integers(0, 256, (height, width, 3), dtype=np.uint8) for _ in range(count)]


def main():
    data_path, queries_path, dim, runs, threads, lists = sys.argv[1:7]
    dim, runs, lists = int(dim), int(runs), int(lists)
    data = np.fromfile(data_path, dtype=np.float32).reshape(-1, dim)
    queries = np.fromfile(queries_path, dtype=np.float32).reshape(-1, dim)
    n = len(data)
    cluster = np.ascontiguousarray(data[: min(n, 50_000)])
    dups = np.ascontiguousarray(data[: min(n, 20_000)])
    layout = np.ascontiguousarray(data[: min(n, 10_000)])
    sample = data[np.random.default_rng(0).choice(n, min(n, lists * 48), replace=False)]
    clip = CONFIGS["clip"]
    photos = {
        "640x480": noise_images(640, 480, 64, 1),
        "1920x1080": noise_images(1920, 1080, 16, 2),
        "4000x3000": noise_images(4000, 3000, 1, 3),
    }
    out = {}

    def add(task, engine, t, seconds):
        out.setdefault(task, {}).setdefault(engine, {})[t] = seconds

    for t in map(int, threads.split(",")):
        faiss.omp_set_num_threads(t)
        with threadpool_limits(limits=t):
            add("kmeans", "scikit-learn KMeans (Lloyd)", t, timed(runs, lambda: KMeans(
                64, n_init=1, max_iter=10, tol=0, algorithm="lloyd", random_state=0).fit(cluster)))
            add("kmeans", "faiss Kmeans (spherical)", t, timed(runs, lambda: faiss.Kmeans(
                dim, 64, niter=10, seed=0, spherical=True, max_points_per_centroid=len(cluster)).train(cluster)))
            add("minibatch", "scikit-learn MiniBatchKMeans", t, timed(runs, lambda: MiniBatchKMeans(
                256, batch_size=1024, max_iter=3, tol=0, max_no_improvement=None, n_init=1,
                random_state=0).fit(cluster)))
            flat = faiss.IndexFlatIP(dim)
            flat.add(dups)
            add("dups", "faiss range_search (pairs, no groups)", t, timed(runs, lambda: flat.range_search(dups, 0.9)))

            def build():
                index = faiss.IndexIVFFlat(faiss.IndexFlatIP(dim), dim, lists, faiss.METRIC_INNER_PRODUCT)
                index.train(sample)
                index.add(data)
                return index
            add("ivf-build", "faiss IndexIVFFlat", t, timed(runs, build))
            index = build()
            index.nprobe = 16
            add("ivf-search", "faiss IndexIVFFlat", t, timed(runs, lambda: index.search(queries, 10)))
            with ThreadPoolExecutor(max_workers=t) as pool:
                for size, images in photos.items():
                    add(f"preprocess-{size}", "Pillow + numpy on a pool of Python threads", t, timed(
                        runs, lambda: list(pool.map(lambda pixels: preprocess(pixels, clip), images))))
            add("layout", "scikit-learn TSNE (1 run)", t, once(lambda: TSNE(
                2, perplexity=30, init="pca", learning_rate="auto", random_state=0, n_jobs=t).fit_transform(layout)))
    out["versions"] = {"sklearn": sklearn.__version__, "faiss": faiss.__version__, "pillow": Image.__version__}
    print(json.dumps(out))


if __name__ == "__main__":
    main()
