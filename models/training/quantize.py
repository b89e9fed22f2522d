"""Weight-only block quantization for com.microsoft MatMulNBits (used by fuse.py).

A weight [N, K] is stored as signed codes in blocks of `block` values along K with one float
scale per block (symmetric: the zero point is the operator's default, 2^(bits-1)), so
Y = A @ dequant(W)^T. Activations stay float; each row of A is computed independently, so batch
composition does not change a row's result.
"""
import numpy as np


def quantize_weight(w, bits, block):
    """w [N, K] float32 -> (codes uint8 [N, K/block, block*bits/8], scales float32 [N, K/block])."""
    n, k = w.shape
    assert k % block == 0, f"K={k} is not a multiple of the block size {block}"
    qmax = 2 ** (bits - 1) - 1
    blocks = w.reshape(n, k // block, block).astype(np.float64)
    scale = np.abs(blocks).max(axis=2) / qmax
    scale[scale == 0] = 1.0
    scale = scale.astype(np.float32)
    q = np.clip(np.rint(blocks / scale[:, :, None].astype(np.float64)), -qmax, qmax).astype(np.int32)
    codes = (q + 2 ** (bits - 1)).astype(np.uint8)
    if bits == 4:
        codes = (codes[:, :, 0::2] | (codes[:, :, 1::2] << 4)).astype(np.uint8)
    else:
        assert bits == 8, "bits must be 4 or 8"
    return codes, scale


def reconstruction_error(w, codes, scales, bits, block):
    """Largest |w - dequant(w)| relative to its block's largest |w| (at most 1/(2*qmax))."""
    n, k = w.shape
    if bits == 4:
        codes = np.stack([codes & 15, codes >> 4], axis=3).reshape(n, k // block, block)
    q = codes.astype(np.float64) - 2 ** (bits - 1)
    back = q * scales[:, :, None]
    blocks = w.reshape(n, k // block, block)
    peak = np.abs(blocks).max(axis=2, keepdims=True)
    peak[peak == 0] = 1
    return float((np.abs(blocks - back) / peak).max())
