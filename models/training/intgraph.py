"""The integer network as an ONNX graph (spec lmz-int8-v1, docs/INTNET.md), one token per call.

Only ops that compute the same integers on every CPU: MatMulInteger (u8 x u8 with zero points
128, so no AVX2 vpmaddubsw saturation: MLAS widens u8u8 to int16 pairs), MatMul on int32
(bounded sums), int64 Add/Sub/Mul/Div (Div only of non-negative numbers, so truncation is
floor), Abs/Max/Min/ReduceSum/ReduceMax, Gather from tables, Concat/Reshape/Transpose, and one
double Sqrt per LayerNorm row whose argument is an integer below 2^52, where floor(sqrt) of the
correctly rounded IEEE result is the exact integer square root.

Inputs: token int64 [1], position int64 [1], past_key_i / past_value_i int32 [H, P, Dh]
(P = position: the C# side keeps the cache). Outputs: logits int64 [1, V] (units 2^-logit_bits),
hidden int64 [1, d] (units 2^-hidden_bits), key_i / value_i int32 [H, 1, Dh] of this token.
"""
import json
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

import intnet as N

OFFSET = 1 << 61   # floor shifts of signed values: (x + 2^61) / 2^s - 2^(61-s), with |x| < 2^61


class Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0
        self.consts = {}

    def name(self, hint):
        self.count += 1
        return f"{hint}_{self.count}"

    def tensor(self, name, array):
        self.inits.append(numpy_helper.from_array(np.ascontiguousarray(array), name))
        return name

    def const(self, value, dtype=np.int64):
        key = (str(np.dtype(dtype)), str(value))
        if key not in self.consts:
            self.consts[key] = self.tensor(f"c_{np.dtype(dtype).name}_{len(self.consts)}", np.array(value, dtype=dtype))
        return self.consts[key]

    def op(self, kind, inputs, hint=None, **attrs):
        out = self.name(hint or kind.lower())
        self.nodes.append(helper.make_node(kind, inputs, [out], **attrs))
        return out

    def shr(self, x, s, add=0):
        """floor((x + add) / 2^s) for signed int64 x."""
        t = self.op("Add", [x, self.const(OFFSET + add)])
        t = self.op("Div", [t, self.const(1 << s)])
        return self.op("Sub", [t, self.const(OFFSET >> s)])

    def clamp(self, x, lo, hi):
        return self.op("Min", [self.op("Max", [x, self.const(lo)]), self.const(hi)])

    def quantize(self, x, axis=-1):
        """Q(x) along axis: int64 codes in [-127,127] and the peak m (keepdims)."""
        m = self.op("Max", [self.op("ReduceMax", [self.op("Abs", [x])], axes=[axis], keepdims=1), self.const(1)])
        R = self.op("Div", [self.const(127 << N.ROW_SHIFT), m])
        q = self.shr(self.op("Mul", [x, R]), N.ROW_SHIFT, 1 << (N.ROW_SHIFT - 1))
        return self.clamp(q, -127, 127), m

    def ln_quantize(self, h, eps, n):
        s1 = self.op("ReduceSum", [h, self.const([-1])], keepdims=1)
        c = self.op("Sub", [h, self.shr(s1, int(np.log2(n)))])
        v = self.op("ReduceSum", [self.op("Mul", [c, c]), self.const([-1])], keepdims=1)
        v = self.op("Cast", [self.op("Add", [v, self.const(n * eps)])], to=TensorProto.DOUBLE)
        s = self.op("Cast", [self.op("Floor", [self.op("Sqrt", [v])])], to=TensorProto.INT64)
        q, m = self.quantize(c)
        r = self.op("Div", [self.op("Mul", [m, self.const(1 << N.RHO_BITS)]), s])
        return q, r

    def linear(self, q, r, prefix, lin):
        """(acc * r * C + B) >> S with acc = MatMulInteger(q + 128, W + 128) - zero points."""
        a = self.op("Cast", [self.op("Add", [q, self.const(128)])], to=TensorProto.UINT8)
        w = self.tensor(prefix + ".w", (lin.q.T.astype(np.int16) + 128).astype(np.uint8))
        c = self.tensor(prefix + ".c", lin.c)
        b = self.tensor(prefix + ".b", lin.b)
        zp = self.const(128, np.uint8)
        acc = self.op("Cast", [self.op("MatMulInteger", [a, w, zp, zp])], to=TensorProto.INT64)
        v = self.op("Mul", [self.op("Mul", [acc, r]), c])
        return self.shr(self.op("Add", [v, b]), lin.shift)


