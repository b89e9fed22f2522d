"""Export WORK/ckpt.pt to ONNX (opset 17, float32) for the C# runtime.

  OPENBLAS_NUM_THREADS=1 /usr/bin/python3 models/training/export.py --work models/training/work --out models/lm

Graph (see cached_step.py): input_ids int64 [batch, seq], cache float32
[L,2,batch,H,ctx,Dh], position int64 [1] -> logits [batch, seq, V],
new_kv [L,2,batch,H,seq,Dh], hidden [batch, seq, D].
Positions are position..position+seq-1 and must stay < ctx (learned position
table): the caller re-primes the cache before a window would run past ctx.
"""
import argparse
import json
import os
import sys

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import onnx
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from model import GPT, GPTConfig  # noqa: E402
from check_onnx import check  # noqa: E402
from cached_step import CachedStep, empty_caches, write_caches  # noqa: E402

OUTPUTS = ["logits", "new_k", "new_v", "hidden"]


def input_names(layers):
    return ["input_ids", "position"] + [f"k_{i}" for i in range(layers)] + [f"v_{i}" for i in range(layers)]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", default=os.path.join(HERE, "work"))
    ap.add_argument("--out", default=os.path.join(HERE, "..", "lm"))
    args = ap.parse_args()
    torch.set_num_threads(2)

    ck = torch.load(os.path.join(args.work, "ckpt.pt"))
    c = ck["config"]
    cfg = GPTConfig(c["vocab_size"], c["layers"], c["d_model"], c["heads"], c["ctx"])
    model = GPT(cfg)
    model.load_state_dict(ck["model"])
    model.float().eval()

    # 1) cached path == full path, in PyTorch (20 tokens, one at a time)
    g = torch.Generator().manual_seed(0)
    n = min(20, cfg.ctx)
    ids = torch.randint(0, cfg.vocab_size, (2, n), generator=g)
    with torch.no_grad():
        full_logits, full_present, full_hidden = model(ids, model.empty_past(2))
        past, steps = model.empty_past(2), []
        for t in range(n):
            lg, past, _ = model(ids[:, t:t + 1], past)
            steps.append(lg)
        diff = (torch.cat(steps, 1) - full_logits).abs().max().item()
        kv_diff = (past - full_present).abs().max().item()
    print(f"cached vs full: max |logit diff| {diff:.3e}, max |present diff| {kv_diff:.3e} "
          f"(logit scale {full_logits.abs().max().item():.2f})")
    assert diff < 1e-3 and kv_diff < 1e-4, "KV-cache path disagrees with full path"

    # 2) export.  Trace with past_len > 0 and seq > 1 so no size is 0 or 1 in
    # the trace (which could be specialised); the axes are declared dynamic.
    # No constant folding: folding stores every weight pre-transposed, and the
    # tied head twice (wte for Gather + wte^T for MatMul: +V*D floats on disk).
    # Unfolded, each weight is stored once under its PyTorch name and
    # onnxruntime folds the Transpose nodes when an InferenceSession loads the model (in memory).
    os.makedirs(args.out, exist_ok=True)
    path = os.path.join(args.out, "model.onnx")
    step = CachedStep(model).eval()
    INPUTS = input_names(cfg.layers)
    # 2b) the exported step, run token by token in PyTorch, equals the full pass
    with torch.no_grad():
        ks, vs = empty_caches(cfg, 2)
        outs = []
        for t in range(n):
            lg, nk, nv, _ = step(ids[:, t:t + 1], torch.tensor([t]), *ks, *vs)
            write_caches(ks, vs, nk, nv, t)
            outs.append(lg)
        step_diff = (torch.cat(outs, 1) - full_logits).abs().max().item()
    print(f"cached step vs full: max |logit diff| {step_diff:.3e}")
    assert step_diff < 1e-3, "CachedStep disagrees with the full pass"

    ex_ids = torch.randint(0, cfg.vocab_size, (2, 3), generator=g)
    with torch.no_grad():
        ks, vs = empty_caches(cfg, 2)
        dyn = {"input_ids": {0: "batch", 1: "seq"}, "logits": {0: "batch", 1: "seq"},
               "new_k": {1: "batch", 4: "seq"}, "new_v": {1: "batch", 3: "seq"}, "hidden": {0: "batch", 1: "seq"}}
        for i in range(cfg.layers):
            dyn[f"k_{i}"] = {0: "batch"}
            dyn[f"v_{i}"] = {0: "batch"}
        torch.onnx.export(
            step, (ex_ids, torch.tensor([5]), *ks, *vs), path, opset_version=17,
            input_names=INPUTS, output_names=OUTPUTS, do_constant_folding=False,
            dynamic_axes=dyn)

    # 3) structural check of the graph
    m = onnx.load(path)
    onnx.checker.check_model(m, full_check=True)
    def shape(v):
        return [d.dim_param or d.dim_value for d in v.type.tensor_type.shape.dim]
    for v in list(m.graph.input) + list(m.graph.output):
        print(f"  {v.name}: {shape(v)}")
    ops = sorted({nd.op_type for nd in m.graph.node})
    print(f"onnx ok: {os.path.getsize(path) / 1e6:.1f} MB, {len(m.graph.node)} nodes, ops {ops}")
    # 4) numerics of the graph itself, via a numpy interpreter (dynamic shapes, past_len 0)
    worst = check(path, model)
    assert worst < 1e-3, "ONNX graph disagrees with PyTorch"

    info = dict(vocab_size=cfg.vocab_size, layers=cfg.layers, d_model=cfg.d_model,
                heads=cfg.heads, head_dim=cfg.head_dim, ctx=cfg.ctx,
                params=model.num_params(), onnx_inputs=INPUTS, onnx_outputs=OUTPUTS,
                opset=17, cache_shapes="k_i [batch,heads,head_dim,ctx], v_i [batch,heads,ctx,head_dim]",
                trained_steps=ck["state"]["step"], trained_seconds=round(ck["state"]["elapsed"], 1))
    with open(os.path.join(args.out, "model.json"), "w") as f:
        json.dump(info, f, indent=2)
    print(f"wrote {path} and model.json")


if __name__ == "__main__":
    main()
