"""numpy's exact top-k search, shared by the numpy/faiss peers: normalised rows, then the k best
of each row of scores (argpartition, then a sort of those k).

Imports numpy: a peer that fixes its thread count through the environment imports this after.
"""
import numpy as np


def normalise(x):
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def top_k(scores, k):
    best = np.argpartition(-scores, k - 1, axis=-1)[..., :k]
    order = np.take_along_axis(scores, best, axis=-1).argsort(axis=-1)[..., ::-1]
    return np.take_along_axis(best, order, axis=-1)
