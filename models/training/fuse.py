"""Write the step graph lmz ships: the exported float model rebuilt from ONNX Runtime's fused
CPU operators, with int8 weights.

  /usr/bin/python3 models/training/fuse.py --in work/float/model.onnx --json work/float/model.json \
      --out models/lm/model.onnx --json-out models/lm/model.json

Why: the traced graph (cached_step.py) runs ~184 nodes per step after ORT's own fusions, and at
batch 1 most of a step's time is per-node overhead, not arithmetic. The same network written with
com.microsoft operators is 8 nodes per layer:

  SkipLayerNormalization (residual add + LayerNorm in one) -> MatMulNBits qkv
  -> GroupQueryAttention (packed qkv, causal, kv_num_heads = num_heads: plain multi-head
     attention; past and present share one fixed [B,H,ctx,Dh] buffer per layer, so a step writes
     its key/value rows in place) -> MatMulNBits proj -> SkipLayerNormalization
  -> MatMulNBits fc -> FastGelu (the tanh form the model was trained with) -> MatMulNBits fc_out

Inputs:  input_ids int64 [B,S], positions int64 [S] (absolute positions, < ctx),
         seqlens_k int32 [B] (= last position of the step, per row), total_sequence_length int32 [],
         past_key_i / past_value_i float32 [B,H,ctx,Dh] (bind present_* to the same buffers).
Outputs: logits [B,1,V] and hidden [B,1,D] (after the final LayerNorm) of the step's last position,
         present_key_i, present_value_i.

Weights: every Linear and the tied output head as MatMulNBits (8-bit symmetric codes, blocks of
--block along K, accuracy level 4: int8 activations per block); the embedding lookups stay float32.
"""
import argparse
import json
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from quantize import quantize_weight, reconstruction_error  # noqa: E402

MS = "com.microsoft"
EPS = 1e-5


