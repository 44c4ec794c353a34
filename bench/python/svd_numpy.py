"""Times numpy's SVD for the svd benchmark suite: prints one JSON object on stdout.

Usage: python3 bench/python/svd_numpy.py 100x100 500x500 ...
Each shape is timed thin (full_matrices=False, LAPACK's gesdd) and values-only (compute_uv=False), on
the same kind of input as the suite (standard normal, seed 1), as the median of repeated runs.
"""
import io
import json
import sys
import time
from contextlib import redirect_stdout

import numpy as np


def median_ms(function, budget=1.0, minimum=3):
    samples = []
    started = time.perf_counter()
    while len(samples) < minimum or time.perf_counter() - started < budget:
        t0 = time.perf_counter()
        function()
        samples.append((time.perf_counter() - t0) * 1000)
        if len(samples) >= 200:
            break
    return float(np.median(samples))


def main():
    config = io.StringIO()
    with redirect_stdout(config):
        np.show_config()
    results = {"numpy": np.__version__, "config": config.getvalue(), "cases": {}}
    rng = np.random.RandomState(1)
    for shape in sys.argv[1:]:
        m, n = (int(part) for part in shape.split("x"))
        a = rng.randn(m, n)
        np.linalg.svd(a, full_matrices=False)
        results["cases"][shape] = {
            "thin": median_ms(lambda: np.linalg.svd(a, full_matrices=False)),
            "values": median_ms(lambda: np.linalg.svd(a, compute_uv=False)),
        }
    print(json.dumps(results))


if __name__ == "__main__":
    main()
