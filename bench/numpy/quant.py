"""numpy's counterpart of bench/suites/quant.ts: astype for float16, and vectorised numpy versions of
lowrank's int8 (per row, on a square matrix) and NF4 (blocks of 64) rules. Each call allocates its
output, as numpy code does.
"""
import timing  # first: it reports a missing numpy as a skip

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


def make_case(params):
    operation, n = params["operation"], params["n"]
    rng = np.random.default_rng(1)
    x = rng.standard_normal(n).astype(np.float32)
    side = int(round(n**0.5))
    if operation == "f32_to_f16":
        return lambda: x.astype(np.float16)
    if operation == "f16_to_f32":
        h = x.astype(np.float16)
        return lambda: h.astype(np.float32)
    if operation == "int8_quantize":
        w = x[: side * side].reshape(side, side)
        return lambda: int8_quantize(w)
    if operation == "int8_dequantize":
        codes, scales = int8_quantize(x[: side * side].reshape(side, side))
        return lambda: int8_dequantize(codes, scales)
    if operation == "nf4_quantize":
        return lambda: nf4_quantize(x)
    if operation == "nf4_dequantize":
        packed, absmax = nf4_quantize(x)
        return lambda: nf4_dequantize(packed, absmax)
    raise ValueError(f"quant.py: unknown operation {operation!r}")


timing.main(make_case)
