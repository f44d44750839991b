"""scikit-learn on the benchmark's data, one thread: MiniBatchKMeans, or KMeans (full Lloyd).

Usage: sklearn_minibatch.py DATA.f32 DIM K BATCH RUNS  (BATCH 0: KMeans, full Lloyd)
-> prints JSON: seconds per run, and the labels, steps and inertia of the last run.
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.cluster import KMeans, MiniBatchKMeans  # noqa: E402


def main():
    path, dim, k, batch, runs = sys.argv[1:6]
    x = np.fromfile(path, dtype=np.float32).reshape(-1, int(dim))
    seconds = []
    for run in range(int(runs)):
        if int(batch) > 0:
            model = MiniBatchKMeans(n_clusters=int(k), batch_size=int(batch), n_init=1, random_state=run)
        else:
            model = KMeans(n_clusters=int(k), n_init=1, max_iter=100, algorithm="lloyd", random_state=run)
        start = time.perf_counter()
        model.fit(x)
        seconds.append(time.perf_counter() - start)
    print(json.dumps({
        "seconds": seconds,
        "iterations": int(model.n_steps_ if int(batch) > 0 else model.n_iter_),
        "labels": model.labels_.tolist(),
        "version": sklearn.__version__,
    }))


if __name__ == "__main__":
    main()
