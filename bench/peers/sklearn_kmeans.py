"""scikit-learn KMeans on the benchmark's data, one thread.

Usage: sklearn_kmeans.py DATA.f32 DIM K MAX_ITER RUNS  -> prints JSON: seconds per run, and
the labels, iterations and inertia of the last run.
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402


def main():
    path, dim, k, max_iter, runs = sys.argv[1:6]
    x = np.fromfile(path, dtype=np.float32).reshape(-1, int(dim))
    seconds = []
    for run in range(int(runs)):
        model = KMeans(n_clusters=int(k), n_init=1, max_iter=int(max_iter), algorithm="lloyd", random_state=run)
        start = time.perf_counter()
        model.fit(x)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "seconds": seconds,
        "iterations": int(model.n_iter_),
        "inertia": float(model.inertia_),
        "labels": model.labels_.tolist(),
        "version": sklearn.__version__,
    }))


if __name__ == "__main__":
    main()
