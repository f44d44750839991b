"""Reference results for the clustering tests, computed with scikit-learn and numpy.

Usage: make_clustering_refs.py OUT_DIR  (npm test runs it; Debian packages python3-sklearn
and python3-numpy). Every case file holds its input data and scikit-learn's answers.
"""
import os
import sys

# One BLAS thread: the references must not depend on the machine's core count.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.datasets import make_blobs  # noqa: E402
from sklearn.metrics import silhouette_score  # noqa: E402

from named_arrays import write_arrays  # noqa: E402


def blobs(n, d, centers, std, seed):
    x, y = make_blobs(n_samples=n, n_features=d, centers=centers, cluster_std=std, random_state=seed)
    return x.astype(np.float32), y


def lloyd_case(out, name, n, d, k, std, seed, max_iter=300):
    """Lloyd from given initial centroids (k random points): labels, inertia, iterations."""
    x, _ = blobs(n, d, k, std, seed)
    init = x[np.random.RandomState(seed).choice(n, k, replace=False)]
    km = KMeans(n_clusters=k, init=init, n_init=1, algorithm="lloyd", max_iter=max_iter, tol=1e-4).fit(x)
    write_arrays(
        os.path.join(out, f"lloyd-{name}.arrays"),
        x=x,
        init=init,
        max_iter=np.array([max_iter], np.int32),
        labels=km.labels_.astype(np.int32),
        inertia=np.array([km.inertia_], np.float64),
        centroids=km.cluster_centers_.astype(np.float32),
        iterations=np.array([km.n_iter_], np.int32),
    )


def plus_plus_case(out, name, n, d, k, std, seed):
    """k-means++ with n_init=10: the inertia to match or beat."""
    x, truth = blobs(n, d, k, std, seed)
    km = KMeans(n_clusters=k, n_init=10, random_state=0).fit(x)
    write_arrays(
        os.path.join(out, f"plusplus-{name}.arrays"),
        x=x,
        k=np.array([k], np.int32),
        truth=truth.astype(np.int32),
        inertia=np.array([km.inertia_], np.float64),
    )


def silhouette_case(out, name, n, d, k, std, seed):
    x, labels = blobs(n, d, k, std, seed)
    labels = labels.astype(np.int32)
    labels[::7] = (labels[::7] + 1) % k  # imperfect labels, so scores are not all near 1
    write_arrays(
        os.path.join(out, f"silhouette-{name}.arrays"),
        x=x,
        labels=labels,
        euclidean=np.array([silhouette_score(x.astype(np.float64), labels)], np.float64),
        cosine=np.array([silhouette_score(x.astype(np.float64), labels, metric="cosine")], np.float64),
    )


def pca_case(out, name, n, d, seed):
    rng = np.random.RandomState(seed)
    scales = np.linspace(3.0, 0.2, d)
    x = (rng.randn(n, d) * scales + rng.randn(d)).astype(np.float32)
    centred = x.astype(np.float64) - x.astype(np.float64).mean(axis=0)
    _, s, vt = np.linalg.svd(centred, full_matrices=False)
    variance = s**2 / (n - 1)
    write_arrays(
        os.path.join(out, f"pca-{name}.arrays"),
        x=x,
        components=vt[:2],
        coords=centred @ vt[:2].T,
        explained_variance=variance[:2],
        explained_ratio=variance[:2] / variance.sum(),
    )


def main():
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    lloyd_case(out, "small", n=300, d=2, k=4, std=1.5, seed=1)
    lloyd_case(out, "d16", n=600, d=16, k=5, std=2.0, seed=2)
    lloyd_case(out, "d64-k8", n=1000, d=64, k=8, std=4.0, seed=3)
    lloyd_case(out, "d37-capped", n=800, d=37, k=6, std=5.0, seed=4, max_iter=3)
    plus_plus_case(out, "blobs", n=2000, d=32, k=10, std=3.0, seed=5)
    plus_plus_case(out, "separated", n=500, d=8, k=5, std=0.3, seed=6)
    silhouette_case(out, "blobs", n=400, d=12, k=4, std=2.0, seed=7)
    pca_case(out, "d20", n=500, d=20, seed=8)
    pca_case(out, "d512", n=300, d=512, seed=9)


if __name__ == "__main__":
    main()