def build_graph(net, out_dir):
    g = Graph()
    d, H, dh, L, V = net.d, net.H, net.dh, net.L, net.w["vocab"]
    emb = g.tensor("emb", net.emb)
    pos = g.tensor("pos", net.pos)
    exp_table = g.tensor("exp_table", net.exp_table.astype(np.int64))
    gelu_table = g.tensor("gelu_table", net.gelu_table.astype(np.int64))
    inputs = [helper.make_tensor_value_info("token", TensorProto.INT64, [1]),
              helper.make_tensor_value_info("position", TensorProto.INT64, [1])]
    outputs = [helper.make_tensor_value_info("logits", TensorProto.INT64, [1, V]),
               helper.make_tensor_value_info("hidden", TensorProto.INT64, [1, d])]
    e = g.op("Cast", [g.op("Gather", [emb, "token"], axis=0)], to=TensorProto.INT64)
    p = g.op("Cast", [g.op("Gather", [pos, "position"], axis=0)], to=TensorProto.INT64)
    h = g.op("Add", [e, p])                                               # [1, d]
    heads_shape = g.const([H, 1, dh])
    for i, lay in enumerate(net.layers):
        inputs += [helper.make_tensor_value_info(f"past_key_{i}", TensorProto.INT32, [H, "P", dh]),
                   helper.make_tensor_value_info(f"past_value_{i}", TensorProto.INT32, [H, "P", dh])]
        q, r = g.ln_quantize(h, net.eps_int, d)
        qkv = g.linear(q, r, f"l{i}.qkv", lay["qkv"])
        qh = g.op("Slice", [qkv, g.const([0]), g.const([d]), g.const([1])])
        kh = g.op("Slice", [qkv, g.const([d]), g.const([2 * d]), g.const([1])])
        vh = g.op("Slice", [qkv, g.const([2 * d]), g.const([3 * d]), g.const([1])])
        qh = g.op("Reshape", [g.clamp(qh, -N.CLAMP_ACT, N.CLAMP_ACT), heads_shape])
        kn = g.op("Cast", [g.op("Reshape", [g.clamp(kh, -N.KV_MAX, N.KV_MAX), heads_shape])], to=TensorProto.INT32)
        vn = g.op("Cast", [g.op("Reshape", [g.clamp(vh, -N.KV_MAX, N.KV_MAX), heads_shape])], to=TensorProto.INT32)
        g.nodes.append(helper.make_node("Identity", [kn], [f"key_{i}"]))
        g.nodes.append(helper.make_node("Identity", [vn], [f"value_{i}"]))
        outputs += [helper.make_tensor_value_info(f"key_{i}", TensorProto.INT32, [H, 1, dh]),
                    helper.make_tensor_value_info(f"value_{i}", TensorProto.INT32, [H, 1, dh])]
        K = g.op("Concat", [f"past_key_{i}", kn], axis=1)                   # [H, P+1, dh]
        Vc = g.op("Concat", [f"past_value_{i}", vn], axis=1)
        q8, mq = g.quantize(qh)                                              # per head
        dots = g.op("MatMul", [g.op("Cast", [q8], to=TensorProto.INT32), g.op("Transpose", [K], perm=[0, 2, 1])])
        t = g.op("Cast", [g.op("Sub", [g.op("ReduceMax", [dots], axes=[-1], keepdims=1), dots])], to=TensorProto.INT64)
        A = g.op("Mul", [mq, g.const(lay["score_mult"])])
        z = lay["score_shift"]
        idx = g.op("Min", [g.shr(g.op("Mul", [t, A]), z, 1 << (z - 1)), g.const(N.EXP_SIZE - 1)])
        ex = g.op("Gather", [exp_table, idx], axis=0)
        Rp = g.op("Div", [g.const(1 << (N.PROB_BITS + N.PROB_SHIFT)), g.op("ReduceSum", [ex, g.const([-1])], keepdims=1)])
        pr = g.shr(g.op("Mul", [ex, Rp]), N.PROB_SHIFT, 1 << (N.PROB_SHIFT - 1))
        o = g.op("Cast", [g.op("MatMul", [g.op("Cast", [pr], to=TensorProto.INT32), Vc])], to=TensorProto.INT64)
        o = g.shr(o, N.PROB_BITS, 1 << (N.PROB_BITS - 1))                  # [H, 1, dh]
        o = g.op("Reshape", [g.op("Transpose", [o], perm=[1, 0, 2]), g.const([1, d])])
        qo, mo = g.quantize(o)
        h = g.clamp(g.op("Add", [h, g.linear(qo, mo, f"l{i}.proj", lay["proj"])]), -N.CLAMP_RESIDUAL, N.CLAMP_RESIDUAL)
        q, r = g.ln_quantize(h, net.eps_int, d)
        u = g.linear(q, r, f"l{i}.fc", lay["fc"])
        gi = g.op("Add", [g.clamp(u, -N.GELU_RANGE, N.GELU_RANGE), g.const(N.GELU_RANGE)])
        gv = g.op("Where", [g.op("Greater", [u, g.const(N.GELU_RANGE)]), g.op("Min", [u, g.const(N.CLAMP_ACT)]),
                            g.op("Gather", [gelu_table, gi], axis=0)])
        qg, mg = g.quantize(gv)
        h = g.clamp(g.op("Add", [h, g.linear(qg, mg, f"l{i}.fc_out", lay["fc_out"])]), -N.CLAMP_RESIDUAL, N.CLAMP_RESIDUAL)
    q, r = g.ln_quantize(h, net.eps_int, d)
    logits = g.clamp(g.linear(q, r, "out", net.out), -N.CLAMP_LOGIT, N.CLAMP_LOGIT)
    g.nodes.append(helper.make_node("Identity", [logits], ["logits"]))
    hg = g.tensor("hidden_gain", net.hg)
    hb = g.tensor("hidden_bias", net.hb)
    hv = g.op("Add", [g.op("Add", [g.op("Mul", [g.op("Mul", [q, r]), hg]), hb]), g.const(OFFSET)])
    hv = g.op("Sub", [g.op("Div", [hv, g.const(1 << net.hshift)]), g.const(OFFSET >> net.hshift)])
    g.nodes.append(helper.make_node("Identity", [hv], ["hidden"]))

    graph = helper.make_graph(g.nodes, "lmz_int8_v1", inputs, outputs, g.inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], producer_name="lmz intnet.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx_path = os.path.join(out_dir, "model.int.onnx")
    data_name = "model.int.data"
    if os.path.exists(os.path.join(out_dir, data_name)):
        os.remove(os.path.join(out_dir, data_name))
    onnx.save_model(model, onnx_path, save_as_external_data=True, all_tensors_to_one_file=True,
                    location=data_name, size_threshold=64)
    # Where each tensor the C# engine reads lies in model.int.data.
    saved = onnx.load(onnx_path, load_external_data=False)
    tensors = {}
    for init in saved.graph.initializer:
        ext = {e.key: e.value for e in init.external_data}
        if "offset" in ext or "location" in ext:
            tensors[init.name] = {"type": TensorProto.DataType.Name(init.data_type).lower(), "shape": list(init.dims),
                                  "offset": int(ext.get("offset", 0)), "length": int(ext["length"])}
    spec = {**net.constants(), "vocab_size": V, "d_model": d, "heads": H, "head_dim": dh, "layers_count": L,
            "context": net.w["ctx"], "nodes": len(g.nodes), "tensors": tensors}
    with open(os.path.join(out_dir, "model.int.json"), "w") as f:
        json.dump(spec, f, indent=1)
        f.write("\n")
    print(f"{onnx_path}: {len(g.nodes)} nodes; {data_name}: {os.path.getsize(os.path.join(out_dir, data_name)):,} bytes")
