"""Times one OpenBLAS kernel on this machine and checks that it computes correctly.

Run with OPENBLAS_CORETYPE set (or not: the auto-detected kernel). Prints JSON: the kernel
threadpoolctl reports, the seconds of a float32 matrix-vector and matrix-matrix product of the
benchmarks' shapes (best of 5), and the largest error against float64.
"""
import json
import os
import time

for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ[var] = "1"

import numpy as np  # noqa: E402
from threadpoolctl import threadpool_info  # noqa: E402

rng = np.random.default_rng(0)
data = rng.standard_normal((100_000, 512), dtype=np.float32)
queries = rng.standard_normal((64, 512), dtype=np.float32)


def best(fn):
    seconds = []
    for _ in range(5):
        start = time.perf_counter()
        fn()
        seconds.append(time.perf_counter() - start)
    return min(seconds)


gemv = best(lambda: data @ queries[0])
gemm = best(lambda: queries @ data.T)
exact = queries.astype(np.float64) @ data.T.astype(np.float64)
error = float(np.max(np.abs((queries @ data.T) - exact)))
blas = [i for i in threadpool_info() if i.get("internal_api") == "openblas"]
print(json.dumps({"kernel": blas[0]["architecture"] if blas else "unknown", "gemv": gemv, "gemm": gemm, "error": error}))