def build(weights, cfg, bits, block, accuracy_level):
    L, H, Dh, D, V, N = cfg["layers"], cfg["heads"], cfg["head_dim"], cfg["d_model"], cfg["vocab_size"], cfg["ctx"]
    nodes, inits, worst = [], [], 0.0

    def init(name, array):
        inits.append(numpy_helper.from_array(array, name))
        return name

    def matmul(x, wname, out):
        nonlocal worst
        w = weights[wname]
        n_out, k = w.shape
        codes, scales = quantize_weight(w, bits, block)
        worst = max(worst, reconstruction_error(w, codes, scales, bits, block))
        base = f"{wname}.q{bits}"
        init(base, codes)
        init(base + ".scales", scales)
        nodes.append(helper.make_node("MatMulNBits", [x, base, base + ".scales"], [out], name=out, domain=MS,
                                      K=k, N=n_out, bits=bits, block_size=block, accuracy_level=accuracy_level))
        return out

    def skip_norm(x, skip, prefix, out, sum_out):
        nodes.append(helper.make_node(
            "SkipLayerNormalization", [x, skip, init(prefix + ".weight", weights[prefix + ".weight"]),
                                       init(prefix + ".bias", weights[prefix + ".bias"])],
            [out, "", "", sum_out], name=out, domain=MS, epsilon=EPS))
        return out

    init("gpt.wte.weight", weights["gpt.wte.weight"])
    init("gpt.wpe.weight", weights["gpt.wpe.weight"])
    nodes.append(helper.make_node("Gather", ["gpt.wte.weight", "input_ids"], ["tok_emb"], name="tok_emb"))
    nodes.append(helper.make_node("Gather", ["gpt.wpe.weight", "positions"], ["pos_emb"], name="pos_emb"))
    # residual stream x_i enters block i; block 0 adds the position embedding inside its first norm.
    x, skip = "tok_emb", "pos_emb"
    for i in range(L):
        p = f"gpt.blocks.{i}"
        a = skip_norm(x, skip, f"{p}.ln1", f"ln1_{i}", f"x_{i}")
        x = f"x_{i}"
        qkv = matmul(a, f"{p}.qkv.weight", f"qkv_{i}")
        nodes.append(helper.make_node(
            "GroupQueryAttention", [qkv, "", "", f"past_key_{i}", f"past_value_{i}", "seqlens_k", "total_sequence_length"],
            [f"att_{i}", f"present_key_{i}", f"present_value_{i}"], name=f"att_{i}", domain=MS,
            num_heads=H, kv_num_heads=H, scale=float(1.0 / np.sqrt(Dh))))
        proj = matmul(f"att_{i}", f"{p}.proj.weight", f"proj_{i}")
        b = skip_norm(x, proj, f"{p}.ln2", f"ln2_{i}", f"x_{i}_mid")
        x = f"x_{i}_mid"
        fc = matmul(b, f"{p}.fc.weight", f"fc_{i}")
        nodes.append(helper.make_node("FastGelu", [fc], [f"gelu_{i}"], name=f"gelu_{i}", domain=MS))
        skip = matmul(f"gelu_{i}", f"{p}.fc_out.weight", f"mlp_{i}")
    skip_norm(x, skip, "gpt.ln_f", "hidden_all", "x_out")
    # Only the last position is ever predicted from: a multi-token call (the re-prime) would
    # otherwise run the 8192-row output layer for every token it feeds and throw the rows away.
    init("last_start", np.array([-1], dtype=np.int64))
    init("last_end", np.array([np.iinfo(np.int64).max], dtype=np.int64))
    init("seq_axis", np.array([1], dtype=np.int64))
    nodes.append(helper.make_node("Slice", ["hidden_all", "last_start", "last_end", "seq_axis"], ["hidden"], name="last"))
    matmul("hidden", "gpt.wte.weight", "logits")  # tied head: a quantized copy of the embedding

    f32 = TensorProto.FLOAT
    inputs = [helper.make_tensor_value_info("input_ids", TensorProto.INT64, ["batch", "seq"]),
              helper.make_tensor_value_info("positions", TensorProto.INT64, ["seq"]),
              helper.make_tensor_value_info("seqlens_k", TensorProto.INT32, ["batch"]),
              helper.make_tensor_value_info("total_sequence_length", TensorProto.INT32, [])]
    outputs = [helper.make_tensor_value_info("logits", f32, ["batch", 1, V]),
               helper.make_tensor_value_info("hidden", f32, ["batch", 1, D])]
    for i in range(L):
        for kind in ("key", "value"):
            inputs.append(helper.make_tensor_value_info(f"past_{kind}_{i}", f32, ["batch", H, N, Dh]))
            outputs.append(helper.make_tensor_value_info(f"present_{kind}_{i}", f32, ["batch", H, N, Dh]))
    graph = helper.make_graph(nodes, "lmz_step", inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17), helper.make_opsetid(MS, 1)],
                              producer_name="lmz fuse.py")
    return model, worst, [v.name for v in inputs], [v.name for v in outputs]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--in", dest="src", required=True, help="float step graph from export.py (weights by PyTorch name)")
    ap.add_argument("--json", required=True, help="its model.json")
    ap.add_argument("--out", required=True)
    ap.add_argument("--json-out", required=True)
    ap.add_argument("--bits", type=int, default=8)
    ap.add_argument("--block", type=int, default=128)
    ap.add_argument("--accuracy-level", type=int, default=4)
    args = ap.parse_args()

    src = onnx.load(args.src)
    weights = {i.name: numpy_helper.to_array(i).astype(np.float32) for i in src.graph.initializer}
    with open(args.json) as f:
        cfg = json.load(f)
    model, worst, inputs, outputs = build(weights, cfg, args.bits, args.block, args.accuracy_level)
    onnx.checker.check_model(model)
    onnx.save(model, args.out)
    cfg.update(onnx_inputs=inputs, onnx_outputs=outputs, graph="fused",
               cache_shapes="past_key_i / past_value_i [batch,heads,ctx,head_dim], shared with present_*",
               weights=(f"int{args.bits} symmetric, blocks of {args.block} along K, com.microsoft.MatMulNBits "
                        f"accuracy_level {args.accuracy_level}; embedding lookups in float32"))
    with open(args.json_out, "w") as f:
        json.dump(cfg, f, indent=2)
    print(f"{len(model.graph.node)} nodes, {os.path.getsize(args.out) / 1e6:.1f} MB -> {args.out}; "
          f"worst |w - dequant(w)| / max|w| per block: {worst:.2e}")


if __name__ == "__main__":
    main()
