"""numpy's counterpart of bench/suites/svd.ts: np.linalg.svd thin (full_matrices=False, LAPACK's gesdd)
and values-only (compute_uv=False) on standard normal f64 matrices of the same shapes."""
import timing  # first: it reports a missing numpy as a skip

import numpy as np


def make_case(params):
    a = np.random.default_rng(1).standard_normal((params["m"], params["n"]))
    if params["vectors"]:
        return lambda: np.linalg.svd(a, full_matrices=False)
    return lambda: np.linalg.svd(a, compute_uv=False)


timing.main(make_case)
