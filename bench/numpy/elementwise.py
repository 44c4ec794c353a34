"""numpy's counterpart of bench/suites/elementwise.ts: np.add(a, b, out=out) on the same shapes."""
import timing  # first: it reports a missing numpy as a skip

import numpy as np

DTYPES = {"f64": np.float64, "f32": np.float32}


def make_case(params):
    rows, cols = params["rows"], params["cols"]
    rng = np.random.default_rng(1)
    a = rng.standard_normal((rows, cols)).astype(DTYPES[params["dtype"]])
    b = a[::-1].copy()
    out = np.empty_like(a)
    if params["operation"] == "add":
        return lambda: np.add(a, b, out=out)
    raise ValueError(f"elementwise.py: unknown operation {params['operation']!r}")


timing.main(make_case)
