"""scikit-learn on the layout benchmark's data: TSNE (its time, one thread), and the
trustworthiness (k = 10) of every layout given, TSNE's included.

Usage: sklearn_layouts.py DATA.f32 DIM TSNE_RUNS [NAME=LAYOUT.f32 ...]  -> prints JSON.
"""
import json
import os
import sys
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.manifold import TSNE, trustworthiness  # noqa: E402


def main():
    path, dim, runs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    x = np.fromfile(path, dtype=np.float32).reshape(-1, dim)
    seconds = []
    layout = None
    for run in range(runs):
        model = TSNE(n_components=2, perplexity=30, init="pca", learning_rate="auto", random_state=run, n_jobs=1)
        start = time.perf_counter()
        layout = model.fit_transform(x)
        seconds.append(time.perf_counter() - start)
    quality = {"sklearn TSNE": float(trustworthiness(x, layout, n_neighbors=10))}
    for item in sys.argv[4:]:
        name, layout_path = item.split("=", 1)
        y = np.fromfile(layout_path, dtype=np.float32).reshape(-1, 2)
        quality[name] = float(trustworthiness(x, y, n_neighbors=10))
    print(json.dumps({"seconds": seconds, "trustworthiness": quality, "version": sklearn.__version__}))


if __name__ == "__main__":
    main()
