"""numpy's counterpart of bench/suites/matmul.ts: np.matmul into a preallocated output, A m x k times B
(k x n, or n x k transposed), in f32 or f64; and A x for the matrix-vector cases."""
import timing  # first: it reports a missing numpy as a skip

import numpy as np

DTYPES = {"f64": np.float64, "f32": np.float32}


def make_case(params):
    rng = np.random.default_rng(1)
    dtype = DTYPES[params["dtype"]]
    m, n, k = params["m"], params["n"], params["k"]
    a = rng.standard_normal((m, k)).astype(dtype)
    if params.get("matvec"):
        x = rng.standard_normal(k).astype(dtype)
        y = np.empty(m, dtype=dtype)
        if params["transA"]:
            return lambda: np.matmul(x, a, out=np.empty(k, dtype=dtype))
        return lambda: np.matmul(a, x, out=y)
    out = np.empty((m, n), dtype=dtype)
    if params["transB"]:
        b = rng.standard_normal((n, k)).astype(dtype)
        return lambda: np.matmul(a, b.T, out=out)
    b = rng.standard_normal((k, n)).astype(dtype)
    return lambda: np.matmul(a, b, out=out)


timing.main(make_case)
