"""Weight-only block quantization of the exported step graph (models/lm/model.onnx).

Every MatMul whose right operand is Transpose(weight initializer [N, K]) becomes
com.microsoft MatMulNBits: the weight is stored as signed codes in blocks of --block values
along K with one float scale per block (symmetric: the zero point is the operator's
default, 2^(bits-1)), so Y = A @ dequant(W)^T. Activations stay float; each row of A is
computed independently, so batch composition does not change a row's result.

  /usr/bin/python3 models/training/quantize.py --in model.onnx --out model.q8.onnx --bits 8
"""
import argparse

import numpy as np
import onnx
from onnx import helper, numpy_helper


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


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="src", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--bits", type=int, default=8)
    ap.add_argument("--block", type=int, default=32)
    ap.add_argument("--accuracy-level", type=int, default=0,
                    help="MatMulNBits compute type: 0 = float (default), 4 = int8 activations per block")
    ap.add_argument("--json", help="model.json written by export.py, copied with the weight format added")
    ap.add_argument("--json-out", help="where to write that copy")
    ap.add_argument("--keep-head", action="store_true", help="leave the output layer (tied embedding) in float")
    args = ap.parse_args()

    m = onnx.load(args.src)
    g = m.graph
    inits = {i.name: i for i in g.initializer}
    producer = {o: n for n in g.node for o in n.output}
    new_inits, drop_nodes, count, worst = [], set(), 0, 0.0
    for node in list(g.node):
        if node.op_type != "MatMul":
            continue
        t = producer.get(node.input[1])
        if t is None or t.op_type != "Transpose" or t.input[0] not in inits:
            continue
        wname = t.input[0]
        if args.keep_head and wname.endswith("wte.weight"):
            continue
        w = numpy_helper.to_array(inits[wname])
        n_out, k = w.shape
        codes, scales = quantize_weight(w, args.bits, args.block)
        worst = max(worst, reconstruction_error(w, codes, scales, args.bits, args.block))
        base = f"{wname}.q{args.bits}"
        new_inits += [numpy_helper.from_array(codes, base), numpy_helper.from_array(scales, base + ".scales")]
        q = helper.make_node("MatMulNBits", [node.input[0], base, base + ".scales"], list(node.output),
                             name=node.name + "_q", domain="com.microsoft", K=k, N=n_out, bits=args.bits,
                             block_size=args.block, accuracy_level=args.accuracy_level)
        idx = list(g.node).index(node)
        g.node.remove(node)
        g.node.insert(idx, q)
        drop_nodes.add(t.name)
        count += 1
    for node in list(g.node):
        if node.name in drop_nodes and not any(node.output[0] in n.input for n in g.node):
            g.node.remove(node)
    used = {i for n in g.node for i in n.input}
    for name in [i.name for i in g.initializer]:
        if name not in used:
            g.initializer.remove(inits[name])
    g.initializer.extend(new_inits)
    if not any(o.domain == "com.microsoft" for o in m.opset_import):
        m.opset_import.append(helper.make_opsetid("com.microsoft", 1))
    onnx.save(m, args.out)
    print(f"{count} MatMuls quantized to {args.bits} bits (block {args.block}) -> {args.out}; "
          f"worst |w - dequant(w)| / max|w| per block: {worst:.2e}")
    if args.json:
        import json
        with open(args.json) as f:
            info = json.load(f)
        info["weights"] = (f"int{args.bits} symmetric, blocks of {args.block} along K, com.microsoft.MatMulNBits "
                           f"accuracy_level {args.accuracy_level}; embedding lookup in float32")
        with open(args.json_out or args.json, "w") as f:
            json.dump(info, f, indent=2)


if __name__ == "__main__":
    main()
