#!/usr/bin/env python3
"""Times numpy on the number-format operations of bench/suites/quant.ts and prints the latency samples
in milliseconds as JSON: {"samples": [...]}.

    python3 bench/python/quant_numpy.py OPERATION N SECONDS

OPERATION is f32_to_f16, f16_to_f32, int8_quantize, int8_dequantize, nf4_quantize or nf4_dequantize.
The 8-bit and 4-bit versions are vectorised numpy implementations of lowrank's rules (per-row int8 on
a square matrix; NF4 in blocks of 64). Each sample is one call, output allocation included.
"""
import json
import sys
import time

import numpy as np

NF4 = np.array([-1.0, -0.6961928009986877, -0.5250730514526367, -0.39491748809814453, -0.28444138169288635,
                -0.18477343022823334, -0.09105003625154495, 0.0, 0.07958029955625534, 0.16093020141124725,
                0.24611230194568634, 0.33791524171829224, 0.44070982933044434, 0.5626170039176941,
                0.7229568362236023, 1.0], dtype=np.float32)
NF4_MID = ((NF4[:-1].astype(np.float64) + NF4[1:].astype(np.float64)) / 2).astype(np.float32)


def int8_quantize(w):
    absmax = np.abs(w).max(axis=1, keepdims=True).astype(np.float64)
    scales = (absmax / 127).astype(np.float32)
    s = scales.astype(np.float64)
    with np.errstate(divide="ignore", invalid="ignore"):
        codes = np.where(s == 0, 0, np.clip(np.rint(w / s), -127, 127)).astype(np.int8)
    return codes, scales


def int8_dequantize(codes, scales):
    return codes.astype(np.float32) * scales


def nf4_quantize(x, block=64):
    blocks = x.reshape(-1, block)
    absmax = np.abs(blocks).max(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        reciprocal = np.float32(1) / absmax
    t = blocks * reciprocal[:, None]
    codes = np.searchsorted(NF4_MID, t, side="left").astype(np.uint8)
    codes[absmax == 0] = 7
    codes = codes.reshape(-1)
    return (codes[0::2] << 4) | codes[1::2], absmax


def nf4_dequantize(packed, absmax, block=64):
    codes = np.empty(packed.size * 2, dtype=np.uint8)
    codes[0::2] = packed >> 4
    codes[1::2] = packed & 15
    return (NF4[codes].reshape(-1, block) * absmax[:, None]).reshape(-1)


def main():
    operation, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    rng = np.random.default_rng(1)
    x = rng.standard_normal(n).astype(np.float32)
    if operation == "f32_to_f16":
        call = lambda: x.astype(np.float16)
    elif operation == "f16_to_f32":
        h = x.astype(np.float16)
        call = lambda: h.astype(np.float32)
    elif operation == "int8_quantize":
        side = int(round(n ** 0.5))
        w = x[: side * side].reshape(side, side)
        call = lambda: int8_quantize(w)
    elif operation == "int8_dequantize":
        side = int(round(n ** 0.5))
        codes, scales = int8_quantize(x[: side * side].reshape(side, side))
        call = lambda: int8_dequantize(codes, scales)
    elif operation == "nf4_quantize":
        call = lambda: nf4_quantize(x)
    elif operation == "nf4_dequantize":
        packed, absmax = nf4_quantize(x)
        call = lambda: nf4_dequantize(packed, absmax)
    else:
        raise SystemExit(f"quant_numpy: unknown operation {operation!r}")
    for _ in range(3):
        call()
    samples = []
    deadline = time.perf_counter() + seconds
    while len(samples) < 5 or time.perf_counter() < deadline:
        start = time.perf_counter()
        call()
        samples.append((time.perf_counter() - start) * 1000)
    print(json.dumps({"samples": samples}))


if __name__ == "__main__":
    main()
