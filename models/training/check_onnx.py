"""Run the exported ONNX graph with a tiny numpy interpreter and compare it with
PyTorch.  There is no onnxruntime in this Python; this catches export bugs
(sizes frozen at trace time, a broken past_len = 0 path) before C# sees the
model.  Only the ops torch 1.13 emits for model.py are implemented; an unknown
op raises NotImplementedError (extend it, don't skip the check).
"""
import numpy as np
import onnx
import torch
from onnx import numpy_helper


def _attrs(n):
    return {a.name: onnx.helper.get_attribute_value(a) for a in n.attribute}


def run_onnx(m, feeds):
    env = dict(feeds)
    for t in m.graph.initializer:
        env[t.name] = numpy_helper.to_array(t)
    for n in m.graph.node:
        a, x, op = _attrs(n), [env[i] if i else None for i in n.input], n.op_type
        if op == "Constant": y = [numpy_helper.to_array(a["value"])]
        elif op == "Add": y = [x[0] + x[1]]
        elif op == "Sub": y = [x[0] - x[1]]
        elif op == "Mul": y = [x[0] * x[1]]
        elif op == "Div": y = [x[0] / x[1]]
        elif op == "Tanh": y = [np.tanh(x[0])]
        elif op == "MatMul": y = [np.matmul(x[0], x[1])]
        elif op == "Greater": y = [x[0] > x[1]]
        elif op == "GreaterOrEqual": y = [x[0] >= x[1]]
        elif op == "Where": y = [np.where(x[0], x[1], x[2])]
        elif op == "Cast": y = [x[0].astype(onnx.mapping.TENSOR_TYPE_TO_NP_TYPE[a["to"]])]
        elif op == "Shape":
            s = np.array(x[0].shape, np.int64)
            y = [s[a.get("start", 0):a.get("end", len(s))]]
        elif op == "Slice":
            starts, ends = x[1], x[2]
            axes = x[3] if len(x) > 3 and x[3] is not None else np.arange(len(starts))
            steps = x[4] if len(x) > 4 and x[4] is not None else np.ones(len(starts), np.int64)
            sl = [slice(None)] * x[0].ndim
            for st, en, ax, sp in zip(starts, ends, axes, steps):
                sl[int(ax)] = slice(int(st), int(min(en, 2**62)), int(sp))
            y = [x[0][tuple(sl)]]
        elif op == "Squeeze":
            y = [np.squeeze(x[0], axis=tuple(int(v) for v in x[1])) if len(x) > 1 and x[1] is not None else np.squeeze(x[0])]
        elif op == "Gather": y = [np.take(x[0], x[1], axis=a.get("axis", 0))]
        elif op == "Unsqueeze": y = [np.expand_dims(x[0], tuple(int(v) for v in x[1]))]
        elif op == "Concat": y = [np.concatenate(x, axis=a["axis"])]
        elif op == "Reshape":
            y = [x[0].reshape([x[0].shape[i] if v == 0 and not a.get("allowzero", 0) else v
                               for i, v in enumerate(x[1])])]
        elif op == "Transpose": y = [np.transpose(x[0], a["perm"])]
        elif op == "Range": y = [np.arange(x[0], x[1], x[2]).astype(x[0].dtype)]
        elif op == "Split": y = np.split(x[0], np.cumsum(x[1])[:-1], axis=a.get("axis", 0))
        elif op == "Softmax":
            ax = a.get("axis", -1)
            e = np.exp(x[0] - x[0].max(ax, keepdims=True))
            y = [e / e.sum(ax, keepdims=True)]
        elif op == "LayerNormalization":
            ax = a.get("axis", -1)
            mu = x[0].mean(ax, keepdims=True)
            var = ((x[0] - mu) ** 2).mean(ax, keepdims=True)
            y = [(x[0] - mu) / np.sqrt(var + a.get("epsilon", 1e-5)) * x[1] + x[2]]
        else:
            raise NotImplementedError(op)
        for o, v in zip(n.output, y):
            env[o] = v
    return [env[o.name] for o in m.graph.output]


def check(onnx_path, model):
    """Compare ONNX (numpy) with PyTorch on several (batch, seq, past_len),
    including past_len = 0 and the last position ctx-1.  Returns worst diff."""
    m, c = onnx.load(onnx_path), model.cfg
    rng = np.random.default_rng(1)
    worst = 0.0
    for B, S, P in [(1, 1, 0), (2, 5, 0), (3, 1, 7), (1, 4, 9), (1, 1, c.ctx - 1)]:
        ids = rng.integers(0, c.vocab_size, (B, S)).astype(np.int64)
        with torch.no_grad():
            prefix = torch.from_numpy(rng.integers(0, c.vocab_size, (B, P)).astype(np.int64))
            past = model(prefix)[1] if P else model.empty_past(B)
            ref = model(torch.from_numpy(ids), past)
        feeds = {"input_ids": ids, "position": np.array([P], np.int64)}
        for i in range(c.layers):
            k = np.zeros((B, c.heads, c.head_dim, c.ctx), np.float32)
            v = np.zeros((B, c.heads, c.ctx, c.head_dim), np.float32)
            k[:, :, :, :P] = past[i, 0].numpy().transpose(0, 1, 3, 2)
            v[:, :, :P, :] = past[i, 1].numpy()
            feeds[f"k_{i}"], feeds[f"v_{i}"] = k, v
        out = run_onnx(m, feeds)
        pres = ref[1][:, :, :, :, P:]  # [L,2,B,H,S,Dh]
        ref = (ref[0], pres[:, 0].permute(0, 1, 2, 4, 3), pres[:, 1], ref[2])
        for o, r in zip(out, ref):
            assert o.shape == tuple(r.shape), (B, S, P, o.shape, tuple(r.shape))
        d = max(float(np.abs(o - r.numpy()).max()) for o, r in zip(out, ref))
        print(f"  onnx(numpy) vs torch  batch {B} seq {S} past_len {P}: max diff {d:.2e}")
        worst = max(worst, d)
    return worst
