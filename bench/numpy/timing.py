"""Shared timing loop of the numpy benchmark helpers (see bench/numpy.ts for the protocol).

A helper script imports this module before numpy, defines make_case(params) returning a
zero-argument callable (inputs are made there, outside timing), and calls main(make_case).
The request arrives as JSON on stdin, and the response is one JSON object on stdout.
"""
import json
import sys
import time

try:
    import numpy
except ImportError:
    print(json.dumps({"skipped": f"numpy is not installed for {sys.executable}"}))
    sys.exit(0)


def blas_description():
    """Return the BLAS numpy was built with and, for OpenBLAS, the kernel chosen at run time."""
    description = "unknown BLAS"
    try:
        blas = numpy.show_config(mode="dicts")["Build Dependencies"]["blas"]
        description = f"{blas.get('name', 'unknown')} {blas.get('version', '')}".strip()
    except Exception:
        pass
    try:
        import ctypes

        with open("/proc/self/maps") as maps:
            paths = {line.split()[-1] for line in maps if "openblas" in line.lower() and ".so" in line}
        for path in paths:
            library = ctypes.CDLL(path)
            for symbol in ("scipy_openblas_get_corename64_", "openblas_get_corename64_", "openblas_get_corename"):
                corename = getattr(library, symbol, None)
                if corename is not None:
                    corename.restype = ctypes.c_char_p
                    return f"{description}, kernel {corename().decode()}"
    except Exception:
        pass
    return description


def measure(call, time_ms, min_iterations, warmup_ms, budget_ms):
    """Time call() as bench/harness.ts does: one probe call, then the standard plan when it fits
    the budget, else as many calls as fit (the probe alone when none does). Returns milliseconds."""
    start = time.perf_counter_ns()
    call()
    probe_ms = (time.perf_counter_ns() - start) / 1e6

    standard_ms = warmup_ms + max(time_ms, min_iterations * probe_ms)
    if probe_ms + standard_ms <= budget_ms:
        deadline = time.perf_counter_ns() + warmup_ms * 1e6
        while time.perf_counter_ns() < deadline:
            call()
        calls, limited = None, False
    else:
        calls = int((budget_ms - probe_ms) // max(probe_ms, 1e-3))
        if calls < 1:
            return [probe_ms], True
        limited = True

    samples = []
    spent_ns = 0
    while (calls is None and (spent_ns < time_ms * 1e6 or len(samples) < min_iterations)) or (calls is not None and len(samples) < calls):
        start = time.perf_counter_ns()
        call()
        elapsed = time.perf_counter_ns() - start
        spent_ns += elapsed
        samples.append(elapsed / 1e6)
    return samples, limited


def main(make_case):
    """Read the request from stdin, time every case and print the response."""
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        call = make_case(case["params"])
        samples, limited = measure(call, request["timeMs"], request["minIterations"], request["warmupMs"], request["budgetMs"])
        results.append({"id": case["id"], "samplesMs": samples, "budgetLimited": limited})
    print(json.dumps({
        "numpy": numpy.__version__,
        "python": sys.version.split()[0],
        "blas": blas_description(),
        "cases": results,
    }))
