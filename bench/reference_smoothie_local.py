"""The reference Smoothie-Local computation as the reference repository runs it, for `npm run bench
smoothie`: neighbours from scikit-learn's NearestNeighbors (numpy brute force when scikit-learn is
absent), then, per sample, a fresh fit on its k neighbours' generations that recomputes every mean
squared voter distance of every triplet (spec §1.2/§1.4). Written from the specification's maths.

usage: python3 reference_smoothie_local.py X.npy G.npy K OUT_WEIGHTS.npy  -> JSON timings on stdout
"""
import json
import sys
import time

import numpy as np


def fit_block(block):
    """Normalised canonical parameters of one (k, m, d) block: the reference's Smoothie.fit."""
    m, d = block.shape[1], block.shape[2]
    diffs = []
    for i in range(m):
        others = [j for j in range(m) if j != i]
        values = []
        for a in range(len(others)):
            for b in range(a + 1, len(others)):
                j, l = others[a], others[b]
                d_ij = np.mean(np.linalg.norm(block[:, i] - block[:, j], axis=1) ** 2)
                d_il = np.mean(np.linalg.norm(block[:, i] - block[:, l], axis=1) ** 2)
                d_jl = np.mean(np.linalg.norm(block[:, j] - block[:, l], axis=1) ** 2)
                values.append(0.5 * (d_ij + d_il - d_jl))
        diffs.append(np.mean(values))
    theta = d / (2 * np.array(diffs))
    return theta / theta.sum()


def main():
    x_path, g_path, k, out_path = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4]
    X = np.load(x_path)
    G = np.load(g_path)
    start = time.perf_counter()
    try:
        from sklearn.neighbors import NearestNeighbors

        knn_impl = "sklearn"
        neighbours = NearestNeighbors(n_neighbors=k).fit(X).kneighbors(X, return_distance=False)
    except ImportError:
        knn_impl = "numpy brute force"
        sq = (X.astype(np.float64) ** 2).sum(1)
        dist = sq[:, None] + sq[None, :] - 2 * (X.astype(np.float64) @ X.astype(np.float64).T)
        neighbours = np.argsort(dist, axis=1, kind="stable")[:, :k]
    knn_seconds = time.perf_counter() - start
    weights = np.empty((G.shape[0], G.shape[1]))
    for s in range(G.shape[0]):
        weights[s] = fit_block(G[neighbours[s]])
    total = time.perf_counter() - start
    np.save(out_path, weights)
    print(json.dumps({"seconds": total, "knn_seconds": knn_seconds, "knn": knn_impl, "numpy": np.__version__}))


if __name__ == "__main__":
    main()
